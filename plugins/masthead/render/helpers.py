"""Filters and globals the theme's templates call; each is a small function over plain data."""

from __future__ import annotations

from datetime import datetime
from typing import Mapping, NamedTuple

from markupsafe import Markup

from ..cards.layout import layout_settings
from ..cards.plan import SIZE as CARD_SIZE
from ..cards.plan import card_path
from ..config import SiteConfig
from ..content import Author, Picture
from ..content.model import ImageFile, text_direction
from ..feeds import FORMATS, MEDIA_TYPES, feed_path
from ..feeds.model import FORMAT_NAMES
from ..i18n import long_date, month_and_year, number
from ..seo.crops import RATIOS, crop_path, crop_size
from ..seo.structured import ImageData, PersonData, Publisher, news_article, profile_page, script_json, website
from ..share import share_links
from ..themes import Theme


class Localized(NamedTuple):
    text: str
    lang: str  # the language `text` is in
    mark: Markup  # ' lang=".." dir=".."' when that differs from the page's, for the element holding it


def template_helpers(config: SiteConfig, authors: Mapping[str, Author], logo: ImageFile | None,
                     theme: Theme) -> tuple[dict, dict]:
    """Filters and globals. Each is a function of the settings, the authors, the logo and what a
    template passes it, all of which a page's key covers (render/record.py, site/keys.py)."""
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
        """(section, stories) pairs, or sections, in MASTHEAD['sections'] order, others after."""
        order = {name: i for i, name in enumerate(config.sections)}

        def name(item) -> str:
            return (item[0] if isinstance(item, tuple) else item).name
        return sorted(categories, key=lambda item: (order.get(name(item), len(order)), name(item)))

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

    def image_data(rel: str) -> ImageData:
        found = logo if rel == f"images/{config.logo}" else None
        return ImageData(f"{public}/{rel}", found.width if found else None, found.height if found else None)

    publisher = Publisher(config.name, public + "/", image_data(f"images/{config.logo}") if config.logo else None)

    def person(author) -> PersonData:
        profile = author.profile
        avatar = profile.avatar
        image = (f"{public}/{avatar.src}" if avatar.is_local else avatar.src) if avatar else ""
        same_as = tuple(link.url for link in profile.links if link.kind != "email")
        return PersonData(profile.name, f"{public}/{author.url}", image, same_as, profile.role)

    def structured_data(kind: str, item=None) -> Markup:
        """schema.org JSON-LD for an article, an author page or the front page, safe in <script>."""
        if kind == "article":
            record = item.record
            images = [ImageData(card("article", record.slug, record)["url"], *CARD_SIZE)]
            picture = record.image.picture if record.image else None
            if picture and picture.is_local and picture.width:
                for name, ratio in RATIOS.items():
                    images.append(ImageData(f"{public}/{crop_path(picture.src, name)}",
                                            *crop_size(picture.width, picture.height, ratio)))
            data = news_article(
                url=f"{public}/{item.url}", headline=record.title, description=record.summary, images=images,
                published=record.date, modified=record.modified, authors=[person(a) for a in item.authors],
                publisher=publisher, lang=record.lang, section=(item.category.name, f"{public}/{item.category.url}"),
                keywords=list(record.tags), home=public + "/", expires=record.expires)
        elif kind == "author":
            data = profile_page(f"{public}/{item.url}", person(item), item.profile.role or item.profile.name)
        else:
            data = website(public + "/", config.name, config.tagline or config.name, config.default_lang, publisher)
        return Markup(script_json(data))

    def local_date(moment, lang: str) -> str:
        """A date as the language writes it (CLDR), or in the newsroom's DATE_FORMATS for it."""
        return long_date(moment, lang, config.date_formats)

    def translated(kind: str, original: str, lang: str) -> Localized:
        """The newsroom's word for a section name, 'tagline' or 'about' in `lang`
        (MASTHEAD['translations']), else the original, marked with its own language."""
        text, text_lang = config.translated(kind, original, lang)
        same = text_lang.split("-")[0] == (lang or config.default_lang).split("-")[0]
        mark = Markup("") if same else Markup(' lang="{}" dir="{}"').format(text_lang, text_direction(text_lang))
        return Localized(text, text_lang, mark)

    def edition_name(edition, lang: str) -> str:
        """'November 27, 2026' for a daily edition; 'Week 48, 2026' for a weekly one, in the language."""
        if edition.frequency != "weekly":
            return edition.title
        year, week = edition.period.split("-W")
        return theme.label("edition_week", lang).format(week=number(int(week), lang), year=number(int(year), lang))

    filters = {"absolute": absolute, "picture_url": picture_url, "isoformat": isoformat,
               "in_section_order": in_section_order, "local_date": local_date, "month_and_year": month_and_year}
    globals_ = {"t": theme.label, "direction": text_direction, "share_links": share, "feed_links": feed_links,
                "card": card, "x_handle": x_handle, "og_locale": og_locale, "public_url": public,
                "structured_data": structured_data, "language_name": language_name,
                "masthead": config, "authors_by_slug": authors, "translated": translated,
                "edition_name": edition_name, "count": theme.count}
    return filters, globals_


OG_LOCALES = {"en": "en_US", "fa": "fa_IR", "ur": "ur_PK", "ar": "ar_AR", "he": "he_IL", "fr": "fr_FR",
              "de": "de_DE", "nl": "nl_NL", "es": "es_ES", "ru": "ru_RU", "zh": "zh_CN", "ja": "ja_JP"}


def og_locale(lang: str) -> str:
    """Open Graph wants language_TERRITORY: 'pt-BR' -> 'pt_BR', 'fa' -> 'fa_IR'."""
    parts = lang.replace("_", "-").split("-")
    if len(parts) > 1 and len(parts[-1]) == 2:
        return f"{parts[0].lower()}_{parts[-1].upper()}"
    return OG_LOCALES.get(parts[0].lower(), parts[0].lower())


LANGUAGE_NAMES = {"en": "English", "fa": "فارسی", "ur": "اردو", "ar": "العربية", "he": "עברית", "fr": "Français",
                  "de": "Deutsch", "nl": "Nederlands", "es": "Español", "ru": "Русский", "ps": "پښتو",
                  "tr": "Türkçe", "zh": "中文", "ja": "日本語"}


def language_name(lang: str) -> str:
    """A language's name in itself, as a language switch shows it."""
    return LANGUAGE_NAMES.get(lang.split("-")[0].lower(), lang)
