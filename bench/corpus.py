"""A deterministic newsroom of N articles for benchmarks: same seed, same bytes.

About 40 authors, 10 sections, 200 tags, articles of 800 to 1,200 words with subheadings, block
quotes and names in several scripts, most with a featured image. Run alone to write one:
    python bench/corpus.py 1000 /tmp/newsroom
"""

from __future__ import annotations

import random
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

SECTIONS = ["World", "Europe", "Middle East", "South Asia", "Africa", "Americas", "Economy",
            "Security", "Climate", "Opinion"]
WORDS = ("the minister said talks would resume next week after officials from both countries met "
         "in the capital to discuss border security trade sanctions energy prices and the future "
         "of the agreement which parliament must still approve before elections in spring while "
         "diplomats warned that the ceasefire remained fragile and aid agencies asked for access "
         "to the region where thousands of families have fled fighting since the summer").split()
NAMES = ["Rukhsana Mengal (رخسانہ مینگل)", "Hamid Farahani (حمید فراهانی)", "Olena Kovalenko (Олена Коваленко)",
         "Yael Levi (יעל לוי)", "Wang Lei (王磊)", "Nikos Papadakis (Νίκος Παπαδάκης)", "Amina Diallo"]


def write_corpus(root: Path, articles: int, seed: int = 7, images: int = 12, flavour: str = "masthead") -> Path:
    """Write pelicanconf.py and content/ for `articles` articles under root; returns the settings file.

    flavour "pelican" writes the very same stories for plain Pelican and its default theme
    (Pelican's own metadata format), for side-by-side builds."""
    rnd = random.Random(seed)
    content = root / "content"
    for folder in ("articles", "authors", "pages", "images"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    for n in range(images):
        _photo(content / "images" / f"photo-{n:02d}.jpg", n, seed)
    Image.new("RGB", (256, 256), (155, 28, 28)).save(content / "images" / "logo.png")
    authors = [f"author-{n:02d}" for n in range(40)]
    if flavour == "masthead":
        for slug in authors:
            (content / "authors" / f"{slug}.md").write_text(
                f"---\nname: {slug.replace('-', ' ').title()}\nrole: Correspondent\n---\n"
                "Reports on international affairs for the newsroom.\n", encoding="utf-8")
    tags = [f"Topic {n:03d}" for n in range(200)]
    start = datetime(2016, 1, 1, 6, 0)
    step = timedelta(minutes=(10 * 365 * 24 * 60) // max(articles, 1))
    for n in range(articles):
        story = _story(rnd, n, start + step * n, authors, tags, images, own_photo=images >= articles)
        path = content / "articles" / f"{story['date']:%Y}" / f"story-{n:05d}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(story_text(story, flavour), encoding="utf-8")
    settings = root / "pelicanconf.py"
    common = ('SITENAME = "Bench Gazette"\nSITEURL = "https://bench.example"\nTIMEZONE = "Europe/Brussels"\n'
              'DEFAULT_LANG = "en"\nPATH = "content"\nOUTPUT_PATH = "output"\n')
    if flavour == "masthead":
        settings.write_text(
            common + f'THEME = {str(Path(__file__).resolve().parent.parent / "theme")!r}\n'
            'PLUGINS = ["masthead.plugin"]\n'
            f'MASTHEAD = {{"logo": "logo.png", "sections": {SECTIONS!r}, "about": "A benchmark newsroom.", '
            '"websub_hub": "https://hub.example/"}\n')
    else:
        # Pelican's defaults (its theme, Atom feeds, author/category/tag pages), its content cache on
        settings.write_text(common + 'STATIC_PATHS = ["images"]\nARTICLE_PATHS = ["articles"]\n'
                            'CACHE_CONTENT = True\nLOAD_CONTENT_CACHE = True\nDEFAULT_PAGINATION = 20\n'
                            'FEED_ALL_ATOM = "feeds/all.atom.xml"\n'
                            'CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"\n')
    return settings


def _photo(path: Path, n: int, seed: int = 7) -> None:
    """A 1600×900 photo with grain, so that it decodes like a photograph and not like a flat
    colour (the same every run for the same n)."""
    grain = Image.frombytes("L", (1600, 900), random.Random(seed).randbytes(1600 * 900)).convert("RGB")
    picture = Image.new("RGB", (1600, 900), (40 + n * 15 % 200, 60, 90 + n * 7 % 150))
    ImageDraw.Draw(picture).ellipse((400 + n * 20 % 700, 200, 1200, 800), fill=(200, 120 + n * 5 % 130, 60))
    Image.blend(picture, grain, 0.08).save(path, quality=80, progressive=True)


def _story(rnd: random.Random, n: int, date: datetime, authors: list[str], tags: list[str], images: int,
           own_photo: bool = False) -> dict:
    words = rnd.randint(800, 1200)
    paragraphs = []
    written = 0
    while written < words:
        length = rnd.randint(40, 90)
        sentence = " ".join(rnd.choice(WORDS) for _ in range(length)).capitalize()
        kind = rnd.random()
        if kind < 0.1:
            paragraphs.append(f"## {' '.join(rnd.choice(WORDS) for _ in range(4)).capitalize()}")
        elif kind < 0.2:
            paragraphs.append(f"> “{sentence[:200]},” said {rnd.choice(NAMES)}.")
        else:
            paragraphs.append(sentence + ".")
        written += length
    shared = rnd.randrange(images)  # drawn in every case: the same seed gives the same stories
    # own_photo: each story its own photo (a newsroom's archive); else one of `images` at random
    image = f"photo-{n if own_photo else shared:02d}.jpg" if rnd.random() < 0.8 else ""
    return {
        "n": n, "title": f"Story number {n} about {' '.join(rnd.choice(WORDS) for _ in range(5))}",
        "id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)), "date": date,
        "author": rnd.choice(authors), "section": rnd.choice(SECTIONS), "tags": rnd.sample(tags, 3),
        "image": image, "lang": "fa" if n % 50 == 0 else "", "body": "\n\n".join(paragraphs),
    }


def story_text(story: dict, flavour: str = "masthead") -> str:
    n = story["n"]
    summary = f"A generated summary of story {n}, one sentence long."
    if flavour == "pelican":
        return (f"Title: {story['title']}\nDate: {story['date']:%Y-%m-%d %H:%M}\n"
                f"Authors: {story['author'].replace('-', ' ').title()}\nCategory: {story['section']}\n"
                f"Tags: {', '.join(story['tags'])}\nSlug: story-{n:05d}\nSummary: {summary}\n"
                + (f"Lang: {story['lang']}\n" if story["lang"] else "") + "\n" + story["body"] + "\n")
    image = (f"image: {story['image']}\nimage_alt: A generated illustration\n"
             "image_caption: Generated for benchmarks.\n") if story["image"] else ""
    return (
        "---\n"
        f"title: {story['title']}\n"
        f"id: {story['id']}\n"
        f"date: {story['date']:%Y-%m-%dT%H:%M}\n"
        f"authors:\n  - {story['author']}\n"
        f"category: {story['section']}\n"
        f"summary: {summary}\n"
        f"slug: story-{n:05d}\n"
        "tags:\n" + "".join(f"  - {t}\n" for t in story["tags"])
        + image
        + "dateline: Brussels\n"
        + (f"lang: {story['lang']}\n" if story["lang"] else "")
        + "---\n" + story["body"] + "\n"
    )


def edit_one(root: Path, n: int, flavour: str = "masthead") -> Path:
    """A one-line change to the body of article n (a typo fixed), in place."""
    path = next((root / "content" / "articles").glob(f"*/story-{n:05d}.md"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + " Corrected.\n", encoding="utf-8")
    return path


def add_one(root: Path, n: int, date: datetime, flavour: str = "masthead") -> Path:
    """A new article n dated `date` (breaking news), by the same generator, with its own new photo
    (a breaking story's picture is rarely one the archive already has)."""
    rnd = random.Random(n)
    story = _story(rnd, n, date, [f"author-{k:02d}" for k in range(40)], [f"Topic {k:03d}" for k in range(200)], 12)
    story["lang"] = ""
    story["image"] = f"breaking-{n:05d}.jpg"
    _photo(root / "content" / "images" / story["image"], n)
    path = root / "content" / "articles" / f"{date:%Y}" / f"story-{n:05d}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(story_text(story, flavour), encoding="utf-8")
    return path


if __name__ == "__main__":
    count, where = int(sys.argv[1]), Path(sys.argv[2])
    print(write_corpus(where, count))
