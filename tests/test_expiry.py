"""`expires`: at its time an article leaves every listing, feed and sitemap; its page stays with a
notice (MASTHEAD['expired'] = 'notice', the default) or is removed ('remove')."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import pytest
from click.testing import CliRunner

from masthead.cli import main
from masthead.errors import ContentError

from conftest import DEFAULT_MASTHEAD, NOW, Newsroom

EXPIRED_PAGE = "2026/11/road-closures-for-the-summit/index.html"
BEFORE = datetime.fromisoformat("2026-11-25T12:00+00:00")


def shape(room: Newsroom) -> None:
    room.author("jane-doe", "Jane Doe")
    room.image("closures.jpg")
    room.article("closures", title="Road closures for the summit", tags=["Traffic"], aliases=["/old-closures/"],
                 date="2026-11-20T09:00+01:00", expires="2026-11-26T18:00+01:00",
                 image="closures.jpg", image_alt="A closed road")
    room.article("lasting", title="A lasting story", tags=["Traffic"], date="2026-11-21T09:00+01:00",
                 expires="2026-12-31T23:00+01:00")
    room.article("plain", title="A plain story", date="2026-11-22T09:00+01:00")


def everything_listed(output) -> bytes:
    """Every file a reader or a crawler finds the article through (not its own page or card)."""
    return b"".join(p.read_bytes() for p in output.rglob("*") if p.is_file()
                    and p.suffix in (".html", ".xml", ".json", ".txt")
                    and "road-closures-for-the-summit/" not in p.as_posix() and "old-closures" not in p.as_posix()
                    # the old address still redirects to the kept page; the build record names every file
                    and p.name not in ("redirects.json", "build.json"))


@pytest.fixture
def room(tmp_path) -> Newsroom:
    room = Newsroom(tmp_path / "room", site_url="https://news.example")
    shape(room)
    return room


def test_before_its_time_an_expiring_article_is_listed_and_tells_search_when_it_goes(room):
    room.build(now=BEFORE)
    listed = everything_listed(room.output)
    assert listed.count(b"Road closures for the summit") > 5  # front page, section, tag, author, feeds, ...
    page = room.html(EXPIRED_PAGE)
    assert page.xpath("//meta[@name='robots']/@content") == ["unavailable_after: 2026-11-26T18:00:00+01:00"]
    assert not page.xpath("//p[@class='expired-notice']")
    data = json.loads(page.xpath("//script[@type='application/ld+json']/text()")[0])
    assert data[0]["expires"] == "2026-11-26T18:00:00+01:00"


def test_after_its_time_the_page_stays_with_a_notice_and_leaves_everything_else(room):
    report = room.build(now=NOW)
    assert (report.published, report.expired) == (2, 1)
    page = room.html(EXPIRED_PAGE)
    notice = page.xpath("//p[@class='expired-notice']")[0]
    assert "no longer current" in notice.text_content()
    assert notice.xpath(".//time/@datetime") == ["2026-11-26T18:00:00+01:00"]
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert page.xpath("//h1/text()") == ["Road closures for the summit"]

    listed = everything_listed(room.output)
    assert b"Road closures" not in listed and b"road-closures-for-the-summit" not in listed
    assert b"A lasting story" in listed and b"A plain story" in listed
    manifest = json.loads((room.output / ".masthead/manifest.json").read_text())
    assert {a["title"] for a in manifest["articles"]} == {"A lasting story", "A plain story"}
    # what the kept page shows still exists: its photo, its card, and its old address redirects
    assert (room.output / "images/closures.jpg").is_file()
    card = page.xpath("//meta[@property='og:image']/@content")[0]
    assert (room.output / card.removeprefix("https://news.example/")).is_file()
    assert b"road-closures-for-the-summit" in (room.output / "old-closures/index.html").read_bytes()


def test_with_remove_the_page_and_its_only_photo_are_gone(tmp_path):
    room = Newsroom(tmp_path / "room", masthead={**DEFAULT_MASTHEAD, "expired": "remove"})
    shape(room)
    report = room.build(now=NOW)
    assert (report.published, report.expired) == (2, 1)
    assert not (room.output / EXPIRED_PAGE).exists()
    assert not (room.output / "images/closures.jpg").exists()
    assert not (room.output / "old-closures").exists()
    everything = b"".join(p.read_bytes() for p in room.output.rglob("*") if p.is_file())
    assert b"Road closures" not in everything


def test_an_unknown_expired_setting_is_named_with_the_choices(tmp_path):
    room = Newsroom(tmp_path / "room", masthead={**DEFAULT_MASTHEAD, "expired": "delete"})
    shape(room)
    with pytest.raises(ContentError) as caught:
        room.build()
    assert "MASTHEAD['expired']: expected one of notice, remove, found 'delete'" in str(caught.value)
    assert not room.output.exists()


def test_the_check_lists_coming_expiries_and_warns_of_links_that_will_break(tmp_path, monkeypatch):
    room = Newsroom(tmp_path / "room", masthead={**DEFAULT_MASTHEAD, "expired": "remove"})
    shape(room)
    room.article("linking", title="Linking story", date="2026-11-23T09:00+01:00", body="See [the closures](/2026/11/road-closures-for-the-summit/).")
    monkeypatch.chdir(room.root)
    result = CliRunner().invoke(main, ["check", "--now", BEFORE.isoformat()])
    assert result.exit_code == 0, result.output
    assert "content/articles/lasting.md: expires 2026-12-31 23:00 CET" in result.output
    assert "content/articles/closures.md: expires 2026-11-26 18:00 CET" in result.output
    assert ("content/articles/linking.md:10: warning: body: links to /2026/11/road-closures-for-the-summit/, which "
            "expires on 2026-11-26 18:00 and is then removed from the site: the link will break") in result.output
    # once expired the warning stays a warning: the clock alone never stops a scheduled publish
    result = CliRunner().invoke(main, ["check", "--now", NOW.isoformat()])
    assert result.exit_code == 0 and "1 expired" in result.output and "0 errors, 1 warning" in result.output
    assert "closures.md: expires" not in result.output


def test_publish_removes_an_expired_page_from_the_bucket_at_its_time(tmp_path, seaweed, s3_env, monkeypatch):
    import boto3

    bucket = f"site-{uuid.uuid4().hex[:12]}"
    s3 = boto3.session.Session().client("s3", endpoint_url=seaweed.endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    room = Newsroom(tmp_path / "room", site_url="https://news.example", masthead={
        **DEFAULT_MASTHEAD, "expired": "remove",
        "deploy": {"bucket": bucket, "endpoint_url": seaweed.endpoint, "region": "us-east-1", "preset": "minio"}})
    shape(room)
    monkeypatch.chdir(room.root)

    def publish(now: datetime) -> str:
        result = CliRunner().invoke(main, ["publish", "--settings", "pelicanconf.py", "--now", now.isoformat()],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    def read(key: str) -> bytes:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read()

    publish(BEFORE)
    assert b"Road closures" in read(EXPIRED_PAGE) and b"Road closures" in read("index.html")
    publish(NOW)
    with pytest.raises(s3.exceptions.NoSuchKey):
        read(EXPIRED_PAGE)
    assert b"Road closures" not in read("index.html") and b"Road closures" not in read("feeds/all.atom.xml")
    assert b"A plain story" in read("index.html")
