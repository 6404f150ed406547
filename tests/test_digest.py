"""Digests: selection from the manifest, and the message a subscriber would get (parsed back)."""

from __future__ import annotations

import email
from datetime import datetime, timedelta, timezone
from email import policy

import pytest
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
    """An RSA and an Ed25519 signature (RFC 8463), each verified by dkimpy; a changed header or a
    changed body fails both."""
    import base64

    import dkim
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    from masthead.digest.dkim_sign import DkimSigner

    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ed_key = ed25519.Ed25519PrivateKey.generate()
    for name, key in (("rsa.pem", rsa_key), ("ed.pem", ed_key)):
        (tmp_path / name).write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                        serialization.NoEncryption()))
    records = {
        b"mh._domainkey.news.example.": b"v=DKIM1; k=rsa; p=" + base64.b64encode(rsa_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)),
        b"ed._domainkey.news.example.": b"v=DKIM1; k=ed25519; p=" + base64.b64encode(ed_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)),
    }

    def dns(name, timeout=5):
        return records[name]

    def verifies(message: bytes, index: int) -> bool:
        try:
            return dkim.DKIM(message).verify(idx=index, dnsfunc=dns)
        except dkim.ValidationError:
            return False

    signer = DkimSigner.from_settings({"domain": "news.example", "keys": [
        {"selector": "mh", "key_file": str(tmp_path / "rsa.pem")},
        {"selector": "ed", "key_file": str(tmp_path / "ed.pem")}]})
    selection = select_for(ARTICLES, *window("daily", NOW, None))
    signed = signer.sign(build_message(selection, edition="e", subject="Talks", to=("r@example.org", "R"),
                                       token="t", sender=sender(), lang="en", when=NOW, theme=THEME))
    headers = email.message_from_bytes(signed, policy=policy.default).get_all("DKIM-Signature")
    assert [h.split("a=")[1].split(";")[0] for h in headers] == ["rsa-sha256", "ed25519-sha256"]
    signed_headers = headers[0].split("h=")[1].split(";")[0].replace(" ", "").lower().split(":")
    for name in ("from", "to", "subject", "date", "list-unsubscribe", "list-unsubscribe-post"):
        assert name in signed_headers, name
    for index in range(2):  # each signature on its own
        assert verifies(signed, index), index
        assert not verifies(signed.replace(b"Subject: Talks", b"Subject: Forged"), index)
        body_at = signed.index(b"\r\n\r\n") + 200
        tampered = signed[:body_at] + (b"X" if signed[body_at:body_at + 1] != b"X" else b"Y") + signed[body_at + 1:]
        assert not verifies(tampered, index)  # one byte of the body changed
    single = DkimSigner.from_settings({"selector": "mh", "domain": "news.example", "key_file": str(tmp_path / "rsa.pem")})
    assert dkim.verify(single.sign(b"From: a@news.example\r\nTo: b@example.org\r\nSubject:  a   b \r\n\r\n"
                                   b"Body  line \r\n\r\n\r\n"), dnsfunc=dns)  # white space, empty lines


def test_a_dkim_key_that_cannot_sign_is_one_line(tmp_path):
    from masthead.digest.dkim_sign import DkimSigner
    from masthead.errors import MastheadError

    (tmp_path / "bad.pem").write_text("not a key")
    with pytest.raises(MastheadError, match=r"bad.pem: not an unencrypted PEM private key .*openssl genpkey"):
        DkimSigner.from_settings({"selector": "s", "domain": "d.example", "key_file": str(tmp_path / "bad.pem")})
    with pytest.raises(MastheadError, match=r"needs selector \(key 1\)"):
        DkimSigner.from_settings({"domain": "d.example", "keys": [{"key_file": "x"}]})




def test_relaxed_canonicalization_is_dkimpys_on_any_white_space():
    """The body and header rules of RFC 6376 3.4, against dkimpy's own, on random white space."""
    import random

    from dkim.canonicalization import Relaxed

    from masthead.digest.dkim_sign import relaxed_body, relaxed_header

    pick = random.Random(6376)
    for _ in range(3000):
        text = bytes(pick.choice(b"ab \t\n") for _ in range(pick.randint(0, 40))).replace(b"\n", b"\r\n")
        assert relaxed_body(text) == Relaxed.canonicalize_body(text), text
        value = text.replace(b"\r\n", b"\r\n ")  # folded header lines continue with white space
        [(name, canonical)] = Relaxed.canonicalize_headers([(b"Subject", value)])
        assert relaxed_header(b"Subject", value) == name + b":" + canonical, value
