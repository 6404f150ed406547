"""Sending digests to a real SMTP server (aiosmtpd on 127.0.0.1): exactly once, 4xx and 5xx, crashes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timezone

from masthead.build import load_settings
from masthead.config import site_config
from masthead.digest.send import send_digests
from masthead.digest.smtp import SMTPSender
from masthead.subscribers.store import SubscriberStore

from conftest import DEFAULT_MASTHEAD, THEME, Newsroom, link_token

NOW = datetime(2026, 11, 27, 12, tzinfo=timezone.utc)


def newsroom_with_readers(tmp_path, port, readers, database=None):
    masthead = {**DEFAULT_MASTHEAD, "digest": {
        "from": "The Gazette <digest@news.example>", "unsubscribe_url": "https://subscribe.news.example/unsubscribe",
        "smtp": {"host": "127.0.0.1", "port": port, "security": "none"}}}
    room = Newsroom(tmp_path / "room", site_url="https://news.example", masthead=masthead)
    room.author("jane-doe", "Jane Doe")
    room.article("one", title="\"Talks resume\\nin Doha\"", slug="one", date="2026-11-27T09:00+01:00")
    room.article("two", title="گفت‌وگوها از سر گرفته شد", slug="two", lang="fa", category="Europe",
                 date="2026-11-27T10:00+01:00")
    room.build(now=NOW)
    store = SubscriberStore(database or room.root / "subscribers.sqlite3")
    for address, fields in readers.items():
        from masthead.subscribers.model import Interests, subscriber_from
        store.add(subscriber_from({"email": address, **fields}, Interests(), "test"))
    return room, store


def send(room, store, port, dry_run=False, now=NOW):
    settings = load_settings(room.settings_file)
    config = site_config(settings)
    lines = []
    report = send_digests("daily", now, room.output, store, config, THEME,
                          lambda: SMTPSender("127.0.0.1", port, "none"), dry_run=dry_run, say=lines.append)
    return report, lines


def test_each_reader_gets_one_message_with_what_they_follow(tmp_path, smtp, database):
    port, server = smtp
    readers = {"all@example.org": {}, "europe@example.org": {"sections": ["Europe"]},
               "nothing@example.org": {"sections": ["Opinion"]}}
    room, store = newsroom_with_readers(tmp_path, port, readers, database)
    report, lines = send(room, store, port, dry_run=True)
    assert lines == [f"edition {report.edition} (daily, 2026-11-27): 3 active readers, 2 messages to send, "
                     "0 already sent, 1 with nothing new"]
    assert server.messages == []

    report, _ = send(room, store, port)
    assert report.sent == 2 and report.nothing_new == 1
    [everything] = server.to("all@example.org")
    assert everything["Subject"] == "The Test Gazette: 2 new stories"
    text = everything.get_body(("plain",)).get_content()
    assert "Talks resume in Doha" in text and "گفت‌وگوها از سر گرفته شد" in text
    token = link_token(store.get("all@example.org").token)
    assert everything["List-Unsubscribe"].startswith(f"<https://subscribe.news.example/unsubscribe?token={token}>")
    [europe] = server.to("europe@example.org")
    for address, message in (("all@example.org", everything), ("europe@example.org", europe)):
        body = message.get_body(("html",)).get_content()
        assert f"token={link_token(store.get(address).token)}" in body and "masthead-reader-token" not in body
    assert "Talks resume" not in europe.get_body(("plain",)).get_content()
    assert not server.to("nothing@example.org")

    again, _ = send(room, store, port)
    assert again.sent == 0 and again.skipped_already_sent == 2 and len(server.messages) == 2


def test_4xx_is_tried_again_on_the_next_run_and_5xx_bounces_after_the_limit(tmp_path, smtp, database):
    port, server = smtp
    room, store = newsroom_with_readers(tmp_path, port, {"tempfail-a@example.org": {}, "bounce-b@example.org": {},
                                                         "ok@example.org": {}}, database)
    report, _ = send(room, store, port)
    assert (report.sent, report.deferred, report.bounced) == (1, 1, 0)
    assert store.get("bounce-b@example.org").bounces == 1 and store.get("bounce-b@example.org").status == "active"
    again, _ = send(room, store, port)
    assert again.deferred == 1 and again.sent == 0  # the 4xx reader is tried again; the 5xx one is not
    store.db.execute("UPDATE subscribers SET bounces = 2 WHERE key = 'bounce-b@example.org'")
    tomorrow = datetime(2026, 11, 28, 12, tzinfo=timezone.utc)
    room.article("three", title="Next day", slug="three", date="2026-11-28T09:00+01:00")
    room.build(now=tomorrow)
    later, _ = send(room, store, port, now=tomorrow)
    assert later.bounced == 1 and store.get("bounce-b@example.org").status == "bounced"


def test_killed_mid_run_and_run_again_every_reader_gets_exactly_one(tmp_path, smtp, database):
    port, server = smtp
    readers = {f"reader{n:02d}@example.org": {} for n in range(12)}  # one shared body, twelve tokens
    room, store = newsroom_with_readers(tmp_path, port, readers, database)
    command = [sys.executable, "-c", "from masthead.cli import main; main()", "digest", "send",
               "--settings", str(room.settings_file), "--now", NOW.isoformat(), "--database", str(database)]
    server.hold_after(5)
    process = subprocess.Popen(command, cwd=room.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    assert server.holding.wait(60), process.communicate()
    # Kill once the five accepted messages are recorded: the moment between a server's 250 and
    # the journal's 'sent' is the one window the README documents, and it is not what this tests.
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if store.db.execute("SELECT COUNT(*) FROM deliveries WHERE state = 'sent'").fetchone()[0] == 5:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # dies while the server holds message 6, before accepting it
    process.wait()
    server.release()
    assert len(server.messages) == 5
    server.hold_after(None)
    finished = subprocess.run(command, cwd=room.root, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert "7 sent, 5 already sent" in finished.stdout
    for address in readers:
        [message] = server.to(address)
        assert link_token(store.get(address).token) in message["List-Unsubscribe"]


def test_preview_can_send_a_test_copy_that_is_not_recorded(tmp_path, smtp, monkeypatch):
    from click.testing import CliRunner

    from masthead.cli import main

    port, server = smtp
    room, store = newsroom_with_readers(tmp_path, port, {"reader@example.org": {}})
    store.close()
    monkeypatch.chdir(room.root)
    result = CliRunner().invoke(main, ["digest", "preview", "--settings", "pelicanconf.py", "--subscriber",
                                       "reader@example.org", "--now", NOW.isoformat(), "--send-test", "editor@example.org"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith("Sent a test copy to editor@example.org.\n")
    [copy] = server.to("editor@example.org")
    assert copy["To"] == "reader@example.org"  # exactly what the reader would get
    report, _ = send(room, SubscriberStore(room.root / "subscribers.sqlite3"), port)
    assert report.sent == 1  # the test did not count as the reader's delivery


def test_each_edition_is_on_the_site_and_the_email_links_to_it(tmp_path, smtp):
    from lxml import html as lxml_html

    port, server = smtp
    room, store = newsroom_with_readers(tmp_path, port, {"reader@example.org": {}})
    daily = lxml_html.fromstring((room.output / "digests/2026-11-27/index.html").read_bytes())
    assert daily.xpath("//h1/text()") == ["November 27, 2026"]  # CLDR English: a newsroom writing en-GB gets "27 November 2026"
    assert sorted(daily.xpath("//article//h3/a/@href")) == ["https://news.example/2026/11/one/",
                                                           "https://news.example/2026/11/two/"]
    assert daily.xpath("//link[@rel='canonical']/@href") == ["https://news.example/digests/2026-11-27/"]
    archive = lxml_html.fromstring((room.output / "digests/index.html").read_bytes())
    assert archive.xpath("//section[@aria-labelledby='editions-weekly']//a/@href") == [
        "https://news.example/digests/2026-W48/"]
    assert archive.xpath("//section[@aria-labelledby='editions-weekly']//a/text()") == ["Week 48, 2026"]
    weekly = lxml_html.fromstring((room.output / "digests/2026-W48/index.html").read_bytes())
    assert weekly.xpath("//h1/text()") == ["Week 48, 2026"]
    assert weekly.xpath("string(//meta[@name='description']/@content)").startswith("Week 48, 2026: 2 stories")
    assert archive.xpath("//section[@aria-labelledby='editions-daily']//a/@href") == [
        "https://news.example/digests/2026-11-27/"]
    send(room, store, port)
    [message] = server.to("reader@example.org")
    assert "View in your browser: https://news.example/digests/2026-11-27/" in message.get_body(("plain",)).get_content()
    assert 'href="https://news.example/digests/2026-11-27/"' in message.get_body(("html",)).get_content()


def test_a_server_that_cannot_be_used_stops_the_run_and_bounces_nobody(tmp_path, smtp, database):
    port, server = smtp
    room, store = newsroom_with_readers(tmp_path, port, {f"r{n}@example.org": {} for n in range(12)}, database)
    config = site_config(load_settings(room.settings_file))
    lines = []
    report = send_digests("daily", NOW, room.output, store, config, THEME,
                          lambda: SMTPSender("127.0.0.1", port, "starttls"), say=lines.append)
    assert report.sent == 0 and report.bounced == 0 and server.messages == []
    assert "STARTTLS extension not supported by server" in report.stopped and "set 'security'" in report.stopped
    assert all(store.get(f"r{n}@example.org").bounces == 0 for n in range(12))
    report = send_digests("daily", NOW, room.output, store, config, THEME,
                          lambda: SMTPSender("127.0.0.1", port, "none"), say=lines.append)
    assert report.sent == 12 and len(server.messages) == 12


def test_on_sqlite_a_second_sender_of_the_same_edition_is_refused_while_the_first_runs(tmp_path, smtp):
    port, server = smtp
    database = tmp_path / "subscribers.sqlite3"
    readers = {f"reader{n:02d}@example.org": {} for n in range(6)}
    room, store = newsroom_with_readers(tmp_path, port, readers, database)
    command = [sys.executable, "-c", "from masthead.cli import main; main()", "digest", "send",
               "--settings", str(room.settings_file), "--now", NOW.isoformat(), "--database", str(database)]
    server.hold_after(2)
    first = subprocess.Popen(command, cwd=room.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert server.holding.wait(60), first.communicate()
    second = subprocess.run(command, cwd=room.root, capture_output=True, text=True, timeout=120)
    assert second.returncode == 1
    assert "is already running" in second.stderr + second.stdout and "wait for it to finish" in second.stderr
    server.release()
    server.hold_after(None)
    out, err = first.communicate(timeout=120)  # the held messages were answered 451: deferred
    assert first.returncode == 0, err
    assert "2 sent, 0 already sent, 4 deferred" in out
    again = subprocess.run(command, cwd=room.root, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "4 sent, 2 already sent" in again.stdout  # the lock went with the first run
    for address in readers:
        assert len(server.to(address)) == 1


def test_on_postgresql_two_senders_split_the_readers_and_a_killed_one_is_taken_over(tmp_path, smtp, postgres):
    """Two `digest send` started together on 5,000 readers, one SIGKILLed mid-run, then a rerun:
    each reader gets the edition once (but for the documented window: messages the server accepted
    in the instant before the kill, before 'sent' was written, at most one per worker)."""
    import time

    port, server = smtp
    database = postgres.fresh_database()
    room, store = newsroom_with_readers(tmp_path, port, {}, database)
    readers = [f"reader{n:04d}@example.org" for n in range(5000)]
    from masthead.subscribers.model import Interests

    report = store.import_csv("email\n" + "\n".join(readers) + "\n", "readers.csv", Interests())
    assert report.added == 5000
    command = [sys.executable, "-c", "from masthead.cli import main; main()", "digest", "send",
               "--settings", str(room.settings_file), "--now", NOW.isoformat(), "--database", database]
    doomed = subprocess.Popen(command, cwd=room.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              start_new_session=True)
    other = subprocess.Popen(command, cwd=room.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(server.messages) < 1500 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(doomed.pid, signal.SIGKILL)
    doomed.wait()
    out, err = other.communicate(timeout=300)
    assert other.returncode == 0, err
    assert "taken by another sender" in out  # the two split the readers
    rerun = subprocess.run(command, cwd=room.root, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    received = {}
    for recipients, _ in server.messages:
        for address in recipients:
            received[address] = received.get(address, 0) + 1
    assert sorted(received) == readers  # everyone got the edition
    assert sum(count - 1 for count in received.values()) <= 4  # the window: one per worker of the killed sender
    again = subprocess.run(command, cwd=room.root, capture_output=True, text=True, timeout=300)
    assert "0 sent, 5000 already sent" in again.stdout


def test_a_digest_is_refused_when_the_build_was_for_another_site(tmp_path, smtp):
    """A local build sent with the production settings (or the other way round) mails nobody."""
    from click.testing import CliRunner

    from masthead.cli import main

    port, server = smtp
    room, store = newsroom_with_readers(tmp_path, port, {"all@example.org": {}})
    production = room.root / "publishconf.py"
    production.write_text(room.settings_file.read_text().replace("https://news.example", "https://www.news.example"))
    for command in (["digest", "send"], ["digest", "preview", "--subscriber", "all@example.org"]):
        result = CliRunner().invoke(main, [*command, "--settings", str(production), "--now", NOW.isoformat()])
        assert result.exit_code == 1, result.output
        assert f"{room.output} was built for https://news.example, but these settings are for " \
               "https://www.news.example: nothing was sent" in result.output
    assert server.messages == [] and not (tmp_path / "digest-preview").exists()
    report, _ = send(room, store, port, dry_run=True)  # the journal holds nothing: the right settings send all
    assert report.skipped_already_sent == 0


def test_a_new_readers_first_digest_carries_the_whole_period_before_it(tmp_path, smtp):
    """Subscribed in the afternoon, they get the next morning's edition with the day's stories,
    the ones sent to others before they subscribed included, like every later edition."""
    from masthead.subscribers.model import Interests, subscriber_from

    port, server = smtp
    room, store = newsroom_with_readers(tmp_path, port, {"old@example.org": {}})
    send(room, store, port, now=NOW)  # the 27th's edition, before the new reader came
    room.article("three", title="Evening", slug="three", date="2026-11-27T20:00+01:00")
    morning = datetime(2026, 11, 28, 6, tzinfo=timezone.utc)
    room.build(now=morning)
    store.add(subscriber_from({"email": "new@example.org"}, Interests(), "test"))  # the afternoon of the 27th
    report, _ = send(room, store, port, now=morning)
    assert report.sent == 2
    [first] = server.to("new@example.org")
    text = first.get_body(("plain",)).get_content()
    assert first["Subject"] == "The Test Gazette: 3 new stories"
    assert "Evening" in text and "Talks resume in Doha" in text and "گفت‌وگوها" in text
    [_, second] = server.to("old@example.org")
    assert second["Subject"] == "The Test Gazette: 1 new story"  # the others get what is new since theirs


def test_a_persian_readers_digest_speaks_persian_around_the_stories(tmp_path, smtp):
    """Subject count, its plural form and digits, and the unsubscribe and preferences words come
    from the catalogs in the reader's language."""
    port, server = smtp
    room, store = newsroom_with_readers(tmp_path, port, {"fa@example.org": {"language": "fa"}})
    report, _ = send(room, store, port)
    assert report.sent == 1
    [message] = server.to("fa@example.org")
    assert message["Subject"] == "The Test Gazette: ۱ خبر تازه"
    text = message.get_body(("plain",)).get_content()
    assert "لغو اشتراک: https://subscribe.news.example/unsubscribe?token=" in text and "Unsubscribe" not in text
    html = message.get_body(("html",)).get_content()
    assert ">لغو اشتراک</a>" in html


