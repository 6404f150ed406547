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
    # The newsroom's own words on pages in Persian and Urdu (the theme's words come from its catalogs).
    "translations": {
        "fa": {
            "tagline": "امور بین‌الملل، از بروکسل، هر روز",
            "about": "مریدین روزنامه‌ای مستقل و آنلاین در بروکسل است. از امور اروپا و جهان گزارش می‌دهیم، در "
                     "خاورمیانه و جنوب آسیا خبرنگار داریم و به انگلیسی، فارسی و اردو منتشر می‌کنیم. از هیچ دولت "
                     "یا حزبی پول نمی‌گیریم.",
            "sections": {"World": "جهان", "Europe": "اروپا", "Middle East": "خاورمیانه", "South Asia": "جنوب آسیا",
                         "Opinion": "دیدگاه"},
        },
        "ur": {
            "tagline": "بین الاقوامی امور، برسلز سے، ہر روز",
            "about": "دی میریڈین برسلز میں قائم ایک آزاد روزانہ آن لائن اخبار ہے۔ ہم یورپی اور بین الاقوامی امور پر "
                     "رپورٹنگ کرتے ہیں، مشرق وسطیٰ اور جنوبی ایشیا میں ہمارے نامہ نگار ہیں، اور ہم انگریزی، فارسی "
                     "اور اردو میں شائع کرتے ہیں۔ ہم حکومتوں یا جماعتوں سے کوئی پیسہ نہیں لیتے۔",
            "sections": {"World": "دنیا", "Europe": "یورپ", "Middle East": "مشرق وسطیٰ", "South Asia": "جنوبی ایشیا",
                         "Opinion": "رائے"},
        },
    },
}
