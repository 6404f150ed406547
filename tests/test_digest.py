"""Digests: selection from the manifest, and the message a subscriber would get (parsed back)."""

from __future__ import annotations

import email
from datetime import datetime, timedelta, timezone
from email import policy

from click.testing import CliRunner
from lxml import html

from masthead.cli import main
from masthead.digest.message import Sender, build_message, one_line
from masthead.digest.select import DigestArticle, edition_id, select_for, window

from conftest import THEME, Newsroom

NOW = datetime(2026, 11, 27, 12, tzinfo=timezone.utc)


def story(n: int, hours_ago: float, section="World", lang="en", authors=("jane-doe",), corrections=()):
    return DigestArticle(id=f"id-{n}", url=f"https://news.example/{n}/", title=f"Story {n}", summary=f"About {n}.",
                         lang=lang, section=section, authors=tuple(a.title() for a in authors), author_slugs=authors,
                         published=NOW - timedelta(hours=hours_ago), card=f"https://news.example/cards/{n}.png",
                         corrections=corrections)


ARTICLES = [story(1, 2), story(2, 5, "Europe"), story(3, 30), story(4, 1, "Europe", lang="fa", authors=("john-roe",)),
            story(5, 200, corrections=((NOW - timedelta(hours=3), "A name was misspelled."),))]


def test_new_stories_it_follows_grouped_by_section_newest_first():
    since, until = window("daily", NOW, None)
    everything = select_for(ARTICLES, since, until)
    assert [(name, [a.id for a in items]) for name, items in everything.sections] == [
        ("Europe", ["id-4", "id-2"]), ("World", ["id-1"])]
    europe = select_for(ARTICLES, since, until, sections=("Europe",))
    assert [a.id for a in europe.articles] == ["id-4", "id-2"]
    by_author = select_for(ARTICLES, since, until, authors=("john-roe",))
    assert [a.id for a in by_author.articles] == ["id-4"]
    english = select_for(ARTICLES, since, until, language="en")
    assert [(name, [a.id for a in items]) for name, items in english.sections] == [("World", ["id-1"]), ("Europe", ["id-2"])]
    weekly = select_for(ARTICLES, *window("weekly", NOW, None))
    assert len(weekly.articles) == 4


def test_corrections_to_stories_already_received_and_never_an_empty_digest():
    since, until = window("daily", NOW, None)
    selection = select_for(ARTICLES, since, until, sections=("Opinion",), received=frozenset({"id-5"}))
    assert not selection.sections and [(a.id, text) for a, _, text in selection.corrections] == [
        ("id-5", "A name was misspelled.")]
    assert select_for(ARTICLES, since, until, sections=("Opinion",)).is_empty


def test_edition_ids_come_from_the_period_and_the_articles():
    first = edition_id("daily", NOW, ["b", "a"])
    assert first == edition_id("daily", NOW, ["a", "b"]) and first.startswith("daily-20261127-")
    assert first != edition_id("daily", NOW, ["a"]) != edition_id("weekly", NOW, ["a"])


def sender(unsubscribe="https://subscribe.news.example/unsubscribe"):
    return Sender("The Gazette <digest@news.example>", "The Gazette", "https://news.example", "We report.",
                  unsubscribe)


def parse(data: bytes) -> email.message.EmailMessage:
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # CRLF only: SMTP servers refuse bare LF
    return email.message_from_bytes(data, policy=policy.default)


