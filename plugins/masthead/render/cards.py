"""Social cards for every article, author, section and the front page, drawn only when needed.

A card is a unit of the build record, keyed by what it is drawn from (its article's fingerprint,
the size and modification time of the files it draws): when that is as the last build recorded,
the card stays in output/ as it is. Otherwise it is looked up in the cache (CACHE_PATH/cards/) by
the hash of everything it depends on, file contents included; only missing ones are drawn, on
every core, and each is linked into the output.
"""

from __future__ import annotations

import hashlib
import logging
import os
from functools import partial
from pathlib import Path
from typing import Callable

import PIL
from PIL import features

from ..cards.draw import chain_files, draw_card, encode, require_raqm
from ..cards.layout import CardText, layout_settings, plain_text
from ..cards.plan import CardJob, CardKeys, card_path
from ..config import SiteConfig
from ..content import Newsroom
from ..content.model import text_direction
from ..workers import Workers
from .files import OutputFolder
from .record import RenderRecord

logger = logging.getLogger(__name__)
INLINE_LIMIT = 16  # fewer misses than this are drawn here: starting workers costs more


def card_jobs(articles, authors, sections, newsroom: Newsroom, config: SiteConfig, content: Path,
              fingerprint=repr) -> list[tuple[str, tuple, Callable[[], CardJob]]]:
    """The cards of the published site, from the plan's stories, authors and sections:
    (path, what it is drawn from, how to make its job). What it is drawn from is cheap to know (an
    article's fingerprint, the files it draws with their size and modification time); the job,
    with its text laid out and the hashes of its files, is made only for cards that changed."""
    layout = layout_settings(config.cards)
    root = str(content)

    def local(picture) -> str:
        return f"{root}/{picture.src}" if picture and picture.is_local else ""

    def known(picture) -> tuple:
        """A picture as its cards know it: by its bytes' digest, which a fresh checkout (every
        file dated anew) does not change."""
        found = newsroom.images.get(picture.src)
        return picture.src, found.digest if found else None

    def article_job(article, picture) -> CardJob:
        record, photo = article.record, local(picture)
        people = tuple((newsroom.authors[a.slug].name, local(newsroom.authors[a.slug].avatar))
                       for a in article.authors)
        text = CardText(label=record.category, headline=plain_text(record.card_title or record.title),
                        lang=record.lang, direction=text_direction(record.lang), people=people,
                        date=article.locale_date, image=photo)
        return CardJob(card_path("article", record.slug, photo=bool(photo)), text)

    cards = []
    avatars = {slug: known(profile.avatar) if profile.avatar and profile.avatar.is_local else ()
               for slug, profile in newsroom.authors.items()}
    use_image = layout["use_image"]
    for article in articles:
        record = article.record
        picture = record.image.picture if record.image and use_image else None
        photo = picture is not None and picture.is_local
        drawn_from = (fingerprint(article), known(picture) if photo else (),
                      *[avatars[a.slug] for a in article.authors])
        cards.append((card_path("article", record.slug, photo=photo), drawn_from,
                      partial(article_job, article, picture if photo else None)))
    default = dict(lang=config.default_lang, direction=text_direction(config.default_lang))
    for author in authors:
        profile = newsroom.authors[author.slug]
        people = ((profile.role or profile.name, local(profile.avatar)),)
        job = CardJob(card_path("author", author.slug),
                      CardText(label=config.name, headline=profile.name, people=people, **default))
        cards.append((job.path, (repr(job), avatars[author.slug]), lambda job=job: job))
    for section in sections:
        job = CardJob(card_path("section", section.slug), CardText(label=config.name, headline=section.name, **default))
        cards.append((job.path, (repr(job),), lambda job=job: job))
    job = CardJob(card_path("site"), CardText(label=config.name, headline=config.tagline or config.name, **default))
    cards.append((job.path, (repr(job),), lambda job=job: job))
    return cards


class CardInputs:
    """What every card is drawn with: the card layout, the fonts and the logo (known by their
    bytes, not their files' dates: a fresh runner installs the fonts and checks out the logo anew),
    Pillow's and Raqm's versions. `shared` describes them all, for the cards' keys and the
    site's outline (render/edits.py)."""

    def __init__(self, config: SiteConfig, content: Path, fonts_dir: Path) -> None:
        self.layout = layout_settings(config.cards)
        self.logo = str(content / "images" / config.logo) if config.logo else ""
        self.fonts = [str(f) for f in chain_files(fonts_dir, self.layout["fonts"])]
        self.versions = {"pillow": PIL.__version__, "raqm": features.version("raqm")}
        self.hashes: dict[str, str] = {}
        files = [(f, self.file_hash(f)) for f in self.fonts + [self.logo] if f and os.path.isfile(f)]
        self.shared = repr((self.layout, self.versions, files))

    def file_hash(self, path: str) -> str:
        if path not in self.hashes:
            self.hashes[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        return self.hashes[path]


def draw_cards(plan, newsroom: Newsroom, config: SiteConfig, content: Path, fonts_dir: Path, cache: Path,
               output: OutputFolder, record: RenderRecord, workers: Workers,
               inputs: CardInputs | None = None) -> tuple[int, int]:
    """Make sure every changed card is in the cache, then link each into the output.
    Returns (cards, cards drawn)."""
    require_raqm()
    inputs = inputs or CardInputs(config, content, fonts_dir)
    layout, logo = inputs.layout, inputs.logo
    # Expired articles kept with a notice still show their card when shared.
    cards = card_jobs(plan.built, [a for a, _ in plan.authors], [c for c, _ in plan.sections],
                      newsroom, config, content, lambda story: story.teaser.key)  # all but the body
    key_of = CardKeys(layout, inputs.file_hash, inputs.fonts, logo, inputs.versions)
    unit_key_of = record.keys_under("card", inputs.shared)
    changed = []  # (job, unit key, cached file)
    for path, drawn_from, make_job in cards:
        unit_key = unit_key_of(repr(drawn_from))
        if not record.unchanged("card:" + path, unit_key, page=False):
            job = make_job()
            key = key_of(job)
            changed.append((job, unit_key, cache / f"{key}.{job.path.rsplit('.', 1)[1]}"))
    missing = [(job, cached) for job, _, cached in changed if not cached.exists()]
    cache.mkdir(parents=True, exist_ok=True)
    work = [(job.text, layout, str(fonts_dir), logo, job.fmt, str(cached)) for job, cached in missing]
    if len(work) < INLINE_LIMIT:
        for args in work:
            _draw_into_cache(*args)
    else:
        workers.map(_draw_into_cache, work)

    for job, unit_key, source in changed:
        output.link(source, job.path)
        record.rendered_unit("card:" + job.path, unit_key, [job.path], page=False)
    logger.info("masthead: %d cards, %d drawn", len(cards), len(missing))
    return len(cards), len(missing)


def _draw_into_cache(text: CardText, layout: dict, fonts_dir: str, logo: str, fmt: str, target: str) -> None:
    """Draw one card into the cache (in a worker process, or here for a few)."""
    data = encode(draw_card(text, layout, Path(fonts_dir), logo), fmt)
    temporary = f"{target}.{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, target)  # atomic: a crash never leaves half a card in the cache
