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
    room.page("about", title="About us")
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
