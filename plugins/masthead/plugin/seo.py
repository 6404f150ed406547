"""Discovery files after Pelican's generators: image crops, sitemaps, the news sitemap, robots.txt.

Also indexes translations (articles sharing a translation_key) for the templates.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
from pathlib import Path

from pelican.generators import ArticlesGenerator, PagesGenerator
from PIL import Image, ImageOps

from ..config import SiteConfig
from ..content import Newsroom
from ..seo.crops import MIN_WIDTH, RATIOS, crop_box, crop_path, crop_size
from ..seo.sitemaps import INDEX, NewsEntry, PageEntry, news_files, robots_txt, sitemap_files
from .reader import NEWSROOM_KEY

logger = logging.getLogger(__name__)
INDEX_KEY = "MASTHEAD_INDEX"  # lookups the templates need that only exist once Pelican has read everything
CROP_VERSION = 1


def index_translations(generator) -> None:
    """translation_key -> the published articles of that story, for language switches and hreflang."""
    groups: dict[str, list] = {}
    for article in generator.articles:
        if article.record.translation_key:
            groups.setdefault(article.record.translation_key, []).append(article)
    generator.settings[INDEX_KEY]["translations"] = {
        key: sorted(items, key=lambda a: a.lang) for key, items in groups.items() if len(items) > 1}


def write_discovery(generators) -> None:
    started = time.perf_counter()
    articles_generator = next(g for g in generators if isinstance(g, ArticlesGenerator))
    pages_generator = next(g for g in generators if isinstance(g, PagesGenerator))
    settings = articles_generator.settings
    config: SiteConfig = settings["MASTHEAD_CONFIG"]
    newsroom: Newsroom = settings[NEWSROOM_KEY]
    output = Path(articles_generator.output_path)
    base = config.public_url
    articles = articles_generator.articles

    write_crops(articles + articles_generator.hidden_articles, newsroom, Path(settings["PATH"]),
                Path(settings["CACHE_PATH"]) / "crops", output)

    def url(path: str) -> str:
        return f"{base}/{path}"

    translations = settings[INDEX_KEY]["translations"]
    pages: list[PageEntry] = []
    newest = {}
    for article in articles:
        record = article.record
        changed = record.modified or record.date
        for key in [("site", "")] + [("author", a.slug) for a in article.authors] + \
                   [("section", article.category.slug)] + [("tag", t.slug) for t in article.tags]:
            newest[key] = max(newest.get(key, changed), changed)
        images = ()
        if record.image:
            picture = record.image.picture
            images = (url(picture.src) if picture.is_local else picture.src,)
        group = translations.get(record.translation_key, ())
        alternates = tuple((a.lang, url(a.url)) for a in group)
        pages.append(PageEntry(url(article.url), changed, images, alternates))
    pages.append(PageEntry(base + "/", newest.get(("site", ""))))
    for author, _ in articles_generator.authors:
        pages.append(PageEntry(url(author.url), newest.get(("author", author.slug))))
    for section, _ in articles_generator.categories:
        pages.append(PageEntry(url(section.url), newest.get(("section", section.slug))))
    for tag in articles_generator.tags:
        pages.append(PageEntry(url(tag.url), newest.get(("tag", tag.slug))))
    for page in pages_generator.pages:
        pages.append(PageEntry(url(page.url)))

    news = news_files([NewsEntry(url(a.url), a.record.title, a.record.date, a.lang) for a in articles],
                      config.name, newsroom.now)
    files = {**sitemap_files(base, pages, news_files=tuple(news)), **news}
    for path, data in files.items():
        target = output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (output / "robots.txt").write_text(robots_txt(base, [INDEX, *news]), encoding="utf-8")
    settings["MASTHEAD_TIMINGS"]["discovery"] = time.perf_counter() - started


def write_crops(articles, newsroom: Newsroom, content: Path, cache: Path, output: Path) -> None:
    """16:9, 4:3 and 1:1 crops of each published featured image, cached by the photo's bytes."""
    pictures = {}  # many articles share a photo: each is cropped once
    for article in articles:
        image = article.record.image
        if image and image.picture.is_local and image.picture.width:
            pictures.setdefault(image.picture.src, image.picture)
    cache.mkdir(parents=True, exist_ok=True)
    for picture in pictures.values():
        source = content / picture.src
        digest, warned = None, False
        for name, ratio in RATIOS.items():
            width, height = crop_size(picture.width, picture.height, ratio)
            if width < MIN_WIDTH and not warned:
                warned = True
                logger.warning("%s: %d×%d px is too small for %d px wide search crops; the crops use what "
                               "there is", f"content/{picture.src}", picture.width, picture.height, MIN_WIDTH)
            target = output / crop_path(picture.src, name)
            digest = digest or hashlib.sha256(source.read_bytes()).hexdigest()
            cached = cache / f"{digest}-{name}-v{CROP_VERSION}.jpg"
            if not cached.exists():
                with Image.open(source) as photo:
                    crop = ImageOps.exif_transpose(photo).convert("RGB").crop(
                        crop_box(photo.width, photo.height, ratio)).resize((width, height), Image.LANCZOS)
                temporary = cached.with_suffix(f".{os.getpid()}.tmp")
                crop.save(temporary, "JPEG", quality=85, optimize=True, progressive=True)
                os.replace(temporary, cached)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(cached, target)
            except OSError:
                shutil.copyfile(cached, target)
