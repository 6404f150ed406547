"""schema.org data for search engines and news aggregators, built as plain dicts.

Serialized by `script_json`, which escapes '<', '>' and '&' so that no value (a headline with
'</script>' in it) can end the <script> element it is embedded in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ImageData:
    url: str
    width: int | None = None
    height: int | None = None

    def as_schema(self) -> dict:
        data: dict[str, object] = {"@type": "ImageObject", "url": self.url}
        if self.width and self.height:
            data.update(width=self.width, height=self.height)
        return data


@dataclass(frozen=True)
class PersonData:
    name: str
    url: str
    image: str = ""
    same_as: tuple[str, ...] = ()
    job_title: str = ""

    def as_schema(self) -> dict:
        data: dict = {"@type": "Person", "name": self.name, "url": self.url}
        if self.image:
            data["image"] = self.image
        if self.same_as:
            data["sameAs"] = list(self.same_as)
        if self.job_title:
            data["jobTitle"] = self.job_title
        return data


@dataclass(frozen=True)
class Publisher:
    name: str
    url: str
    logo: ImageData | None = None

    def as_schema(self) -> dict:
        data: dict = {"@type": "NewsMediaOrganization", "name": self.name, "url": self.url}
        if self.logo:
            data["logo"] = self.logo.as_schema()
        return data


def news_article(*, url: str, headline: str, description: str, images: list[ImageData],
                 published: datetime, modified: datetime | None, authors: list[PersonData],
                 publisher: Publisher, lang: str, section: tuple[str, str], keywords: list[str],
                 home: str, expires: datetime | None = None) -> list[dict]:
    """A NewsArticle and its BreadcrumbList (front page > section > article)."""
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url + "#article",
        "headline": headline,
        "description": description,
        "image": [image.as_schema() for image in images],
        "datePublished": published.isoformat(),
        "dateModified": (modified or published).isoformat(),
        "author": [person.as_schema() for person in authors],
        "publisher": publisher.as_schema(),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "inLanguage": lang,
        "articleSection": section[0],
        "keywords": keywords,
    }
    if expires:
        article["expires"] = expires.isoformat()
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": publisher.name, "item": home},
            {"@type": "ListItem", "position": 2, "name": section[0], "item": section[1]},
            {"@type": "ListItem", "position": 3, "name": headline, "item": url},
        ],
    }
    return [article, breadcrumbs]


def profile_page(url: str, person: PersonData, description: str) -> list[dict]:
    return [{
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": url,
        "description": description,
        "mainEntity": person.as_schema(),
    }]


def website(url: str, name: str, description: str, lang: str, publisher: Publisher) -> list[dict]:
    return [
        {"@context": "https://schema.org", "@type": "WebSite", "url": url, "name": name,
         "description": description, "inLanguage": lang, "publisher": {"@id": url + "#publisher"}},
        {"@context": "https://schema.org", "@id": url + "#publisher", **publisher.as_schema()},
    ]


def script_json(data: list[dict]) -> str:
    """JSON for a <script type="application/ld+json"> element, safe whatever the values hold."""
    text = json.dumps(data if len(data) > 1 else data[0], ensure_ascii=False, sort_keys=True, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
