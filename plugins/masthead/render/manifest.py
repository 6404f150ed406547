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
from ..outputs import MANIFEST_FILE
from .files import OutputFolder


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


def write_manifest(stories, config: SiteConfig, output: OutputFolder) -> None:
    site = {"name": config.name, "url": config.public_url, "lang": config.default_lang}
    articles = sorted((article_entry(s, config.public_url) for s in stories),
                      key=lambda entry: (entry["published"], entry["id"]), reverse=True)
    output.write_text(MANIFEST_FILE, manifest_text(site, articles))


def manifest_text(site: dict, articles: list[dict]) -> str:
    """The manifest as JSON: sorted keys, one article per line. (An indented document would go
    through json's pure-Python encoder, ten times slower at 10,000 articles.)"""
    def dump(value) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    lines = ",\n".join(dump(entry) for entry in articles)
    return f'{{"articles": [\n{lines}\n],\n"site": {dump(site)},\n"version": 1}}\n'