def test_the_message_headers_parts_links_and_token():
    selection = select_for(ARTICLES, *window("daily", NOW, None))
    message = parse(build_message(selection, edition="daily-x", subject="The Gazette:\nInjected: yes \u202eحروف",
                                  to=("reader@example.org", "Reader\r\nBcc: evil@example.org"), token="tok-123",
                                  sender=sender(), lang="en", when=NOW, theme=THEME))
    assert message["Subject"] == "The Gazette: Injected: yes \u202eحروف"
    assert message["To"] == '"Reader Bcc: evil@example.org" <reader@example.org>'  # a name, never a header
    assert "Bcc" not in message and "Injected" not in message
    assert message["Message-ID"].endswith("@news.example>") and message["Message-ID"].startswith("<daily-x.")
    assert message["List-Unsubscribe"] == ("<https://subscribe.news.example/unsubscribe?token=tok-123>, "
                                           "<mailto:unsubscribe@news.example?subject=unsubscribe-tok-123>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == "The Gazette digest <digest.news.example>"
    text = message.get_body(("plain",)).get_content()
    body = message.get_body(("html",)).get_content()
    assert "Story 4" in text and "https://news.example/4/" in text and "tok-123" in text
    page = html.fromstring(body)
    assert [a.get("href") for a in page.xpath("//p[@class='title']/a")] == [
        "https://news.example/4/", "https://news.example/2/", "https://news.example/1/"]
    assert all(img.get("alt") and img.get("src").startswith("https://") for img in page.xpath("//img"))
    persian = page.xpath("//td[@lang='fa']")[0]
    assert persian.get("dir") == "rtl"
    assert "style=" in body and "<style" not in body  # CSS inlined for mail clients
    assert len(body.encode()) < 100_000


def test_a_huge_digest_is_trimmed_under_gmails_clip_with_a_link_to_the_rest():
    many = [story(n, 1 + n / 1000) for n in range(400)]
    many = [DigestArticle(**{**a.__dict__, "summary": "Long summary. " * 40}) for a in many]
    selection = select_for(many, *window("daily", NOW, None))
    message = parse(build_message(selection, edition="e", subject="S", to=("r@example.org", ""), token="t",
                                  sender=sender(""), lang="en", when=NOW, theme=THEME))
    body = message.get_body(("html",)).get_content()
    assert len(body.encode()) < 100_000 and "more stories on the site" in body
    assert message["List-Unsubscribe"] == "<mailto:unsubscribe@news.example?subject=unsubscribe-t>"
    assert "List-Unsubscribe-Post" not in message  # one click needs the subscription service's https link


def test_one_line_drops_controls_and_folds_space():
    assert one_line("a\r\nb\tc\x00d  e") == "a b c d e"


def test_preview_writes_what_a_subscriber_would_get(tmp_path, monkeypatch):
    room = Newsroom(tmp_path / "room", site_url="https://news.example")
    room.author("jane-doe", "Jane Doe")
    room.article("story", title="Talks resume", slug="talks", date="2026-11-27T09:00+01:00")
    room.build(now=NOW)
    monkeypatch.chdir(room.root)
    runner = CliRunner()
    settings = ["--settings", "pelicanconf.py"]
    assert runner.invoke(main, ["subscribers", *settings, "add", "reader@example.org"]).exit_code == 0
    result = runner.invoke(main, ["digest", "preview", "--subscriber", "reader@example.org", *settings,
                                  "--now", NOW.isoformat(), "--to", "preview"])
    assert result.exit_code == 0, result.output
    assert result.output == "Wrote preview/digest.eml and preview/digest.html (1 story).\n"
    message = email.message_from_bytes((room.root / "preview/digest.eml").read_bytes(), policy=policy.default)
    assert message["To"] == "reader@example.org" and "Talks resume" in message.get_body(("plain",)).get_content()
    nothing = runner.invoke(main, ["digest", "preview", "--subscriber", "reader@example.org", *settings,
                                   "--now", (NOW + timedelta(days=3)).isoformat()])
    assert nothing.exit_code == 1 and "nobody gets an empty digest" in nothing.output


def test_dkim_signatures_cover_the_one_click_headers_and_verify(tmp_path):
    import dkim
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from masthead.digest.dkim_sign import DkimSigner

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    (tmp_path / "dkim.pem").write_bytes(pem)
    signer = DkimSigner.from_settings({"selector": "mh", "domain": "news.example", "key_file": str(tmp_path / "dkim.pem")})
    selection = select_for(ARTICLES, *window("daily", NOW, None))
    signed = signer.sign(build_message(selection, edition="e", subject="Talks", to=("r@example.org", "R"),
                                       token="t", sender=sender(), lang="en", when=NOW, theme=THEME))
    header = email.message_from_bytes(signed, policy=policy.default)["DKIM-Signature"]
    signed_headers = header.split("h=")[1].split(";")[0].replace(" ", "").lower().split(":")
    for name in ("from", "to", "subject", "date", "list-unsubscribe", "list-unsubscribe-post"):
        assert name in signed_headers, name
    import base64

    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    assert dkim.verify(signed, dnsfunc=lambda name, timeout=5: record)
    assert not dkim.verify(signed.replace(b"Subject: Talks", b"Subject: Forged"), dnsfunc=lambda name, timeout=5: record)
