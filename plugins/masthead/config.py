"""The newsroom's settings, read once into a typed object (STYLE.md habit 7).

Pelican keeps its own settings (SITENAME, SITEURL, TIMEZONE, DEFAULT_LANG, PATH, ...); masthead's
live in one `MASTHEAD` dict in pelicanconf.py. Unknown keys are errors with a suggestion.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .cards.layout import DEFAULT_LAYOUT
from .errors import ContentError, Problem, describe, did_you_mean

logger = logging.getLogger(__name__)

SHARE_NETWORKS = ("email", "x", "facebook", "linkedin", "whatsapp", "telegram", "bluesky")
# Video, audio, maps and charts newsrooms embed (`<iframe>`, https only); MASTHEAD["embeds"] replaces it.
DEFAULT_EMBED_HOSTS = (
    "www.youtube-nocookie.com", "www.youtube.com", "player.vimeo.com", "open.spotify.com", "w.soundcloud.com",
    "datawrapper.dwcdn.net", "flo.uri.sh", "www.google.com",
)
LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

MASTHEAD_KEYS = {
    "about": "the publication's 'About us' text, shown under every article",
    "logo": "the publication's logo, a path under content/images",
    "tagline": "one line shown under the name in the header",
    "subscribe_url": "where the subscribe form posts (default: the subscription service's /subscribe); "
                     "the form is hidden when neither is set",
    "subscriptions": "the subscription service: url, confirm_hours, trusted_proxies, per_client_per_minute, "
                     "per_address_per_hour",
    "sections": "the allowed sections, in menu order; empty allows any",
    "share": f"share links under each article, any of {', '.join(SHARE_NETWORKS)}",
    "feed_items": "how many of the newest articles each subscription feed holds (default 50)",
    "websub_hub": "the WebSub hub feeds announce, an http(s) URL; none when unset",
    "cards": "changes to the social card layout: colours, sizes, use_image (see DEFAULT_LAYOUT)",
    "twitter": "the publication's X (Twitter) handle, such as '@meridian', for twitter:site",
    "deploy": "where `masthead deploy` publishes: bucket, prefix, endpoint_url, region, preset, ...",
    "database": "the subscriber database: an SQLite file beside the settings (default subscribers.sqlite3) or a "
                "postgresql:// URL (better in MASTHEAD_DATABASE_URL, which wins, so the password stays out of git)",
    "digest": "the digest email: from, subject (with {site}, {count}, {stories}, {date}), unsubscribe_url",
    "embeds": "the hosts whose https <iframe> embeds bodies may carry (video, audio, maps, charts); "
              "an empty list allows none (default: YouTube, Vimeo, Spotify, SoundCloud, Datawrapper, "
              "Flourish, Google Maps)",
    "translations": "the newsroom's own words in other languages: {'fa': {'tagline': ..., 'about': ..., "
                    "'sections': {'World': 'جهان'}}}, shown on pages in that language",
    "updated_from_git": "true: an article without an 'updated' date takes the date of the last commit that changed "
                        "its headline, summary, photo or text (default false: only 'updated' and corrections)",
    "expired": "what happens to an article's page once its 'expires' time has passed: 'notice' (the page "
               "stays, marked as expired and hidden from search) or 'remove' (default 'notice')",
}
EXPIRED_CHOICES = ("notice", "remove")
DIGEST_KEYS = ("from", "subject", "unsubscribe_url", "smtp", "ses", "schedule", "rate", "bounces", "workers", "dkim",
               "return_path")
SUBSCRIPTION_KEYS = ("url", "confirm_hours", "trusted_proxies", "per_client_per_minute", "per_address_per_hour",
                     "ses_notifications")
DEPLOY_KEYS = ("bucket", "prefix", "endpoint_url", "region", "addressing_style", "preset", "account",
               "workers", "precompress", "max_deletes", "max_delete_share", "cache_rules", "keep",
               "cloudfront_distribution",
               "verify_every_hours")
# MASTHEAD keys renamed in a release: old name -> (new name, the release that drops the old one).
# The old name keeps working for one release, with a warning that names the new key.
RENAMED_KEYS: dict[str, tuple[str, str]] = {"subscribers": ("database", "0.4.0")}
# Feeds, cards and structured data need absolute URLs; without SITEURL they point at `masthead serve`.
PREVIEW_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class SiteConfig:
    name: str
    site_url: str
    timezone: ZoneInfo
    default_lang: str
    tagline: str = ""
    about: str = ""
    logo: str = ""
    subscribe_url: str = ""
    sections: tuple[str, ...] = ()
    share: tuple[str, ...] = SHARE_NETWORKS
    feed_items: int = 50
    websub_hub: str = ""
    cards: dict = field(default_factory=dict)
    twitter: str = ""
    deploy: dict = field(default_factory=dict)
    database: str = "subscribers.sqlite3"  # a file (relative to the settings) or a postgresql:// URL
    digest: dict = field(default_factory=dict)
    subscriptions: dict = field(default_factory=dict)
    date_formats: dict = field(default_factory=dict)  # DATE_FORMATS: a language's own strftime format
    updated_from_git: bool = False  # an article's updated date from the commits that changed its text
    # lang -> (("tagline", text), ("about", text), ("section:World", name), ...): hashable, plain data
    translations: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    def translated(self, kind: str, original: str, lang: str) -> tuple[str, str]:
        """(text, its language): the newsroom's word for `original` (a section name, or the
        'tagline' or 'about' text) in `lang` when it has one, else the original in the site's."""
        if lang.split("-")[0] != self.default_lang.split("-")[0]:
            for code in (lang, lang.split("-")[0]):
                words = dict(next((found for key, found in self.translations if key == code), ()))
                found = words.get(f"section:{original}" if kind == "section" else kind)
                if found:
                    return found, code
        return original, self.default_lang
    expired: str = "notice"
    embeds: tuple[str, ...] = DEFAULT_EMBED_HOSTS

    @property
    def service_url(self) -> str:
        """The subscription service's public address, without a trailing slash ('' when none)."""
        return str(self.subscriptions.get("url", "")).rstrip("/")

    @property
    def public_url(self) -> str:
        """SITEURL, or the preview server's address for a local build."""
        return self.site_url or PREVIEW_URL


