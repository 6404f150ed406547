"""Pelican's view of masthead content: each Markdown file becomes the already-validated record.

The newsroom is read and checked once, when Pelican starts (see masthead.plugin); this reader
only looks a file up and translates the record into Pelican's metadata.
"""

from __future__ import annotations

import os

from pelican.readers import BaseReader
from pelican.urlwrappers import Author as PelicanAuthor
from pelican.urlwrappers import Category, Tag

from ..content import Article, Newsroom, Page

NEWSROOM_KEY = "MASTHEAD_NEWSROOM"
ROOT_KEY = "MASTHEAD_CONTENT_ROOT"  # the content folder as given and resolved, worked out once
WRAPPERS_KEY = "MASTHEAD_WRAPPERS"  # section, tag and author objects, one per name


class MastheadReader(BaseReader):
    enabled = True
    file_extensions = ["md"]

    def read(self, source_path: str):
        newsroom: Newsroom = self.settings[NEWSROOM_KEY]
        rel = self._rel(source_path)
        record = newsroom.by_path.get(rel)
        if record is None:
            # Outside articles/ and pages/ (or a file created after the check): never publish it.
            return "", {"status": "skip", "title": rel}
        if isinstance(record, Page):
            return record.body_html, self._page_metadata(record)
        return record.body_html, self._article_metadata(record, newsroom)

    def _rel(self, source_path: str) -> str:
        """The file's path under the content folder, as masthead read it. Pelican passes absolute
        paths under PATH; only one reached through a symbolic link needs resolving."""
        roots = self.settings.get(ROOT_KEY)
        if roots is None:
            path = self.settings["PATH"]
            roots = self.settings[ROOT_KEY] = (os.path.abspath(path) + os.sep, os.path.realpath(path) + os.sep)
        absolute = os.path.abspath(source_path)
        if not absolute.startswith(roots[0]):
            absolute = os.path.realpath(source_path)
            if not absolute.startswith(roots[1]):
                return absolute
            return absolute[len(roots[1]):].replace(os.sep, "/")
        return absolute[len(roots[0]):].replace(os.sep, "/")

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
            "category": self._shared(Category, article.category),
            "tags": [self._shared(Tag, tag) for tag in article.tags],
            "authors": [self._author(newsroom, slug) for slug in article.authors],
            "record": article,
        }
        if article.modified:
            metadata["modified"] = article.modified
        if status != "skip":
            self._addresses(metadata, article.rel)
        return metadata

    def _addresses(self, metadata: dict, rel: str) -> None:
        """The article's URL and file name, given to Pelican as its own `url`/`save_as` metadata.

        Pelican would format them from ARTICLE_URL and ARTICLE_SAVE_AS (ARTICLE_LANG_* for other
        languages) on every access, ten or more times per article per build: a few seconds at
        10,000 articles. They are formatted here once, from the same settings and values."""
        settings = self.settings
        kind = "ARTICLE_" if metadata["lang"] == settings["DEFAULT_LANG"].lower() else "ARTICLE_LANG_"
        values = {**metadata, "path": rel, "author": metadata["authors"][0].slug if metadata["authors"] else "",
                  "category": metadata["category"].slug}
        metadata["url"] = str(settings[kind + "URL"]).format(**values)
        metadata["save_as"] = str(settings[kind + "SAVE_AS"]).format(**values)

    def _shared(self, kind: type, name: str):
        """One section or tag object per name for the whole build (authors too, below): Pelican
        compares them by slug, and slugifies the name again for every new object."""
        wrappers = self.settings.setdefault(WRAPPERS_KEY, {})
        found = wrappers.get((kind, name))
        if found is None:
            found = wrappers[(kind, name)] = kind(name, self.settings)
        return found

    def _author(self, newsroom: Newsroom, slug: str) -> PelicanAuthor:
        wrappers = self.settings.setdefault(WRAPPERS_KEY, {})
        if (PelicanAuthor, slug) in wrappers:
            return wrappers[(PelicanAuthor, slug)]
        profile = newsroom.authors[slug]
        author = wrappers[(PelicanAuthor, slug)] = PelicanAuthor(profile.name, self.settings)
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

