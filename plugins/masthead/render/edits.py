"""A build after an edit of bodies only: the edited stories' pages, the feed documents that hold
them and their manifest lines, without planning the rest of the site.

A site's *outline* is everything its pages show but the stories' bodies: each article's listing
fields (`listing_digest`), its state at the build's time and whether it is in the news sitemap's
window, the pictures. (The settings, the theme, the authors and the pages are in the site key,
which every unit's key starts with.) When an edit leaves the outline as the last build left it (a
typo fixed, a paragraph rewritten), every listing, card, crop, sitemap and redirect is what that
build made, and so is the page of every story whose record did not change: they are kept as they
are. Only the rest is made again, from `Placement.story`.

What that needs of the last build is kept in output/.masthead/outline.marshal: the outline's
digest, each built story's record digest, each feed document and its stories, the links that
named nothing. The next build uses it only in the same output as the build record of the same
site key. tests/test_incremental.py holds such builds to a clean build, file by file.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
from dataclasses import astuple, dataclass
from importlib.metadata import version

from ..feeds import FeedDocument
from ..outputs import OUTLINE_FILE
from ..seo.sitemaps import NEWS_WINDOW
from ..site.plan import Placement, Unit
from .files import OutputFolder
from .record import RenderRecord

logger = logging.getLogger(__name__)
OUTLINE_FORMAT = 1
DISCOVERY_UNIT = "discovery:sitemaps"  # the sitemaps, robots.txt and redirects: made from the outline alone
NOT_PAGES = ("card:", "crops:", "discovery:")  # units that do not count as pages rendered or kept


def outline_digest(placement: Placement, cards: str) -> str:
    """A digest of all a site shows but its stories' bodies, beyond the site key (see above);
    `cards`: what every card is drawn with (CardInputs.shared: fonts, logo, layout)."""
    newsroom = placement.newsroom
    now = newsroom.now
    recent = now - NEWS_WINDOW
    digest = hashlib.sha256(f"{version('babel')}\0{cards}\0".encode())  # Babel: the dates listings show
    digest.update("".join(f"{article.rel}\0{article.listing_digest}\0{state}\0{recent <= article.date <= now}\n"
                          for article, state in placement.states).encode("utf-8", "surrogatepass"))
    for rel, image in sorted(newsroom.images.items()):
        digest.update(repr((rel, image)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass
class Outline:
    """What a build after an edit of bodies needs of the last one."""

    site: str  # the site key it was made under
    digest: str  # outline_digest
    units: str  # units_digest of the record its build left
    stories: dict[str, str]  # each built story's file -> its record's digest
    feeds: list[tuple[tuple, tuple[str, ...]]]  # each feed document without entries (astuple), its stories' files
    unresolved: dict[str, list[str]]  # file -> the links in it that name nothing

    def to_bytes(self) -> bytes:
        # marshal's first version: no references to shared objects, so the same outline is the same bytes
        return marshal.dumps((OUTLINE_FORMAT, self.site, self.digest, self.units, self.stories, self.feeds,
                              self.unresolved), 0)


def read_outline(record: RenderRecord) -> Outline | None:
    """The last build's outline, when it is beside a record of the same site key and well formed."""
    if record.previous_output is None or not record.previous:
        return None
    try:
        found = marshal.loads((record.previous_output / OUTLINE_FILE).read_bytes())
        form, site, digest, units, stories, feeds, unresolved = found
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if form != OUTLINE_FORMAT or site != record.site_key or type(digest) is not str or type(units) is not str:
        return None
    if type(stories) is not dict or type(feeds) is not list or type(unresolved) is not dict:
        return None
    try:
        feeds = [(tuple(shell), tuple(files)) for shell, files in feeds]
        for shell, files in feeds:  # the shape this code writes
            if len(shell) != 8 or not all(type(part) is str for part in shell + files):
                return None
        if not all(type(rel) is str and type(value) is str for rel, value in stories.items()):
            return None
        if not all(type(source) is str and type(links) is list and all(type(link) is str for link in links)
                   for source, links in unresolved.items()):
            return None
    except (TypeError, ValueError):
        return None
    return Outline(site, digest, units, stories, feeds, unresolved)


