"""Social cards: how fast they are drawn, and what they cost a build that changed nothing.

    .venv/bin/python bench/cards.py            # 200 cards drawn; a 10,000-article no-change build
    .venv/bin/python bench/cards.py 1000       # another corpus size

The no-change build runs after a first build has filled the card cache (it draws zero cards);
the target is that cards take at most 5% of it.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feeds_share import machine  # noqa: E402

from masthead.build import build_site  # noqa: E402
from masthead.cards.draw import draw_card, encode  # noqa: E402
from masthead.cards.layout import CardText, layout_settings  # noqa: E402

from corpus import write_corpus  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 27, tzinfo=timezone.utc)


PHOTO_CARD = CardText("Europe", "Ministers back a civilian monitoring mission but leave its size open", "en", "ltr",
                      (("Tomas Lindqvist", str(REPO / "content/images/authors/tomas-lindqvist.jpg")),),
                      "November 24, 2026", str(REPO / "content/images/summit-flags.jpg"))
FLAT_CARD = CardText("خاورمیانه", "کمیسیون مرزی ایران و پاکستان پس از یک سال دوباره تشکیل جلسه داد", "fa", "rtl",
                     (("Farah Rahimi", ""),), "۲۶ نوامبر ۲۰۲۶")


def own_headlines(card: CardText, count: int) -> tuple[CardText, ...]:
    """The card `count` times, each with its own headline: nothing measured for one card's
    headline helps the next (labels, names and dates repeat, as on a real site)."""
    return tuple(dataclasses.replace(card, headline=f"{card.headline} ({n + 1})") for n in range(count))


def own_photos(card: CardText, folder: Path, count: int) -> tuple[CardText, ...]:
    """Like own_headlines, each card also over its own copy of the photo: every card decodes its
    photo, as in a newsroom where each story has its own (a photo shared by stories is decoded
    once per worker)."""
    copies = []
    for n, text in enumerate(own_headlines(card, count)):
        copy = folder / f"photo-{n}.jpg"
        shutil.copyfile(card.image, copy)
        copies.append(dataclasses.replace(text, image=str(copy)))
    return tuple(copies)


def cards_per_second(count: int = 200, texts: tuple[CardText, ...] = (PHOTO_CARD, FLAT_CARD)) -> float:
    """One process, one core: draw and encode `count` cards, taking `texts` in turn."""
    fonts = REPO / "theme" / "fonts"
    layout = layout_settings({})
    encode(draw_card(FLAT_CARD, layout, fonts), "png")  # fonts opened once per process, as in a build
    started = time.perf_counter()
    for i in range(count):
        card = texts[i % len(texts)]
        encode(draw_card(card, layout, fonts, str(REPO / "content/images/meridian-logo.png")),
               "jpeg" if card.image else "png")
    return count / (time.perf_counter() - started)


def no_change_share(articles: int) -> tuple[float, float, int, int]:
    with tempfile.TemporaryDirectory(prefix="masthead-bench-") as tmp:
        settings = write_corpus(Path(tmp), articles)
        first = build_site(settings, now=NOW)
        # a file saved again: the build runs (a build with nothing new would stop at once) and
        # renders nothing, so the cards' share of a routine build shows
        os.utime(next((Path(tmp) / "content" / "articles").rglob("*.md")))
        again = build_site(settings, now=NOW)
        return again.seconds, again.timings.get("cards", 0.0), first.counts["cards_drawn"], again.counts["cards_drawn"]


def main(size: int) -> None:
    print(f"machine: {machine()}")
    cores = os.cpu_count() or 1
    print(f"{'card':<58} {'per second, one core':>21}")
    with tempfile.TemporaryDirectory(prefix="masthead-photos-") as tmp:
        photo_cards, flat_cards = own_photos(PHOTO_CARD, Path(tmp), 200), own_headlines(FLAT_CARD, 200)
        rows = (("article card: own photo, author avatar, logo (target 50)", photo_cards),
                ("article card: photo shared by other stories", own_headlines(PHOTO_CARD, 200)),
                ("flat card, right-to-left, logo", flat_cards),
                ("own photo and flat, alternating", tuple(c for pair in zip(photo_cards, flat_cards) for c in pair)))
        for name, texts in rows:
            rate = cards_per_second(200, texts)
            print(f"{name:<58} {rate:>21.1f}")
    print(f"(all {cores} cores: about {cores}x)")
    build, cards, drawn_first, drawn_again = no_change_share(size)
    print(f"{'articles':>9} {'no-change build s':>18} {'cards s':>8} {'cards share':>12} "
          f"{'drawn (first)':>14} {'drawn (again)':>14}")
    print(f"{size:>9,} {build:>18.1f} {cards:>8.2f} {cards / build * 100:>11.1f}% "
          f"{drawn_first:>14,} {drawn_again:>14,}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
