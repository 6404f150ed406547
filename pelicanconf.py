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
    # The subscription service (`masthead subscriptions serve`) on this machine: the subscribe form
    # posts to its /subscribe, digests link to its /unsubscribe and /preferences.
    "subscriptions": {"url": "http://127.0.0.1:8025"},
    # Digests and the service's emails; locally, to a debugging SMTP server such as
    # `python -m aiosmtpd -n -l 127.0.0.1:1025`, which prints what it receives.
    "digest": {"from": "The Meridian <digest@meridian.example>",
               "smtp": {"host": "127.0.0.1", "port": 1025, "security": "none"}},
    "sections": ["World", "Europe", "Middle East", "South Asia", "Opinion"],
    "share": ["email", "x", "facebook", "linkedin", "whatsapp", "telegram", "bluesky"],
    "twitter": "@meridian_news",
}