def outline_of(record: RenderRecord, digest: str, stories, filing, unresolved: list[tuple[str, str]]) -> Outline:
    """The outline a whole build leaves: `filing` as write_feeds reports it."""
    missing: dict[str, list[str]] = {}
    for source, link in unresolved:
        missing.setdefault(source, []).append(link)
    digests = {story.record.rel: story.record.digest for story in sorted(stories, key=lambda s: s.record.rel)}
    return Outline(record.site_key, digest, units_digest(record.units), digests,
                   [(_shell(doc), files) for doc, files in filing], dict(sorted(missing.items())))


def _shell(doc: FeedDocument) -> tuple:
    fields = astuple(doc)
    return fields[:6] + fields[7:]  # without its entries


def _document(shell: tuple) -> FeedDocument:
    return FeedDocument(*shell[:6], (), *shell[6:])


def report_unresolved(unresolved: dict[str, list[str]]) -> None:
    for source, links in unresolved.items():
        for link in links:
            logger.warning("%s: the link %s names nothing on the site; it is left as written", source, link)


def render_edits(state, placement: Placement, previous: Outline, digest: str, output: OutputFolder,
                 settings: dict) -> bool:
    """Build after an edit of bodies only, or return False having changed nothing (the outline
    changed, the last build's record or files are not what it left): the caller then builds the
    whole site."""
    from .feeds import rewrite_feeds  # these import render/site.py, which imports this module
    from .manifest import patch_manifest, previous_lines
    from .site import TEMPLATE_SETTINGS, render_pages

    record: RenderRecord = state.record
    if previous.digest != digest or previous.units != units_digest(record.previous):
        return False
    built = [(article, False) for article in placement.listed_records]
    built += [(article, True) for article in placement.hidden_records]
    if len(built) != len(previous.stories):
        return False
    changed = [(article, expired) for article, expired in built
               if previous.stories.get(article.rel) != article.digest]
    edited_files = {article.rel for article, _ in changed}
    redo = [(shell, files) for shell, files in previous.feeds if not edited_files.isdisjoint(files)]
    remade = {placement.placed(article)[1] for article, _ in changed} | {"feed:" + shell[0] for shell, _ in redo}
    lines = previous_lines(record)
    if lines is None or not remade <= record.previous.keys():
        return False
    if not record.all_present(unit for unit in record.previous if unit not in remade):
        return False

    stories = {article.rel: placement.story(article, expired) for article, expired in changed}
    edited = dict(stories)
    by_file = placement.newsroom.by_path
    filed = []
    for shell, files in redo:  # the documents' other stories, as a whole build makes them
        for rel in files:
            if rel not in stories:
                stories[rel] = placement.story(by_file[rel])
        filed.append((_document(shell), tuple(stories[rel] for rel in files)))
    for unit in record.previous:
        if unit not in remade:
            record.keep(unit, page=not unit.startswith(NOT_PAGES))
    feeds = rewrite_feeds(filed, placement.newsroom, state.config, output, record, state.workers)
    shared = {"sections": placement.menu(), "pages": placement.page_views()[0]}
    base = {key: value for key, value in settings.items() if key not in TEMPLATE_SETTINGS}
    render_pages([Unit(story.save_as, "article", {"article": story, "category": story.category})
                  for story in edited.values()], state.kit, {**base, **shared}, shared, record, output, state.workers)
    state.counts["feeds_written"] = feeds.finish()
    patch_manifest(lines, {rel: story for rel, story in edited.items() if not story.expired},
                   state.config, output, record)

    sources = {story.record.source for story in edited.values()}  # their links are looked at again
    unresolved = {source: links for source, links in previous.unresolved.items() if source not in sources}
    for source, link in placement.unresolved:
        if source in sources:
            unresolved.setdefault(source, []).append(link)
    digests = {**previous.stories, **{rel: story.record.digest for rel, story in edited.items()}}
    outline = Outline(previous.site, digest, units_digest(record.units), digests, previous.feeds,
                      dict(sorted(unresolved.items())))
    report_unresolved(outline.unresolved)
    output.write_bytes(OUTLINE_FILE, outline.to_bytes())
    state.counts.update(cards=sum(unit.startswith("card:") for unit in record.previous), cards_drawn=0,
                        photos_cropped=0, links_copied=output.copied)
    return True


def units_digest(units) -> str:
    """A digest of the names of a build record's units: the outline is used only beside the very
    record its build left (a record changed by hand means a whole build)."""
    return hashlib.sha256("\0".join(sorted(units)).encode("utf-8", "surrogatepass")).hexdigest()
