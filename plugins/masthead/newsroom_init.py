"""`masthead init DIR`: a new newsroom that builds and passes the check at once.

The files come from newsroom_template/ (settings, CI, pre-commit, .gitignore, requirements) with
the newsroom's name, address, language, timezone and sections filled in, and a first article, an
author and an about page written in the newsroom's language. Nothing that exists is overwritten.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import __version__
from .config import LANG_TAG
from .errors import MastheadError

TEMPLATE = Path(__file__).resolve().parent / "newsroom_template"

# Template file -> where it goes in the newsroom (dot files are stored without their dot).
FILES = {
    "pelicanconf.py.in": "pelicanconf.py",
    "publishconf.py.in": "publishconf.py",
    "gitignore": ".gitignore",
    "requirements.txt": "requirements.txt",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "gitlab-ci.yml": ".gitlab-ci.yml",
    "github/workflows/pull-request.yml": ".github/workflows/pull-request.yml",
    "github/workflows/publish.yml": ".github/workflows/publish.yml",
}

# The first article, the author's bio and the about page, in each language the theme speaks.
WORDS = {
    "en": {
        "title": "Welcome to {name}",
        "summary": "The first story of a new newsroom, written to be replaced.",
        "body": "This is the first article of {name}. Replace it with your own reporting: write Markdown "
                "under content/articles/, then run `masthead check` and `masthead build`.\n\n"
                "Every article has a headline, a date, its authors, a section and a summary; the "
                "README of this newsroom says how to add photos, corrections and scheduled stories.",
        "bio": "The editor of {name}. Replace this biography with a few sentences about yourself and "
               "links to your work.",
        "editor": "The Editor",
        "about_title": "About us",
        "about_summary": "Who we are and how we work.",
        "about": "{name} is an independent newsroom. Tell readers who you are, who pays for your "
                 "journalism and how to reach you.",
        "tagline": "Independent news",
        "sections": "News,Opinion",
    },
    "fa": {
        "title": "به {name} خوش آمدید",
        "summary": "نخستین مطلب یک تحریریهٔ تازه، که باید جای خود را به گزارش‌های شما بدهد.",
        "body": "این نخستین مطلب {name} است. آن را با گزارش‌های خودتان جایگزین کنید: متن را در "
                "content/articles/ بنویسید و سپس `masthead check` و `masthead build` را اجرا کنید.\n\n"
                "هر مطلب تیتر، تاریخ، نویسنده، بخش و خلاصه دارد.",
        "bio": "سردبیر {name}. این زندگی‌نامه را با چند جمله دربارهٔ خودتان و پیوند به کارهایتان جایگزین کنید.",
        "editor": "سردبیر",
        "about_title": "دربارهٔ ما",
        "about_summary": "ما که هستیم و چگونه کار می‌کنیم.",
        "about": "{name} یک رسانهٔ مستقل است. به خوانندگان بگویید که هستید، هزینهٔ روزنامه‌نگاری شما "
                 "را چه کسی می‌پردازد و چگونه می‌توانند با شما تماس بگیرند.",
        "tagline": "خبرهای مستقل",
        "sections": "خبر,دیدگاه",
    },
    "ar": {
        "title": "مرحبًا بكم في {name}",
        "summary": "أول مقال في غرفة أخبار جديدة، كُتب ليحلّ محله عملكم.",
        "body": "هذا أول مقال في {name}. استبدلوه بتقاريركم: اكتبوا النص في content/articles/ ثم شغّلوا "
                "`masthead check` و`masthead build`.\n\n"
                "لكل مقال عنوان وتاريخ وكاتب وقسم وملخص.",
        "bio": "رئيس تحرير {name}. استبدلوا هذه السيرة ببضع جمل عنكم وروابط إلى أعمالكم.",
        "editor": "رئيس التحرير",
        "about_title": "من نحن",
        "about_summary": "من نحن وكيف نعمل.",
        "about": "{name} غرفة أخبار مستقلة. أخبروا القرّاء من أنتم ومن يموّل صحافتكم وكيف يتواصلون معكم.",
        "tagline": "أخبار مستقلة",
        "sections": "أخبار,رأي",
    },
    "ur": {
        "title": "{name} میں خوش آمدید",
        "summary": "ایک نئے نیوز روم کا پہلا مضمون، جس کی جگہ آپ کی رپورٹنگ لے گی۔",
        "body": "یہ {name} کا پہلا مضمون ہے۔ اسے اپنی رپورٹنگ سے بدل دیں: متن content/articles/ میں "
                "لکھیں اور پھر `masthead check` اور `masthead build` چلائیں۔\n\n"
                "ہر مضمون کی ایک سرخی، تاریخ، مصنف، حصہ اور خلاصہ ہوتا ہے۔",
        "bio": "{name} کے مدیر۔ اس تعارف کو اپنے بارے میں چند جملوں اور اپنے کام کے روابط سے بدل دیں۔",
        "editor": "مدیر",
        "about_title": "ہمارے بارے میں",
        "about_summary": "ہم کون ہیں اور کیسے کام کرتے ہیں۔",
        "about": "{name} ایک آزاد نیوز روم ہے۔ قارئین کو بتائیں کہ آپ کون ہیں، آپ کی صحافت کا خرچ کون "
                 "اٹھاتا ہے اور وہ آپ سے کیسے رابطہ کریں۔",
        "tagline": "آزاد خبریں",
        "sections": "خبریں,رائے",
    },
}

EDITORS_README = """# {name}

