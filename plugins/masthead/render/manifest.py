"""The build manifest: what this build published, for the stages that come after it.

Deploy and digest read output/.masthead/manifest.json instead of running Pelican again. It is
written with sorted keys, one article per line and no build time, so the same content gives the
same bytes (and a diff of two manifests shows the articles that changed).
"""

from __future__ import annotations

import hashlib
import json

from ..cards.plan import card_path
from ..config import SiteConfig
from ..outputs import MANIFEST_FILE, MANIFEST_KEYS_FILE
from .files import OutputFolder
from .record import RenderRecord


def article_entry(article, public: str) -> dict:
    record = article.record
    photo = bool(record.image and record.image.picture.is_local)
    return {
        "id": record.id,
        "url": f"{public}/{article.url}",
        "path": article.save_as,
        "title": record.title,
        "summary": record.summary,
        "lang": record.lang,
        "authors": [{"slug": a.slug, "name": a.name, "url": f"{public}/{a.url}"} for a in article.authors],
        "section": {"name": article.category.name, "slug": article.category.slug},
        "tags": list(record.tags),
        "published": record.date.isoformat(),
        "updated": record.modified.isoformat() if record.modified else None,
        "corrections": [{"date": c.date.isoformat(), "text": c.text} for c in record.corrections],
        "card": f"{public}/{card_path('article', record.slug, photo)}",
        "image": ((f"{public}/{record.image.picture.src}" if photo else record.image.picture.src)
                  if record.image else None),
        "content_sha256": hashlib.sha256(record.body_html.encode("utf-8", "surrogatepass")).hexdigest(),
    }


def write_manifest(stories, config: SiteConfig, output: OutputFolder, record: RenderRecord | None = None) -> None:
    """The manifest, and beside it the key and the file of the story each line was made from:
    the next build takes the line of a story whose key is the same (most of them) instead of
    making it again."""
    known = {key: line for key, line, _ in previous_lines(record) or ()} if record else {}
    rows = []
    for story in stories:
        line = known.get(story.key) or _dump(article_entry(story, config.public_url))
        rows.append((story.record.date.isoformat(), story.record.id, story.key, line, story.record.rel))
    rows.sort(reverse=True)  # newest first, as the entries' (published, id)
    _write(config, output, record, [(row[2], row[3], row[4]) for row in rows])


def patch_manifest(lines: list[tuple[str, str, str]], changed: dict, config: SiteConfig, output: OutputFolder,
                   record: RenderRecord) -> None:
    """The last build's manifest (`lines`, from previous_lines) with the lines of the `changed`
    stories (by their files) made again: an edit of bodies moves no story in it."""
    public = config.public_url
    _write(config, output, record, [(story.key, _dump(article_entry(story, public)), rel)
                                    if (story := changed.get(rel)) else (key, line, rel) for key, line, rel in lines])


def _write(config: SiteConfig, output: OutputFolder, record: RenderRecord | None,
           rows: list[tuple[str, str, str]]) -> None:
    site = {"name": config.name, "url": config.public_url, "lang": config.default_lang}
    data = _manifest_text(site, [row[1] for row in rows]).encode("utf-8")
    output.write_bytes(MANIFEST_FILE, data)
    if record is not None:
        output.write_text(MANIFEST_KEYS_FILE, json.dumps({
            "site": record.site_key, "sha256": hashlib.sha256(data).hexdigest(), "keys": [row[0] for row in rows],
            "files": [row[2] for row in rows]}))


def previous_lines(record: RenderRecord) -> list[tuple[str, str, str]] | None:
    """(story key, manifest line, story file) of each line of the last build's manifest, when it is
    the one the keys describe (same code and settings, the file's bytes as that build wrote them)."""
    if record.previous_output is None:
        return None
    try:
        keys = json.loads((record.previous_output / MANIFEST_KEYS_FILE).read_text(encoding="utf-8"))
        data = (record.previous_output / MANIFEST_FILE).read_bytes()
        if keys["site"] != record.site_key or keys["sha256"] != hashlib.sha256(data).hexdigest():
            return None
        lines = data.decode("utf-8").split("\n")[1:-4]  # one article per line (_manifest_text)
        story_keys, files = keys["keys"], keys["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not (len(lines) == len(story_keys) == len(files)) or not all(
            type(key) is str and type(rel) is str for key, rel in zip(story_keys, files)):
        return None
    return [(key, line.removesuffix(","), rel) for key, line, rel in zip(story_keys, lines, files)]


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _manifest_text(site: dict, lines: list[str]) -> str:
    """The manifest as JSON: sorted keys, one article per line. (An indented document would go
    through json's pure-Python encoder, ten times slower at 10,000 articles.)"""
    joined = ",\n".join(lines)
    return f'{{"articles": [\n{joined}\n],\n"site": {_dump(site)},\n"version": 1}}\n'