def renamed_keys(options: dict, source: str) -> dict:
    """MASTHEAD with renamed keys under their new names, each old one warned about once."""
    options = dict(options)
    for old, (new, until) in RENAMED_KEYS.items():
        if old in options:
            if new in options:
                raise ContentError([Problem(source, None, f"MASTHEAD[{old!r}]", f"only MASTHEAD[{new!r}], its new name",
                                            "both the old and the new name")])
            logger.warning("%s: MASTHEAD[%r] is now MASTHEAD[%r]; rename it (the old name stops working in "
                           "masthead %s)", source, old, new, until)
            options[new] = options.pop(old)
    return options


def site_config(settings: dict, source: str = "pelicanconf.py") -> SiteConfig:
    """Read and check the settings masthead uses; raises ContentError listing every problem."""
    problems: list[Problem] = []

    def bad(field: str, expected: str, value: object) -> None:
        problems.append(Problem(source, None, field, expected, describe(value)))

    def unknown_keys(field: str, given: dict, allowed) -> None:
        for key in given:
            if key not in allowed:
                problems.append(Problem(source, None, f"{field}[{key!r}]", "one of " + ", ".join(allowed),
                                        repr(key) + did_you_mean(str(key), allowed)))

    options = settings.get("MASTHEAD", {})
    if not isinstance(options, dict):
        bad("MASTHEAD", "a dict of masthead settings", options)
        options = {}
    options = renamed_keys(options, source)
    unknown_keys("MASTHEAD", options, MASTHEAD_KEYS)

    def text(key: str) -> str:
        value = options.get(key, "")
        if not isinstance(value, str):
            bad(f"MASTHEAD[{key!r}]", "text", value)
            return ""
        return value.strip()

    zone_name = settings.get("TIMEZONE") or "UTC"
    try:
        timezone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        bad("TIMEZONE", "an IANA zone name such as 'Europe/Brussels'", zone_name)
        timezone = ZoneInfo("UTC")

    default_lang = settings.get("DEFAULT_LANG") or "en"
    if not isinstance(default_lang, str) or not LANG_TAG.match(default_lang):
        bad("DEFAULT_LANG", "a BCP 47 language tag such as 'en'", default_lang)
        default_lang = "en"

    sections = options.get("sections", [])
    if not (isinstance(sections, (list, tuple)) and all(isinstance(s, str) and s.strip() for s in sections)):
        bad("MASTHEAD['sections']", "a list of section names", sections)
        sections = []

    share = options.get("share", list(SHARE_NETWORKS))
    if not isinstance(share, (list, tuple)):
        bad("MASTHEAD['share']", "a list of networks", share)
        share = []
    for network in share:
        if network not in SHARE_NETWORKS:
            problems.append(Problem(source, None, "MASTHEAD['share']",
                                    "networks from " + ", ".join(SHARE_NETWORKS),
                                    repr(network) + did_you_mean(str(network), SHARE_NETWORKS)))

    subscribe_url = text("subscribe_url")
    if subscribe_url and not re.match(r"^(https?://|/)", subscribe_url):
        bad("MASTHEAD['subscribe_url']", "an http(s) URL or a path starting with '/'", subscribe_url)
    subscriptions = options.get("subscriptions", {})
    if not isinstance(subscriptions, dict):
        bad("MASTHEAD['subscriptions']", "a dict of subscription service settings", subscriptions)
        subscriptions = {}
    unknown_keys("MASTHEAD['subscriptions']", subscriptions, SUBSCRIPTION_KEYS)
    service_url = str(subscriptions.get("url", ""))
    if service_url and not re.match(r"^https?://[^\s/]+", service_url):
        bad("MASTHEAD['subscriptions']['url']", "the service's public http(s) address", service_url)
    for name in ("confirm_hours", "trusted_proxies", "per_client_per_minute", "per_address_per_hour"):
        value = subscriptions.get(name, 1)
        if isinstance(value, bool) or not isinstance(value, int) or value < (0 if name == "trusted_proxies" else 1):
            bad(f"MASTHEAD['subscriptions']['{name}']", "a whole number" + ("" if name == "trusted_proxies" else
                                                                               " of at least 1"), value)
    ses = subscriptions.get("ses_notifications", {})
    if ses:
        if not isinstance(ses, dict) or not str(ses.get("topic_arn", "")).startswith("arn:aws:sns:") \
                or len(str(ses.get("topic_arn")).split(":")) != 6:
            bad("MASTHEAD['subscriptions']['ses_notifications']",
                "{'topic_arn': 'arn:aws:sns:REGION:ACCOUNT:TOPIC'} (the topic SES sends bounces and complaints to)",
                ses)
        else:
            unknown_keys("MASTHEAD['subscriptions']['ses_notifications']", ses,
                         {"topic_arn": "", "certificate_host": ""})
    if service_url and not subscribe_url:
        subscribe_url = service_url.rstrip("/") + "/subscribe"

    feed_items = options.get("feed_items", 50)
    if isinstance(feed_items, bool) or not isinstance(feed_items, int) or feed_items < 1:
        bad("MASTHEAD['feed_items']", "a whole number of at least 1", feed_items)
        feed_items = 50
    websub_hub = text("websub_hub")
    if websub_hub and not re.match(r"^https?://[^\s/]+", websub_hub):
        bad("MASTHEAD['websub_hub']", "an http(s) URL", websub_hub)

    cards = options.get("cards", {})
    if not isinstance(cards, dict):
        bad("MASTHEAD['cards']", "a dict of card layout settings", cards)
        cards = {}
    unknown_keys("MASTHEAD['cards']", cards, DEFAULT_LAYOUT)
    deploy = options.get("deploy", {})
    if not isinstance(deploy, dict):
        bad("MASTHEAD['deploy']", "a dict of deploy settings", deploy)
        deploy = {}
    unknown_keys("MASTHEAD['deploy']", deploy, DEPLOY_KEYS)
    digest = options.get("digest", {})
    if not isinstance(digest, dict):
        bad("MASTHEAD['digest']", "a dict of digest settings", digest)
        digest = {}
    unknown_keys("MASTHEAD['digest']", digest, DIGEST_KEYS)
    twitter = text("twitter")
    if twitter and not re.match(r"^@[A-Za-z0-9_]{1,15}$", twitter):
        bad("MASTHEAD['twitter']", "a handle such as '@meridian'", twitter)

    translations = []
    given = options.get("translations", {})
    if not isinstance(given, dict):
        bad("MASTHEAD['translations']", "a dict of languages, such as {'fa': {'tagline': '...'}}", given)
        given = {}
    for code, words in given.items():
        where = f"MASTHEAD['translations'][{code!r}]"
        if not isinstance(code, str) or not re.match(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", code):
            bad("MASTHEAD['translations']", "language codes such as 'fa' or 'pt-BR' as keys", code)
            continue
        if not isinstance(words, dict):
            bad(where, "a dict with tagline, about and sections", words)
            continue
        unknown_keys(where, words, {"tagline": "", "about": "", "sections": ""})
        pairs = [(key, words[key].strip()) for key in ("tagline", "about") if isinstance(words.get(key), str)]
        for key in ("tagline", "about"):
            if key in words and not isinstance(words[key], str):
                bad(f"{where}[{key!r}]", "text", words[key])
        names = words.get("sections", {})
        if not isinstance(names, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in names.items()):
            bad(f"{where}['sections']", "a dict of section names, such as {'World': 'جهان'}", names)
            names = {}
        pairs += [(f"section:{name}", local.strip()) for name, local in names.items() if local.strip()]
        translations.append((code, tuple(pairs)))

    updated_from_git = options.get("updated_from_git", False)
    if not isinstance(updated_from_git, bool):
        bad("MASTHEAD['updated_from_git']", "True or False", updated_from_git)
        updated_from_git = False

    expired = options.get("expired", "notice")
    if expired not in EXPIRED_CHOICES:
        problems.append(Problem(source, None, "MASTHEAD['expired']", "one of " + ", ".join(EXPIRED_CHOICES),
                                describe(expired) + did_you_mean(str(expired), EXPIRED_CHOICES)))
        expired = "notice"

    embeds = options.get("embeds", DEFAULT_EMBED_HOSTS)
    if not isinstance(embeds, (list, tuple)) or not all(isinstance(h, str) and re.match(r"^[a-z0-9.-]+$", h)
                                                          for h in embeds):
        bad("MASTHEAD['embeds']", "a list of host names such as 'www.youtube-nocookie.com'", embeds)
        embeds = ()

    config = SiteConfig(
        name=str(settings.get("SITENAME") or "").strip(),
        site_url=str(settings.get("SITEURL") or "").rstrip("/"),
        timezone=timezone,
        default_lang=default_lang,
        tagline=text("tagline"),
        about=text("about"),
        logo=text("logo"),
        subscribe_url=subscribe_url,
        sections=tuple(s.strip() for s in sections),
        share=tuple(n for n in share if n in SHARE_NETWORKS),
        feed_items=feed_items,
        websub_hub=websub_hub,
        cards=dict(cards),
        twitter=twitter,
        deploy=dict(deploy),
        database=text("database") or "subscribers.sqlite3",
        digest=dict(digest),
        subscriptions=dict(subscriptions),
        expired=expired,
        embeds=tuple(embeds),
        date_formats=dict(settings.get("DATE_FORMATS") or {}),
        updated_from_git=updated_from_git,
        translations=tuple(translations),
    )
    if not config.name:
        bad("SITENAME", "the publication's name", settings.get("SITENAME"))
    if problems:
        raise ContentError(problems)
    return config
