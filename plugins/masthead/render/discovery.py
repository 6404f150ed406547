"""Discovery files: image crops for search results (made by the workers), sitemaps, the news sitemap, robots.txt."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from operator import attrgetter
from pathlib import Path

from PIL import Image, ImageOps

from ..config import SiteConfig
from ..content import Newsroom
from ..pictures import orientation
from ..seo.crops import MIN_WIDTH, RATIOS, crop_box, crop_path, crop_size
from ..seo.sitemaps import INDEX, NEWS_WINDOW, NewsEntry, PageEntry, news_files, robots_txt, sitemap_files
from ..workers import Workers
from .files import OutputFolder
from .record import RenderRecord

logger = logging.getLogger(__name__)
CROP_VERSION = 3  # 2: boxes from the photo's upright size; 3: baseline JPEG


def write_discovery(plan, newsroom: Newsroom, config: SiteConfig, output: OutputFolder) -> list[str]:
    """The sitemaps (news included) and robots.txt; returns the files written."""
    base = config.public_url

    def url(path: str) -> str:
        return f"{base}/{path}"

    pages: list[PageEntry] = []
    by_url = attrgetter("url")
    changed: dict[str, object] = {}  # each story's last change, by its address (teasers are other objects)
    for story in plan.stories:
        record = story.record
        changed[story.url] = when = record.modified or record.date
        images: tuple[str, ...] = ()
        if record.image:
            picture = record.image.picture
            images = (url(picture.src) if picture.is_local else picture.src,)
        alternates = (tuple((version.lang, url(version.url)) for version in story.translations)
                      if story.translations else ())
        pages.append(PageEntry(url(story.url), when, images, alternates))

    def newest(teasers) -> object:
        """A listing's last change: its newest story's (map and attrgetter: listings hold every
        story several times over, walked here without a Python call per story)."""
        return max(map(changed.__getitem__, map(by_url, teasers)), default=None)

    pages.append(PageEntry(base + "/", newest(plan.listed)))
    for groups in (plan.authors, plan.sections, plan.tags):
        for owner, teasers in groups:
            pages.append(PageEntry(url(owner.url), newest(teasers)))
    for page in plan.pages:
        pages.append(PageEntry(url(page.url)))
    for edition in plan.editions:  # each digest edition's page, changed when one of its stories did
        pages.append(PageEntry(url(edition.path), newest(edition.articles)))
    if plan.editions:
        pages.append(PageEntry(url("digests/"), newest(plan.listed)))

    recent = newsroom.now - NEWS_WINDOW  # only the last two days' stories can be in the news sitemap
    news = news_files([NewsEntry(url(s.url), s.record.title, s.record.date, s.lang)
                       for s in plan.stories if s.record.date >= recent], config.name, newsroom.now)
    files = {**sitemap_files(base, pages, news_files=tuple(news)), **news}
    for path, data in files.items():
        output.write_bytes(path, data)
    output.write_text("robots.txt", robots_txt(base, [INDEX, *news]))
    return [*files, "robots.txt"]


INLINE_LIMIT = 8  # fewer photos than this are cropped here: starting workers costs more


def write_crops(articles, images, content: Path, cache: Path, output: OutputFolder, record: RenderRecord,
                workers: Workers | None = None) -> int:
    """16:9, 4:3 and 1:1 crops of each published featured image, cached by the photo's bytes and
    made by the workers. A photo whose bytes' digest (`images`: the newsroom's, remembered with
    each file's stamp) is the one the last build cropped keeps its crops without being read.
    Returns how many photos were cropped."""
    pictures = {}  # many articles share a photo: each is cropped once
    for article in articles:
        image = article.record.image
        if image and image.picture.is_local and image.picture.width:
            pictures.setdefault(image.picture.src, image.picture)
    cache.mkdir(parents=True, exist_ok=True)
    made, work = [], []
    for picture in pictures.values():
        source = content / picture.src
        found = images.get(picture.src)
        digest = found.digest if found and found.digest else hashlib.sha256(source.read_bytes()).hexdigest()
        unit = f"crops:{picture.src}"
        key = record.key("crops", str(CROP_VERSION), picture.src, digest)
        if record.unchanged(unit, key, page=False):
            continue
        if crop_size(picture.width, picture.height, RATIOS["16x9"])[0] < MIN_WIDTH:
            logger.warning("%s: %d×%d px is too small for %d px wide search crops; the crops use what "
                           "there is", f"content/{picture.src}", picture.width, picture.height, MIN_WIDTH)
        cached = {name: cache / f"{digest}-{name}-v{CROP_VERSION}.jpg" for name in RATIOS}
        missing = {name: str(path) for name, path in cached.items() if not path.exists()}
        if missing:
            work.append((str(source), missing))
        made.append((picture.src, unit, key, cached))
    if workers is not None and len(work) >= INLINE_LIMIT:
        workers.map(_crop_into_cache, work)
    else:
        for call in work:
            _crop_into_cache(*call)
    for src, unit, key, cached in made:
        for name, path in cached.items():
            output.link(path, crop_path(src, name))
        record.rendered_unit(unit, key, [crop_path(src, name) for name in cached], page=False)
    return len(work)


def _crop_into_cache(source: str, targets: dict[str, str]) -> None:
    """The crops of one photo (decoded once for all of them) into the cache, each file atomic.
    Baseline JPEG: crawlers read them whole, and progressive took twice as long to encode. A crop
    that is the whole photo (a 16:9 photo's 16:9 crop) is the photo's own file, when that is an
    upright JPEG: encoding it again would only cost time and quality."""
    with Image.open(source) as opened:
        as_stored = opened.format == "JPEG" and opened.mode in ("RGB", "L") and orientation(opened) == 1
        photo = ImageOps.exif_transpose(opened).convert("RGB")
    for name, target in targets.items():
        ratio = RATIOS[name]
        width, height = crop_size(photo.width, photo.height, ratio)
        box = crop_box(photo.width, photo.height, ratio)
        temporary = f"{target}.{os.getpid()}.tmp"
        if as_stored and box == (0, 0, *photo.size) and (width, height) == photo.size:
            shutil.copyfile(source, temporary)
        else:
            crop = photo.resize((width, height), Image.LANCZOS, box=box, reducing_gap=3.0)
            crop.save(temporary, "JPEG", quality=85, optimize=True)
        os.replace(temporary, target)
