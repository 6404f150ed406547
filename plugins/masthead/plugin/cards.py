"""Social cards for every article, author, section and the front page, drawn only when needed.

A card is looked up in the cache (CACHE_PATH/cards/) by the hash of everything it depends on;
only the missing ones are drawn, on every core, then each is linked into the output. A card whose
key is the one the last build recorded stays in output/ as it is (a unit of the build record).
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import PIL
from PIL import features
from pelican.generators import ArticlesGenerator

from ..cards.draw import chain_files, draw_card, encode, require_raqm
from ..cards.layout import CardText, layout_settings, plain_text
from ..cards.plan import CardJob, CardKeys, card_path
from ..config import SiteConfig
from ..content import Newsroom
from ..content.model import text_direction
from .incremental import RECORD_KEY, RenderRecord
from .reader import NEWSROOM_KEY

logger = logging.getLogger(__name__)
INLINE_LIMIT = 16  # fewer misses than this are drawn here: starting workers costs more


def card_jobs(articles, authors, sections, newsroom: Newsroom, config: SiteConfig, content: Path) -> list[CardJob]:
    """The cards of the published site, from Pelican's lists of articles, authors and sections."""
    layout = layout_settings(config.cards)
    root = str(content)

    def local(picture) -> str:
        return os.path.join(root, picture.src) if picture and picture.is_local else ""

    jobs = []
    for article in articles:
        record = article.record
        photo = local(record.image.picture) if record.image and layout["use_image"] else ""
        people = tuple((newsroom.authors[a.slug].name, local(newsroom.authors[a.slug].avatar))
                       for a in article.authors)
        text = CardText(label=record.category, headline=plain_text(record.card_title or record.title),
                        lang=record.lang, direction=text_direction(record.lang), people=people,
                        date=article.locale_date, image=photo)
        jobs.append(CardJob(card_path("article", record.slug, photo=bool(photo)), text))
    default = dict(lang=config.default_lang, direction=text_direction(config.default_lang))
    for author in authors:
        profile = newsroom.authors[author.slug]
        people = ((profile.role or profile.name, local(profile.avatar)),)
        jobs.append(CardJob(card_path("author", author.slug),
                            CardText(label=config.name, headline=profile.name, people=people, **default)))
    for section in sections:
        jobs.append(CardJob(card_path("section", section.slug),
                            CardText(label=config.name, headline=section.name, **default)))
    jobs.append(CardJob(card_path("site"), CardText(label=config.name, headline=config.tagline or config.name,
                                                    **default)))
    return jobs


def draw_cards(generators) -> None:
    """Make sure every card is in the cache, then link each into the output."""
    started = time.perf_counter()
    articles_generator = next(g for g in generators if isinstance(g, ArticlesGenerator))
    settings = articles_generator.settings
    config: SiteConfig = settings["MASTHEAD_CONFIG"]
    newsroom: Newsroom = settings[NEWSROOM_KEY]
    content = Path(settings["PATH"])
    fonts_dir = Path(settings["THEME"]) / "fonts"
    cache = Path(settings["CACHE_PATH"]) / "cards"
    output = Path(articles_generator.output_path)
    require_raqm()

    # Expired articles kept with a notice still show their card when shared.
    jobs = card_jobs(articles_generator.articles + articles_generator.hidden_articles, [a for a, _ in articles_generator.authors],
                     [c for c, _ in articles_generator.categories], newsroom, config, content)
    layout = layout_settings(config.cards)
    logo = str(content / "images" / config.logo) if config.logo else ""
    fonts = [str(f) for f in chain_files(fonts_dir, layout["fonts"])]
    versions = {"pillow": PIL.__version__, "raqm": features.version("raqm")}
    hashes: dict[str, str] = {}

    def file_hash(path: str) -> str:
        if path not in hashes:
            hashes[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        return hashes[path]

    key_of = CardKeys(layout, file_hash, fonts, logo, versions)
    record: RenderRecord = settings[RECORD_KEY]
    cached = {}
    for job in jobs:
        key = key_of(job)
        if not record.unchanged("card:" + job.path, key, page=False):
            cached[job.path] = (key, cache / f"{key}.{job.path.rsplit('.', 1)[1]}")
    missing = [job for job in jobs if job.path in cached and not cached[job.path][1].exists()]
    cache.mkdir(parents=True, exist_ok=True)
    work = [(job.text, layout, str(fonts_dir), logo, job.fmt, str(cached[job.path][1])) for job in missing]
    if len(work) < INLINE_LIMIT:
        for args in work:
            _draw_into_cache(*args)
    else:
        # forkserver: safe in a threaded process (`masthead serve`), and workers start small.
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1,
                                 mp_context=multiprocessing.get_context(method)) as pool:
            list(pool.map(_draw_into_cache, *zip(*work), chunksize=max(1, len(work) // (8 * (os.cpu_count() or 1)))))

    for path, (key, source) in cached.items():
        target = output / path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        record.rendered_unit("card:" + path, key, [path], page=False)
    settings["MASTHEAD_TIMINGS"]["cards"] = time.perf_counter() - started
    settings["MASTHEAD_COUNTS"].update(cards=len(jobs), cards_drawn=len(missing))
    logger.info("masthead: %d cards, %d drawn", len(jobs), len(missing))


def _draw_into_cache(text: CardText, layout: dict, fonts_dir: str, logo: str, fmt: str, target: str) -> None:
    data = encode(draw_card(text, layout, Path(fonts_dir), logo), fmt)
    temporary = f"{target}.{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, target)  # atomic: a crash never leaves half a card in the cache