def test_mail_rcpt_and_data_go_in_one_write_where_the_server_offers_pipelining(tmp_path):
    """RFC 2920: two round trips a message instead of four; refusals sorted as before, and a
    server without PIPELINING gets one command at a time."""
    from smtp_server import start_smtp

    for pipelining in (True, False):
        controller, server, port = start_smtp(pipelining=pipelining)
        try:
            readers = {"ok@example.org": {}, "also@example.org": {}, "bounce-b@example.org": {},
                       "tempfail-a@example.org": {}}
            room, store = newsroom_with_readers(tmp_path / str(pipelining), port, readers)
            report, _ = send(room, store, port)
            assert (report.sent, report.deferred) == (2, 1) and store.get("bounce-b@example.org").bounces == 1
            assert sorted(rcpts[0] for rcpts, _ in server.messages) == ["also@example.org", "ok@example.org"]
            dotted = b"From: a@news.example\r\nTo: ok@example.org\r\nSubject: dots\r\n\r\n.\r\n.hidden\r\n..two\r\n"
            direct = SMTPSender("127.0.0.1", port, "none")
            direct.send(dotted, "a@news.example", "ok@example.org")
            direct.close()
            assert server.received[-1].replace(b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n") == dotted  # every dot kept
            # every MAIL came with its RCPT and DATA (the refused ones too) only when offered
            assert server.pipelined == (5 if pipelining else 0)
        finally:
            controller.stop()
