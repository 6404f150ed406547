"""Addresses and names as readers really have them, against a real SMTP server (aiosmtpd):
internationalized addresses (RFC 6531/6532), overlong names (RFC 5322's 998), and a failure that
concerns one reader costing that reader only."""

from __future__ import annotations

import signal
from email import policy
from email.parser import Parser

import pytest

from masthead.build import load_settings
from masthead.config import site_config
from masthead.digest import send as send_module
from masthead.digest.send import send_digests
from masthead.digest.ses import SESSender
from masthead.digest.smtp import SMTPSender, Undeliverable
from masthead.errors import ContentError
from masthead.subscribers.model import Interests, subscriber_from, transport_address

from conftest import THEME
from test_digest_send import NOW, newsroom_with_readers, send


@pytest.fixture
def smtputf8():
    """aiosmtpd offering SMTPUTF8."""
    from smtp_server import start_smtp

    controller, recorder, port = start_smtp(smtputf8=True)
    yield port, recorder
    controller.stop()


def run_with_timeout(function, seconds=60):
    """Run `function`; a hang fails the test (SIGALRM) instead of stopping the suite."""
    def hung(*_):
        raise TimeoutError("the digest run hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        return function()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


READERS = {"before@example.org": {}, "josé@example.org": {"name": "José"}, "reader@bücher.example": {},
           "after@example.org": {}}


def test_without_smtputf8_an_internationalized_address_fails_alone_and_the_run_goes_on(tmp_path, smtp):
    port, server = smtp
    room, store = newsroom_with_readers(tmp_path, port, READERS)
    report, lines = run_with_timeout(lambda: send(room, store, port))
    assert (report.sent, report.undeliverable, report.bounced) == (3, 1, 0)
    assert sorted(r for rcpts, _ in server.messages for r in rcpts) == [
        "after@example.org", "before@example.org", "reader@xn--bcher-kva.example"]  # the domain in Punycode
    [refused] = report.errors
    assert refused == (f"josé@example.org: the address needs SMTPUTF8 (RFC 6531), which 127.0.0.1:{port} does "
                       "not offer: use a relay that does, or ask the reader for another address")
    row = store.db.execute("SELECT state, error FROM deliveries WHERE key = 'josé@example.org'").fetchone()
    assert row["state"] == "failed" and "SMTPUTF8" in row["error"]
    assert store.get("josé@example.org").bounces == 0 and store.get("josé@example.org").status == "active"
    assert lines[-1].endswith("0 bounced, 1 undeliverable, 0 with nothing new")
    again, _ = send(room, store, port)
    assert again.sent == 0 and again.skipped_already_sent == 4  # recorded: not tried again this edition


def test_with_smtputf8_an_internationalized_address_gets_its_digest(tmp_path, smtputf8):
    port, server = smtputf8
    room, store = newsroom_with_readers(tmp_path, port, READERS)
    report, _ = run_with_timeout(lambda: send(room, store, port))
    assert (report.sent, report.undeliverable) == (4, 0)
    [received] = server.to("josé@example.org")
    message = Parser(policy=policy.default).parsestr(received.as_bytes().decode("utf-8"))  # RFC 6532: UTF-8 headers
    assert message["To"] == "José <josé@example.org>"
    assert message["To"].addresses[0].username == "josé"
    assert "token=" in message.get_body(("plain",)).get_content()


def test_ses_refuses_a_non_ascii_local_part_before_calling_aws():
    sender = SESSender.__new__(SESSender)  # no client: nothing may be sent
    with pytest.raises(Undeliverable, match="Amazon SES does not accept addresses with non-ASCII characters"):
        sender.send(b"", "digest@news.example", "josé@example.org")


def test_with_ses_import_and_add_refuse_what_ses_cannot_deliver():
    with pytest.raises(ContentError) as caught:
        subscriber_from({"email": "josé@example.org"}, Interests(unicode_local_parts=False), "readers.csv", 3)
    assert str(caught.value) == (
        "readers.csv:3: email: expected an address with only ASCII letters before the @ (this newsroom's mail "
        "goes through Amazon SES, which delivers to no other), found 'josé@example.org'")
    assert subscriber_from({"email": "reader@bücher.example"}, Interests(unicode_local_parts=False), "x").email \
        == "reader@bücher.example"
    assert transport_address("reader@bücher.example") == "reader@xn--bcher-kva.example"
    assert transport_address("josé@bücher.example") == "josé@bücher.example"


def test_an_unexpected_error_in_a_worker_stops_the_run_with_a_message(tmp_path, smtp, monkeypatch):
    port, server = smtp
    room, store = newsroom_with_readers(tmp_path, port, {f"r{n}@example.org": {} for n in range(10)})

    class Broken(SMTPSender):
        def send(self, message, sender, recipient):
            if recipient == "r3@example.org":
                raise KeyError("a bug")
            super().send(message, sender, recipient)

    config = site_config(load_settings(room.settings_file))
    lines = []
    report = run_with_timeout(lambda: send_digests(
        "daily", NOW, room.output, store, config, THEME, lambda: Broken("127.0.0.1", port, "none"),
        workers=2, say=lines.append))
    assert report.stopped == "unexpected error while sending to r3@example.org: KeyError: 'a bug'"
    assert "stopped: unexpected error while sending to r3@example.org: KeyError: 'a bug'" in lines
    states = dict(store.db.execute("SELECT key, state FROM deliveries").fetchall())
    assert states["r3@example.org"] == "sending"  # not known to be sent: the next run sends it
    assert len(server.messages) == report.sent < 10
    finished = run_with_timeout(lambda: send(room, store, port)[0])
    assert finished.sent == 10 - report.sent and len(server.messages) == 10


def test_an_error_while_building_a_message_stops_the_run_without_hanging(tmp_path, smtp, monkeypatch):
    port, server = smtp
    room, store = newsroom_with_readers(tmp_path, port, {f"r{n}@example.org": {} for n in range(6)})
    built = send_module.build_message
    count = {"n": 0}

    def failing(*args, **kwargs):
        count["n"] += 1
        if count["n"] == 3:
            raise ValueError("cannot build")
        return built(*args, **kwargs)

    monkeypatch.setattr(send_module, "build_message", failing)
    report, _ = run_with_timeout(lambda: send(room, store, port))
    assert report.stopped == "unexpected error while preparing a message: ValueError: cannot build"
    assert report.sent + report.deferred == 2 and len(server.messages) == report.sent  # the two queued before
    monkeypatch.setattr(send_module, "build_message", built)
    finished, _ = run_with_timeout(lambda: send(room, store, port))
    assert finished.sent == 6 - report.sent and sorted(r for rcpts, _ in server.messages for r in rcpts) == [
        f"r{n}@example.org" for n in range(6)]  # each exactly once


def test_a_long_name_is_cut_and_every_header_line_stays_short(tmp_path, smtp):
    port, server = smtp
    long_name = " ".join(["Reader"] * 400)  # 2,799 characters
    persian = "خواننده " * 300
    room, store = newsroom_with_readers(tmp_path, port, {"long@example.org": {"name": long_name},
                                                         "fa@example.org": {"name": persian},
                                                         "word@example.org": {"name": "x" * 2000}})
    settings = room.settings_file.read_text().replace("'from': 'The Gazette <digest@news.example>'",
                                                      "'subject': '" + "Very long subject " * 30 + "{count}'")
    room.settings_file.write_text(settings)
    report, _ = run_with_timeout(lambda: send(room, store, port))
    assert report.sent == 3 and report.bounced == 0
    for raw in server.received:
        head = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
        assert max(len(line) for line in head) <= 998  # RFC 5322 2.1.1
        to = head[next(n for n, line in enumerate(head) if line.startswith(b"To:")):]
        to = to[:1 + next(n for n, line in enumerate(to[1:]) if not line.startswith(b" "))]
        if b"word@" not in b"".join(to):  # names with spaces fold at the recommended 78
            assert len(to) > 2 and max(map(len, to)) <= 78
    [long] = server.to("long@example.org")
    assert str(long["To"]).startswith("Reader Reader") and len(long["To"].addresses[0].display_name) == 200
    assert long["Subject"].startswith("Very long subject Very long subject")
    [fa] = server.to("fa@example.org")
    assert fa["To"].addresses[0].display_name == persian.strip()[:200].strip() or \
        fa["To"].addresses[0].display_name.startswith("خواننده")
