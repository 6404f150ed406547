"""Filters and globals the theme's templates call; each is a small function over plain data."""

from __future__ import annotations

from datetime import datetime

from ..config import SiteConfig
from ..content import Newsroom, Picture
from ..cards.layout import layout_settings
from ..cards.plan import SIZE as CARD_SIZE
from ..cards.plan import card_path
from ..content.model import text_direction
from ..feeds import FORMATS, MEDIA_TYPES, feed_path
from ..feeds.model import FORMAT_NAMES
from ..labels import label
from ..share import share_links


def template_helpers(config: SiteConfig, newsroom: Newsroom) -> tuple[dict, dict]:
    site_url = config.site_url

    def absolute(path: str) -> str:
        """A site path ('2026/11/slug/') as a full URL when SITEURL is set, else rooted at '/'."""
        if path.startswith(("http://", "https://", "mailto:")):
            return path
        return f"{site_url}/{path.lstrip('/')}"

    def picture_url(picture: Picture) -> str:
        return picture.src if not picture.is_local else absolute(picture.src)

    def isoformat(moment: datetime) -> str:
        return moment.isoformat()

    def share(article) -> list:
        return share_links(config.share, absolute(article.url), article.title)

    def in_section_order(categories):
        """Pelican's (section, articles) pairs in MASTHEAD['sections'] order, others after."""
        order = {name: i for i, name in enumerate(config.sections)}
        return sorted(categories, key=lambda pair: (order.get(pair[0].name, len(order)), pair[0].name))

    def feed_links(kind: str = "site", key: str = "", title: str = "") -> list[dict]:
        """The three formats of one feed, for <link rel="alternate"> and the visible links."""
        path = feed_path(kind, key)
        name = f"{config.name}: {title}" if title else config.name
        return [{"format": FORMAT_NAMES[fmt], "type": MEDIA_TYPES[fmt], "title": f"{name} ({FORMAT_NAMES[fmt]})",
                 "href": absolute(path + FORMATS[fmt])} for fmt in ("rss", "atom", "json")]

    public = config.public_url

    def card(kind: str, key: str = "", record=None, alt: str = "") -> dict:
        """The social card of a page, for og:image and twitter:image (always an absolute URL)."""
        photo = bool(record and record.image and record.image.picture.is_local
                      and layout_settings(config.cards)["use_image"])
        width, height = CARD_SIZE
        return {"url": f"{public}/{card_path(kind, key, photo)}", "width": width, "height": height,
                "alt": alt or config.name}

    def x_handle(profile) -> str:
        """'@name' from an author's X link, for twitter:creator; '' when they have none."""
        for link in getattr(profile, "links", ()):
            if link.kind == "x":
                handle = link.url.rstrip("/").rsplit("/", 1)[-1]
                return f"@{handle}" if handle else ""
        return ""

    filters = {"absolute": absolute, "picture_url": picture_url, "isoformat": isoformat,
               "in_section_order": in_section_order}
    globals_ = {"t": label, "direction": text_direction, "share_links": share, "feed_links": feed_links,
                "card": card, "x_handle": x_handle, "og_locale": og_locale, "public_url": public,
                "masthead": config, "authors_by_slug": newsroom.authors}
    return filters, globals_


OG_LOCALES = {"en": "en_US", "fa": "fa_IR", "ur": "ur_PK", "ar": "ar_AR", "he": "he_IL", "fr": "fr_FR",
              "de": "de_DE", "nl": "nl_NL", "es": "es_ES", "ru": "ru_RU", "zh": "zh_CN", "ja": "ja_JP"}


def og_locale(lang: str) -> str:
    """Open Graph wants language_TERRITORY: 'pt-BR' -> 'pt_BR', 'fa' -> 'fa_IR'."""
    parts = lang.replace("_", "-").split("-")
    if len(parts) > 1 and len(parts[-1]) == 2:
        return f"{parts[0].lower()}_{parts[-1].upper()}"
    return OG_LOCALES.get(parts[0].lower(), parts[0].lower())
