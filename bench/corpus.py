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


def write_corpus(root: Path, articles: int, seed: int = 7, images: int = 12) -> Path:
    """Write pelicanconf.py and content/ for `articles` articles under root; returns the settings file."""
    rnd = random.Random(seed)
    content = root / "content"
    for folder in ("articles", "authors", "pages", "images"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    for n in range(images):
        picture = Image.new("RGB", (1600, 900), (40 + n * 15 % 200, 60, 90 + n * 7 % 150))
        ImageDraw.Draw(picture).ellipse((400 + n * 20, 200, 1200, 800), fill=(200, 120 + n * 5, 60))
        picture.save(content / "images" / f"photo-{n:02d}.jpg", quality=80)
    Image.new("RGB", (256, 256), (155, 28, 28)).save(content / "images" / "logo.png")
    authors = [f"author-{n:02d}" for n in range(40)]
    for slug in authors:
        (content / "authors" / f"{slug}.md").write_text(
            f"---\nname: {slug.replace('-', ' ').title()}\nrole: Correspondent\n---\n"
            "Reports on international affairs for the newsroom.\n", encoding="utf-8")
    tags = [f"Topic {n:03d}" for n in range(200)]
    start = datetime(2016, 1, 1, 6, 0)
    step = timedelta(minutes=(10 * 365 * 24 * 60) // max(articles, 1))
    for n in range(articles):
        date = start + step * n
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
        image = ""
        if rnd.random() < 0.8:
            image = (f"image: photo-{rnd.randrange(images):02d}.jpg\n"
                     "image_alt: A generated illustration\nimage_caption: Generated for benchmarks.\n")
        article_tags = "".join(f"  - {t}\n" for t in rnd.sample(tags, 3))
        text = (
            "---\n"
            f"title: Story number {n} about {' '.join(rnd.choice(WORDS) for _ in range(5))}\n"
            f"id: {uuid.UUID(int=rnd.getrandbits(128), version=4)}\n"
            f"date: {date:%Y-%m-%dT%H:%M}\n"
            f"authors:\n  - {rnd.choice(authors)}\n"
            f"category: {rnd.choice(SECTIONS)}\n"
            f"summary: A generated summary of story {n}, one sentence long.\n"
            f"slug: story-{n:05d}\n"
            f"tags:\n{article_tags}"
            f"{image}"
            "dateline: Brussels\n"
            + ("lang: fa\n" if n % 50 == 0 else "")
            + "---\n" + "\n\n".join(paragraphs) + "\n"
        )
        folder = content / "articles" / f"{date:%Y}"
        folder.mkdir(exist_ok=True)
        (folder / f"story-{n:05d}.md").write_text(text, encoding="utf-8")
    settings = root / "pelicanconf.py"
    settings.write_text(
        'SITENAME = "Bench Gazette"\nSITEURL = "https://bench.example"\nTIMEZONE = "Europe/Brussels"\n'
        'DEFAULT_LANG = "en"\nPATH = "content"\nOUTPUT_PATH = "output"\n'
        f'THEME = {str(Path(__file__).resolve().parent.parent / "theme")!r}\n'
        'PLUGINS = ["masthead.plugin"]\n'
        f'MASTHEAD = {{"logo": "logo.png", "sections": {SECTIONS!r}, "about": "A benchmark newsroom."}}\n')
    return settings


if __name__ == "__main__":
    count, where = int(sys.argv[1]), Path(sys.argv[2])
    print(write_corpus(where, count))
