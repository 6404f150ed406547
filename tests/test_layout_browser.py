"""Every page type as a phone and a laptop show it, in both text directions (headless Chromium):
nothing may make a page wider than the screen. A page wider than its screen scrolls sideways, and
in a right-to-left document Chromium then paints nothing at all where the reader starts."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from conftest import DEFAULT_MASTHEAD, Newsroom
from seaweed import free_ports
from test_subscribe_browser import QuietHandler, browser

WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    port = free_ports(1)[0]
    room = Newsroom(tmp_path_factory.mktemp("layout") / "room", site_url=f"http://127.0.0.1:{port}",
                    masthead={**DEFAULT_MASTHEAD, "subscribe_url": "https://subscribe.example/subscribe"})
    room.author("jane-doe", "Jane Doe", "Jane covers the world. " * 20)
    room.image("photo.jpg", 1600, 900)
    room.article("english", title="Ceasefire talks resume in Doha after a long pause", slug="english",
                 tags=["Diplomacy"], image="photo.jpg", image_alt="A photo",
                 body="A paragraph of reporting. " * 80 + "\n\n> A long quotation from an official. " * 3)
    room.article("persian", title="گفت‌وگوهای آتش‌بس در دوحه از سر گرفته شد", slug="persian", lang="fa",
                 tags=["Diplomacy"], date="2026-11-21T09:00+01:00", summary="خلاصهٔ خبر",
                 body="یک بند گزارش. " * 80)
    room.page("about", title="About us", body="We report on the world from many places, with care. " * 30)
    room.build()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             functools.partial(QuietHandler, directory=str(room.output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}", room
    server.shutdown()


PAGES = {  # one of each page type, and both directions of the article
    "front page": "/", "article": "/2026/11/english/", "right-to-left article": "/2026/11/persian/",
    "section": "/sections/world/", "tag": "/tags/diplomacy/", "author": "/authors/jane-doe/",
    "archives": "/archives/", "page": "/about-us/", "digest editions": "/digests/", "not found": "/404.html",
}


def test_no_page_is_wider_than_a_phone_or_a_laptop_in_either_direction(site):
    base, room = site
    driver = browser(javascript=True)
    wide = []
    try:
        for width in WIDTHS:
            driver.set_window_size(width, 900)
            for name, path in PAGES.items():
                assert (room.output / path.lstrip("/")).exists() or path.endswith(".html"), path
                driver.get(base + path)
                direction, scroll, client = driver.execute_script(
                    "const e = document.documentElement;"
                    "return [getComputedStyle(e).direction, e.scrollWidth, e.clientWidth];")
                if scroll > client:
                    wide.append(f"{name} ({direction}) at {width} px: {scroll} px wide")
        directions = {driver.execute_script("return getComputedStyle(document.documentElement).direction")
                      for _ in [driver.get(base + PAGES["right-to-left article"])]}
    finally:
        driver.quit()
    assert directions == {"rtl"}  # the right-to-left page was looked at as one
    assert wide == []


# Characters per line of a paragraph at 1,280 px: its text length over the lines it takes.
LINE_LENGTH = """
const p = document.querySelector(arguments[0]);
const range = document.createRange(); range.selectNodeContents(p);
const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
return [p.textContent.trim().length, tops.size];
"""


def test_reading_text_runs_sixty_to_seventy_five_characters_a_line(site):
    base, room = site
    driver = browser(javascript=True)
    measured = {}
    try:
        driver.set_window_size(1280, 900)
        for name, path, selector in (("article", "/2026/11/english/", ".story-body p"),
                                     ("page", "/about-us/", ".static-page p")):
            driver.get(base + path)
            length, lines = driver.execute_script(LINE_LENGTH, selector)
            measured[name] = length / max(1, lines - 1) if lines > 2 else 0  # the last line is short
    finally:
        driver.quit()
    assert all(55 <= per_line <= 78 for per_line in measured.values()), measured


# Every link and button outside running text, as the reader taps it: at least 24 by 24 CSS px
# (WCAG 2.2, 2.5.8), whatever the spacing around it.
TARGETS = """
const found = [];
for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select')) {
  if (el.closest('.story-body, .bio-body, .about p, .honeypot, .skip-link')) continue;
  const r = el.getBoundingClientRect();
  if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
  if (r.width < 24 || r.height < 24)
    found.push(`${el.tagName.toLowerCase()} in ${el.parentElement.tagName.toLowerCase()}.${el.parentElement.className}/${el.parentElement.parentElement.className} "${el.textContent.trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
}
return found;
"""


def test_every_tap_target_is_at_least_24_pixels_each_way(site):
    base, room = site
    driver = browser(javascript=True)
    small = []
    try:
        for width in WIDTHS:
            driver.set_window_size(width, 900)
            for name, path in PAGES.items():
                driver.get(base + path)
                small += [f"{name} at {width} px: {target}" for target in driver.execute_script(TARGETS)]
    finally:
        driver.quit()
    assert small == []


LISTING = """
const main = document.querySelector('main').getBoundingClientRect();
return [...document.querySelectorAll('.teasers')].map(list => {
  const teasers = [...list.querySelectorAll('.teaser')].map(t => t.getBoundingClientRect());
  const image = list.querySelector('.teaser-image img');
  return {stories: teasers.length, used: Math.max(...teasers.map(r => r.right)) - Math.min(...teasers.map(r => r.left)),
          width: main.width, image: image ? image.getBoundingClientRect().width : 0,
          kickers: list.querySelectorAll('.kicker').length};
});
"""


def test_listings_are_laid_out_for_the_stories_they_hold(site):
    """At 1,280 px a listing uses its row: one story lies across it with its picture beside its text,
    never a quarter-width column beside three empty ones; a section's page does not repeat its name."""
    base, room = site
    driver = browser(javascript=True)
    try:
        driver.set_window_size(1280, 900)
        found = {}
        for name in ("front page", "section", "tag", "author"):
            driver.get(base + PAGES[name])
            found[name] = driver.execute_script(LISTING)
    finally:
        driver.quit()
    for name, lists in found.items():
        for listing in lists:
            alone_in_words = listing["stories"] == 1 and not listing["image"]  # kept to a readable measure
            share = 0.55 if alone_in_words else 0.85
            assert listing["used"] >= share * listing["width"] - 32, (name, listing)  # no blank right side
            if listing["image"]:
                assert listing["image"] <= 0.5 * listing["width"], (name, listing)  # a picture, not a wall
    assert all(listing["kickers"] == 0 for listing in found["section"])  # the page says the section once
    assert any(listing["kickers"] for listing in found["tag"])  # a tag's stories come from many sections
