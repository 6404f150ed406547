"""The Meridian's site settings for local preview (`masthead build`, `masthead serve`).

Pelican's own settings are upper-case names; masthead's live in the MASTHEAD dict.
publishconf.py imports this file and overrides what differs in production.
"""

SITENAME = "The Meridian"
SITEURL = ""
TIMEZONE = "Europe/Brussels"
DEFAULT_LANG = "en"

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
PLUGINS = ["masthead.plugin"]

MASTHEAD = {
    "tagline": "International affairs, from Brussels, every day",
    "about": (
        "The Meridian is an independent daily online newspaper based in Brussels. We report on "
        "European and international affairs with correspondents in the Middle East and South "
        "Asia, and we publish in English, Persian and Urdu. We take no money from governments "
        "or parties."
    ),
    "logo": "meridian-logo.png",
    # The subscription service (masthead subscriptions serve) on this machine; hidden when unset.
    "subscribe_url": "http://127.0.0.1:8025/subscribe",
    "sections": ["World", "Europe", "Middle East", "South Asia", "Opinion"],
    "share": ["email", "x", "facebook", "linkedin", "whatsapp", "telegram", "bluesky"],
    "twitter": "@meridian_news",
}
