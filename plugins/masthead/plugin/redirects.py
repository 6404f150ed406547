"""Redirects from an article's old addresses (front matter `aliases`) to where it lives now.

Each old address gets a small HTML page that sends readers and crawlers on (meta refresh and a
canonical link, for stores that ignore redirect headers), and the list goes to
.masthead/redirects.json, from which `masthead deploy` sets x-amz-website-redirect-location.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from pelican.generators import ArticlesGenerator, PagesGenerator

from ..config import SiteConfig
from ..errors import MastheadError
from ..outputs import REDIRECTS_FILE


def redirect_page(title: str, url: str, lang: str) -> str:
    target, name = html.escape(url, quote=True), html.escape(title)
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{name}</title>\n"
            f'<link rel="canonical" href="{target}">\n<meta http-equiv="refresh" content="0; url={target}">\n'
            f'<meta name="robots" content="noindex">\n</head>\n<body>\n'
            f'<p><a href="{target}">{name}</a></p>\n</body>\n</html>\n')


def write_redirects(generators) -> None:
    articles_generator = next(g for g in generators if isinstance(g, ArticlesGenerator))
    pages_generator = next(g for g in generators if isinstance(g, PagesGenerator))
    settings = articles_generator.settings
    config: SiteConfig = settings["MASTHEAD_CONFIG"]
    output = Path(articles_generator.output_path)
    built = articles_generator.articles + articles_generator.hidden_articles  # expired ones keep their aliases
    taken = {a.save_as for a in built} | {p.save_as for p in pages_generator.pages}
    taken |= {a.save_as for a, _ in articles_generator.authors} | {c.save_as for c, _ in articles_generator.categories}
    taken |= {t.save_as for t in articles_generator.tags}
    taken |= {settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html") for name in settings["DIRECT_TEMPLATES"]}
    redirects = {}
    for article in built:
        url = f"{config.public_url}/{article.url}"
        for alias in article.record.aliases:
            key = alias + "index.html" if alias.endswith("/") else alias
            target = output / key
            if key in taken or target.exists():
                raise MastheadError(f"{article.record.source}: aliases: {alias!r} is the address of a page "
                                    "that exists; remove it from aliases")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(redirect_page(article.title, url, article.lang), encoding="utf-8")
            redirects[key] = url
    if redirects:
        (output / REDIRECTS_FILE).parent.mkdir(parents=True, exist_ok=True)
        (output / REDIRECTS_FILE).write_text(json.dumps(redirects, indent=1, sort_keys=True) + "\n", encoding="utf-8")