This newsroom is built with [masthead](https://pypi.org/project/masthead/) {version}.

```sh
pip install -r requirements.txt     # once (Debian/Ubuntu also: sudo apt-get install libfribidi0)
masthead new "A headline" --author editor --section "{section}"   # a new draft article
masthead check                      # what is wrong, with file and line
masthead serve                      # the site at http://127.0.0.1:8000/, rebuilt as you edit
```

- Articles are Markdown files under `content/articles/`, authors under `content/authors/`, pages
  under `content/pages/`, photos under `content/images/`. Set `status: published` when a story is
  ready; a future `date` waits for its moment.
- Settings live in `pelicanconf.py` (and `publishconf.py` for production: the site's address, where
  it is deployed, who sends the digests).
- The look: put a file in `theme/` with the same path as masthead's own (for example
  `theme/templates/partials/about.html` or `theme/static/css/site.css`), or words in
  `theme/labels.yml`; it replaces masthead's version and everything else stays masthead's.
- Pull requests get a check and a preview (`.github/workflows/`, `.gitlab-ci.yml`); main is
  published by `masthead publish`.
- To upgrade masthead, change the version in `requirements.txt` and read its upgrade notes.
"""

THEME_README = """# Your changes to masthead's theme

A file here replaces masthead's file of the same path; everything else comes from masthead, so an
upgrade brings its newer theme without a merge. For example:

- `templates/partials/about.html`: the "About us" block under every article
- `templates/base.html`, `templates/article.html`, ...: whole page types
- `templates/email/digest.html`: the digest email
- `static/css/site.css`: the site's styles (copy masthead's and change it)
- `labels.yml`: the theme's words, per language, such as

      en:
        subscribe: Get the morning briefing

`masthead build` warns about a template here that masthead no longer has.
"""


@dataclass(frozen=True)
class NewsroomPlan:
    """What `masthead init` writes: each file's path in the new folder and its text."""

    files: dict[str, str]


def plan_newsroom(name: str, url: str, language: str, timezone: str, sections: list[str] | None,
                  now: datetime) -> NewsroomPlan:
    """Every file of a new newsroom; raises MastheadError naming a bad flag."""
    if not name.strip():
        raise MastheadError("--name: the publication's name, such as 'The Harbour Times'")
    if not LANG_TAG.match(language):
        raise MastheadError(f"--language: a language code such as en, fa or ur-PK, not {language!r}")
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise MastheadError(f"--timezone: a time zone such as Europe/Brussels or Asia/Karachi, not {timezone!r}") \
            from None
    if url and not url.startswith(("https://", "http://")):
        raise MastheadError(f"--url: the site's public address, such as https://www.example.org, not {url!r}")
    text_lang = language if language.split("-")[0].lower() in WORDS else "en"
    words = {key: value.format(name=name) for key, value in WORDS[text_lang.split("-")[0].lower()].items()}
    sections = [s.strip() for s in sections or [] if s.strip()] or words["sections"].split(",")
    local = now.astimezone(zone).replace(second=0, microsecond=0)
    fields = {
        "NAME": name, "NAME_REPR": repr(name), "URL_REPR": repr(url.rstrip("/") or "https://www.example.org"),
        "LANG_REPR": repr(language), "TIMEZONE_REPR": repr(timezone), "VERSION": __version__,
        "TAGLINE_REPR": repr(words["tagline"]), "ABOUT_REPR": repr(words["about"]), "SECTIONS_REPR": repr(sections),
    }
    files = {target: _fill((TEMPLATE / source).read_text(encoding="utf-8"), fields) for source, target in FILES.items()}
    files[f"content/articles/{local:%Y}/welcome.md"] = (
        "---\n"
        f"title: {_quoted(words['title'])}\n"
        "slug: welcome\n"
        f"id: {uuid.uuid4()}\n"
        f"date: {local.isoformat(timespec='minutes')}\n"
        "authors:\n  - editor\n"
        f"category: {_quoted(sections[0])}\n"
        f"summary: {_quoted(words['summary'])}\n"
        f"lang: {text_lang}\n"
        "---\n\n" + words["body"] + "\n")
    files["content/authors/editor.md"] = (f"---\nname: {_quoted(words['editor'])}\nrole: {_quoted(words['editor'])}\n"
                                          f"---\n\n{words['bio']}\n")
    files["content/pages/about.md"] = (f"---\ntitle: {_quoted(words['about_title'])}\nslug: about\n"
                                       f"summary: {_quoted(words['about_summary'])}\nlang: {text_lang}\n"
                                       f"---\n\n{words['about']}\n")
    files["content/images/.gitkeep"] = ""
    files["README.md"] = EDITORS_README.format(name=name, version=__version__, section=sections[0])
    files["theme/README.md"] = THEME_README
    return NewsroomPlan(files)


def write_newsroom(folder: Path, plan: NewsroomPlan) -> tuple[list[str], list[str]]:
    """Write each file that does not exist yet; (written, kept as they were)."""
    written, kept = [], []
    for rel, text in plan.files.items():
        path = Path(folder) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8") as handle:
                handle.write(text)
        except FileExistsError:
            kept.append(rel)
            continue
        written.append(rel)
    return written, kept


def _fill(text: str, fields: dict[str, str]) -> str:
    for key, value in fields.items():
        text = text.replace(f"@@{key}@@", value)
    return text


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's quoting, which YAML reads as it is)."""
    return json.dumps(text, ensure_ascii=False)
