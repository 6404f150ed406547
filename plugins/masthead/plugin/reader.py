"""Pelican's view of masthead content: each Markdown file becomes the already-validated record.

The newsroom is read and checked once, when Pelican starts (see masthead.plugin); this reader
only looks a file up and translates the record into Pelican's metadata.
"""

from __future__ import annotations

from pathlib import Path

from pelican.readers import BaseReader
from pelican.urlwrappers import Author as PelicanAuthor
from pelican.urlwrappers import Category, Tag

from ..content import Article, Newsroom, Page

NEWSROOM_KEY = "MASTHEAD_NEWSROOM"


class MastheadReader(BaseReader):
    enabled = True
    file_extensions = ["md"]

    def read(self, source_path: str):
        newsroom: Newsroom = self.settings[NEWSROOM_KEY]
        rel = Path(source_path).resolve().relative_to(Path(self.settings["PATH"]).resolve()).as_posix()
        record = newsroom.by_path.get(rel)
        if record is None:
            # Outside articles/ and pages/ (or a file created after the check): never publish it.
            return "", {"status": "skip", "title": rel}
        if isinstance(record, Page):
            return record.body_html, self._page_metadata(record)
        return record.body_html, self._article_metadata(record, newsroom)

    def _article_metadata(self, article: Article, newsroom: Newsroom) -> dict:
        state = article.state(newsroom.now)
        status = {"published": "published",
                  # Expired: built but listed nowhere (Pelican's "hidden"), or not built at all.
                  "expired": "hidden" if self.settings["MASTHEAD_CONFIG"].expired == "notice" else "skip",
                  }.get(state, "skip")
        metadata = {
            "title": article.title,
            "date": article.date,
            "slug": article.slug,
            "lang": article.lang,
            "summary": article.summary,
            "status": status,
            "expired": state == "expired",
            "category": Category(article.category, self.settings),
            "tags": [Tag(tag, self.settings) for tag in article.tags],
            "authors": [self._author(newsroom, slug) for slug in article.authors],
            "record": article,
        }
        if article.modified:
            metadata["modified"] = article.modified
        return metadata

    def _author(self, newsroom: Newsroom, slug: str) -> PelicanAuthor:
        profile = newsroom.authors[slug]
        author = PelicanAuthor(profile.name, self.settings)
        author.slug = slug
        author.profile = profile
        return author

    def _page_metadata(self, page: Page) -> dict:
        return {
            "title": page.title,
            "slug": page.slug,
            "lang": page.lang,
            "summary": page.summary,
            "status": "skip" if page.status == "draft" else page.status,
            "record": page,
        }

