"""Bounce and complaint reports from a bounce mailbox (maildir and mbox), as real mail servers write
them (Postfix, Exim, Gmail, Microsoft; ARF from a feedback loop), applied once to the readers
masthead mailed: digests sent to aiosmtpd, reports dropped into the mailbox, applied twice, and
the next digest skips exactly the readers who bounced or complained."""

from __future__ import annotations

import mailbox
from datetime import datetime, timezone

from click.testing import CliRunner

from masthead.cli import main
from masthead.subscribers.reports import digest_edition, read_report

from test_digest_send import NOW, newsroom_with_readers, send

BOUNDARY = "report-boundary-01"


def headers_of(message) -> str:
    """The sent digest's header block, as a bounce quotes it."""
    return "".join(f"{name}: {value}\r\n" for name, value in message.items())


def dsn(style: str, recipient: str, original: str, status: str = "5.1.1", action: str = "failed",
        report_id: str = "") -> bytes:
    """A delivery status notification as each server writes one (RFC 3464, multipart/report)."""
    explanation = {
        "postfix": "This is the mail system at host mx.example.net.\r\n\r\nI'm sorry to have to inform you that "
                   "your message could not\r\nbe delivered to one or more recipients.\r\n",
        "exim": "This message was created automatically by mail delivery software.\r\n\r\nA message that you sent "
                "could not be delivered to one or more of its\r\nrecipients. This is a permanent error.\r\n",
        "gmail": "** Address not found **\r\n\r\nYour message wasn't delivered to " + recipient + "\r\n",
        "microsoft": "Delivery has failed to these recipients or groups:\r\n\r\n" + recipient + "\r\n",
    }[style]
    per_message = {"postfix": "Reporting-MTA: dns; mx.example.net\r\nX-Postfix-Queue-ID: 4Fb2k\r\n",
                   "exim": "Reporting-MTA: dns; mx2.example.net\r\n",
                   "gmail": "Reporting-MTA: dns; googlemail.com\r\nArrival-Date: Fri, 27 Nov 2026 12:00:01 -0800\r\n",
                   "microsoft": "Reporting-MTA: dns;AM9PR01MB1234.eurprd01.prod.outlook.com\r\n"}[style]
    recipient_field = ("Final-recipient: RFC822;" if style == "microsoft" else "Final-Recipient: rfc822; ")
    quoted_type = "message/rfc822" if style in ("exim", "gmail") else "text/rfc822-headers"
    quoted = original + ("\r\nThe digest's text.\r\n" if quoted_type == "message/rfc822" else "")
    return (f"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
            f"To: digest@news.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
            f"Message-ID: {report_id or f'<{style}-{recipient}-{status}@mx.example.net>'}\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;\r\n"
            f"\tboundary=\"{BOUNDARY}\"\r\n\r\n"
            f"--{BOUNDARY}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n{explanation}\r\n"
            f"--{BOUNDARY}\r\nContent-Type: message/delivery-status\r\n\r\n{per_message}\r\n"
            f"{recipient_field}{recipient}\r\nAction: {action}\r\nStatus: {status}\r\n"
            f"Diagnostic-Code: smtp; 550 {status} <{recipient}>: Recipient address rejected\r\n\r\n"
            f"--{BOUNDARY}\r\nContent-Type: {quoted_type}\r\n\r\n{quoted}\r\n--{BOUNDARY}--\r\n").encode()


def arf(recipient: str, original: str) -> bytes:
    """A complaint from a feedback loop (RFC 5965), as Yahoo writes one (the recipient redacted)."""
    return (f"From: Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.example>\r\nTo: digest@news.example\r\n"
            f"Subject: FW: digest\r\nMessage-ID: <arf-{recipient}@arf.mail.example>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/report; report-type=feedback-report; boundary=\"{BOUNDARY}\"\r\n\r\n"
            f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nThis is an email abuse report.\r\n\r\n"
            f"--{BOUNDARY}\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\n"
            f"User-Agent: Yahoo!-Mail-Feedback/2.0\r\nVersion: 1\r\nOriginal-Mail-From: <digest@news.example>\r\n"
            f"Arrival-Date: Fri, 27 Nov 2026 12:00:05 +0000\r\n\r\n"
            f"--{BOUNDARY}\r\nContent-Type: message/rfc822\r\n\r\n{original}\r\nThe digest.\r\n"
            f"--{BOUNDARY}--\r\n").encode()


OUT_OF_OFFICE = (b"From: reader@example.org\r\nTo: digest@news.example\r\nSubject: Out of office\r\n"
                 b"Auto-Submitted: auto-replied\r\nMessage-ID: <ooo@example.org>\r\n\r\nI am away until Monday.\r\n")
SPAM = (b"From: winner@lottery.example\r\nTo: digest@news.example\r\nSubject: You won\r\nMessage-ID: <spam@x>\r\n"
        b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nClaim it.\r\n--x--\r\n")


def test_each_servers_report_is_read_as_what_it_says():
    original = "From: The Gazette <digest@news.example>\r\nTo: r@example.org\r\nMessage-ID: " \
               "<daily-20261127-0123456789ab.0123456789abcdef@news.example>\r\n"
    for style in ("postfix", "exim", "gmail", "microsoft"):
        [found] = read_report(dsn(style, "r@example.org", original))
        assert (found.kind, found.recipient, found.detail) == ("permanent", "r@example.org", "5.1.1"), style
        assert digest_edition(found.original_id) == "daily-20261127-0123456789ab", style
    [delayed] = read_report(dsn("postfix", "r@example.org", original, "4.4.7", "delayed"))
    assert delayed.kind == "transient"
    [complaint] = read_report(arf("r@example.org", original))
    assert (complaint.kind, complaint.recipient, complaint.detail) == ("complaint", "r@example.org", "abuse")
    assert read_report(OUT_OF_OFFICE) is None and read_report(SPAM) is None
    assert read_report(b"\xff\xfe not a message at all") is None


def test_reports_in_the_mailbox_bounce_and_unsubscribe_once_and_the_next_digest_skips_them(tmp_path, smtp):
    port, server = smtp
    readers = {name: {} for name in ("gone@example.org", "full@example.org", "angry@example.org",
                                     "slow@example.org", "fine@example.org")}
    room, store = newsroom_with_readers(tmp_path, port, readers)
    store.db.execute("UPDATE subscribers SET bounces = 2 WHERE key = 'full@example.org'")  # at the limit next
    report, _ = send(room, store, port)
    assert report.sent == 5
    sent = {message["To"]: headers_of(message) for _, message in server.messages}
    folder = tmp_path / "bounces"
    box = mailbox.Maildir(str(folder), create=True)
    for data in (dsn("postfix", "gone@example.org", sent["gone@example.org"]),
                 dsn("microsoft", "full@example.org", sent["full@example.org"], "5.2.2"),
                 arf("angry@example.org", sent["angry@example.org"]),
                 dsn("gmail", "slow@example.org", sent["slow@example.org"], "4.2.2", "delayed"),
                 dsn("exim", "fine@example.org", sent["fine@example.org"].replace("Message-ID", "X-Was")),  # no id
                 dsn("postfix", "stranger@example.org", sent["gone@example.org"]),  # someone we never mailed
                 OUT_OF_OFFICE, SPAM):
        box.add(data)
    command = ["subscribers", "--settings", str(room.settings_file), "bounces", "--maildir", str(folder)]
    first = CliRunner().invoke(main, command, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert first.output.strip() == (
        "Read 8 messages: 2 permanent failures (1 reader now bounced), 1 transient (counted, not acted on), "
        "1 complaint (unsubscribed at once); 0 already counted; left alone: 2 about no digest sent to that "
        "reader, 2 messages that are no reports.")
    statuses = {address: store.get(address).status for address in readers}
    assert statuses == {"gone@example.org": "active", "full@example.org": "bounced", "angry@example.org":
                        "unsubscribed", "slow@example.org": "active", "fine@example.org": "active"}
    assert store.get("gone@example.org").bounces == 1 and store.get("slow@example.org").bounces == 0
    seen = sorted(bool("S" in message.get_flags()) for message in mailbox.Maildir(str(folder), create=False))
    assert seen == [False] * 4 + [True] * 4  # the applied reports; the rest left as they were

    again = CliRunner().invoke(main, command, catch_exceptions=False)
    assert "0 permanent failures" in again.output and "4 already counted" in again.output
    assert store.get("gone@example.org").bounces == 1  # nothing counted twice

    (tmp_path / "list.csv").write_text("email\nangry@example.org\n")
    imported = CliRunner().invoke(main, ["subscribers", "--settings", str(room.settings_file), "import",
                                         str(tmp_path / "list.csv")])
    assert imported.exit_code == 0, imported.output
    assert store.get("angry@example.org").status == "unsubscribed"  # a complaint is never re-imported

    tomorrow = datetime(2026, 11, 28, 12, tzinfo=timezone.utc)
    room.article("three", title="Next day", slug="three", date="2026-11-28T09:00+01:00")
    room.build(now=tomorrow)
    before = len(server.messages)
    send(room, store, port, now=tomorrow)
    assert sorted(rcpts[0] for rcpts, _ in server.messages[before:]) == [
        "fine@example.org", "gone@example.org", "slow@example.org"]


def test_an_mbox_and_bad_mailboxes(tmp_path, smtp, database):
    port, server = smtp
    room, store = newsroom_with_readers(tmp_path, port, {"gone@example.org": {}}, database)
    send(room, store, port)
    [(_, message)] = server.messages
    path = tmp_path / "bounces.mbox"
    box = mailbox.mbox(str(path))
    box.add(dsn("exim", "gone@example.org", headers_of(message)))
    box.flush()
    settings = ["subscribers", "--settings", str(room.settings_file), "--database", str(database or
                                                                                       room.root / "subscribers.sqlite3")]
    done = CliRunner().invoke(main, [*settings, "bounces", "--mbox", str(path)])
    assert "1 permanent failure " in done.output, done.output
    assert store.get("gone@example.org").bounces == 1
    missing = CliRunner().invoke(main, [*settings, "bounces", "--mbox", str(tmp_path / "none.mbox")])
    assert missing.exit_code == 1 and "none.mbox not found" in missing.output
    neither = CliRunner().invoke(main, [*settings, "bounces"])
    assert neither.exit_code == 1 and "name one bounce mailbox: --imap imaps://USER@HOST/INBOX, --maildir DIR or --mbox FILE" in \
        neither.output
    (tmp_path / "plain").mkdir()
    not_maildir = CliRunner().invoke(main, [*settings, "bounces", "--maildir", str(tmp_path / "plain")])
    assert not_maildir.exit_code == 1 and "is not a maildir (it needs cur/ and new/ folders)" in not_maildir.output


def test_verp_addresses_name_their_digest_and_nobody_can_make_one():
    from masthead.digest.verp import verp_address, verp_message_id

    secret = "s" * 40
    message_id = "<weekly-20261127-0123456789ab.0123456789abcdef@news.example>"
    address = verp_address("bounces@mail.news.example", message_id, secret)
    assert address.startswith("bounces+weekly-20261127-0123456789ab.0123456789abcdef.")
    assert address.endswith("@mail.news.example") and len(address.split("@")[0]) <= 64  # RFC 5321's limit
    assert verp_message_id(address, "bounces@mail.news.example", secret, "news.example") == message_id
    assert verp_message_id(address.upper(), "bounces@mail.news.example", secret, "news.example") == message_id
    mac = address.split("@")[0].rsplit(".", 1)[1]
    forged = address.replace("." + mac + "@", ".aaaaaaaa@" if mac != "aaaaaaaa" else ".bbbbbbbb@")  # another MAC
    assert verp_message_id(forged, "bounces@mail.news.example", secret, "news.example") is None
    assert verp_message_id(address, "bounces@mail.news.example", "t" * 40, "news.example") is None  # other secret
    assert verp_message_id(address, "returns@mail.news.example", secret, "news.example") is None
    assert verp_message_id("reader@example.org", "bounces@mail.news.example", secret, "news.example") is None


def test_with_a_return_path_each_digest_bounces_to_its_own_address_and_its_report_needs_no_quote(
        tmp_path, smtp, monkeypatch):
    from conftest import SUBSCRIPTION_SECRET

    port, server = smtp
    monkeypatch.setenv("MASTHEAD_SUBSCRIPTION_SECRET", SUBSCRIPTION_SECRET)
    room, store = newsroom_with_readers(tmp_path, port, {"gone@example.org": {}, "fine@example.org": {}})
    settings = room.settings_file.read_text()
    room.settings_file.write_text(settings + '\nMASTHEAD["digest"]["return_path"] = "bounces@news.example"\n')
    from masthead.build import load_settings
    from masthead.config import site_config
    from masthead.digest.send import send_digests
    from masthead.digest.smtp import SMTPSender

    from conftest import THEME

    config = site_config(load_settings(room.settings_file))
    send_digests("daily", NOW, room.output, store, config, THEME, lambda: SMTPSender("127.0.0.1", port, "none"),
                 say=lambda line: None)
    senders = dict(zip((rcpts[0] for rcpts, _ in server.messages), server.envelope_senders))
    assert all(s.startswith("bounces+daily-") and s.endswith("@news.example") for s in senders.values()), senders
    assert len(set(senders.values())) == 2  # one return path per reader
    assert all(m["From"] == "The Gazette <digest@news.example>" for _, m in server.messages)  # From unchanged

    folder = tmp_path / "bounces"
    box = mailbox.Maildir(str(folder), create=True)
    unquoted = dsn("postfix", "gone@example.org", "Subject: (headers not kept)\r\n")  # no Message-ID quoted
    box.add(unquoted.replace(b"To: digest@news.example", b"X-Original-To: " + senders["gone@example.org"].encode()
                             + b"\r\nTo: digest@news.example"))
    local = senders["fine@example.org"].split("@")[0]
    tampered = local[:-1] + ("a" if local[-1] != "a" else "b") + "@news.example"  # one letter of its MAC
    box.add(dsn("postfix", "fine@example.org", "Subject: x\r\n").replace(
        b"To: digest@news.example", b"Delivered-To: " + tampered.encode()))
    store.db.execute("UPDATE subscribers SET bounces = 2 WHERE key = 'gone@example.org'")  # two earlier refusals
    done = CliRunner().invoke(main, ["subscribers", "--settings", str(room.settings_file), "bounces", "--maildir",
                                     str(folder)], catch_exceptions=False)
    assert "1 permanent failure (1 reader now bounced)" in done.output
    assert "1 about no digest sent to that reader" in done.output
    assert store.get("gone@example.org").status == "bounced" and store.get("fine@example.org").bounces == 0
    again = CliRunner().invoke(main, ["subscribers", "--settings", str(room.settings_file), "bounces", "--maildir",
                                      str(folder)], catch_exceptions=False)
    assert "1 already counted" in again.output and store.get("gone@example.org").bounces == 3

    tomorrow = datetime(2026, 11, 28, 12, tzinfo=timezone.utc)
    room.article("three", title="Next day", slug="three", date="2026-11-28T09:00+01:00")
    room.build(now=tomorrow)
    before = len(server.messages)
    send_digests("daily", tomorrow, room.output, store, config, THEME, lambda: SMTPSender("127.0.0.1", port, "none"),
                 say=lambda line: None)
    assert [rcpts[0] for rcpts, _ in server.messages[before:]] == ["fine@example.org"]  # the bounced one skipped


def test_rates_are_told_beside_the_providers_thresholds(tmp_path, smtp, database):
    from masthead.subscribers.rates import Rates

    assert Rates("x", 10_000, 100, 5, 20).warnings() == [
        "x: complaint rate 0.20%, over the 0.1% Gmail and Yahoo advise (and SES reviews at)"]
    assert Rates("x", 1_000, 60, 0, 4).warnings() == [
        "x: complaint rate 0.40%, over the 0.3% Gmail and Yahoo allow bulk senders",
        "x: bounce rate 6.00%, over the 5% at which Amazon SES reviews a sender"]
    assert Rates("x", 0, 0, 0, 0).warnings() == [] and Rates("x", 5_000, 10, 3, 2).warnings() == []

    port, server = smtp
    room, store = newsroom_with_readers(tmp_path, port, {f"r{n}@example.org": {} for n in range(4)}, database)
    report, _ = send(room, store, port)
    [message] = [m for rcpts, m in server.messages if rcpts == ["r0@example.org"]]
    store.apply_report("<arf@fbl.example>", "r0@example.org", "complaint", message["Message-ID"], 3)
    [other] = [m for rcpts, m in server.messages if rcpts == ["r1@example.org"]]
    store.apply_report("<dsn@mx.example>", "r1@example.org", "permanent", other["Message-ID"], 3)
    settings = ["subscribers", "--settings", str(room.settings_file), "--database",
                str(database or room.root / "subscribers.sqlite3")]
    stats = CliRunner().invoke(main, [*settings, "stats", "--now", NOW.isoformat()],
                               catch_exceptions=False).output.splitlines()
    assert stats[1].split() == [report.edition, "4", "1", "0", "1", "25.00%", "25.000%"]
    assert stats[2].split()[:7] == ["last", "30", "days", "4", "1", "0", "1"]
    assert "unsubscribes in the period: 1" in stats
    assert "warning: last 30 days: complaint rate 25.00%, over the 0.3% Gmail and Yahoo allow bulk senders" in stats
    one = CliRunner().invoke(main, [*settings, "stats", "--edition", report.edition]).output
    assert report.edition in one and "last 30 days" not in one
    missing = CliRunner().invoke(main, [*settings, "stats", "--edition", "daily-20000101-000000000000"])
    assert missing.exit_code == 1 and "no edition 'daily-20000101-000000000000' in the delivery journal" in \
        missing.output


def test_an_imap_bounce_mailbox_is_read_and_applied_reports_are_flagged_seen(tmp_path, smtp, imap, monkeypatch):
    """Dovecot holds the bounce mailbox: reports, an out-of-office reply and spam delivered to it;
    two runs, each report applied once; the others left unseen. (imap:// upgraded with STARTTLS.)"""
    from dovecot import PASSWORD

    monkeypatch.setenv("SSL_CERT_FILE", str(imap.ca_file))  # trusts the test's certificate authority
    port, server = smtp
    room, store = newsroom_with_readers(tmp_path, port, {"gone@example.org": {}, "angry@example.org": {}})
    send(room, store, port)
    sent = {message["To"]: headers_of(message) for _, message in server.messages}
    for data in (dsn("gmail", "gone@example.org", sent["gone@example.org"]),
                 arf("angry@example.org", sent["angry@example.org"]), OUT_OF_OFFICE, SPAM):
        imap.deliver(data)
    command = ["subscribers", "--settings", str(room.settings_file), "bounces", "--imap", imap.url]
    unset = CliRunner().invoke(main, command)
    assert unset.exit_code == 1 and "MASTHEAD_IMAP_PASSWORD is empty" in unset.output
    monkeypatch.setenv("MASTHEAD_IMAP_PASSWORD", "wrong")
    refused = CliRunner().invoke(main, command)
    assert refused.exit_code == 1 and "the bounce mailbox at 127.0.0.1:" in refused.output \
        and "cannot be read" in refused.output

    monkeypatch.setenv("MASTHEAD_IMAP_PASSWORD", PASSWORD)
    first = CliRunner().invoke(main, command, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "Read 4 messages: 1 permanent failure " in first.output and "1 complaint " in first.output
    assert "2 messages that are no reports" in first.output
    assert store.get("gone@example.org").bounces == 1 and store.get("angry@example.org").status == "unsubscribed"
    assert [("\\Seen" in flags) for flags in imap.flags()] == [True, True, False, False]
    again = CliRunner().invoke(main, command, catch_exceptions=False)
    assert "Read 2 messages" in again.output  # only the unseen ones: the reports were flagged
    assert store.get("gone@example.org").bounces == 1


def test_imaps_is_read_over_tls_and_an_untrusted_certificate_is_refused(tmp_path, smtp, imap, monkeypatch):
    from dovecot import PASSWORD

    port, server = smtp
    room, store = newsroom_with_readers(tmp_path, port, {"gone@example.org": {}})
    send(room, store, port)
    [(_, message)] = server.messages
    imap.deliver(dsn("postfix", "gone@example.org", headers_of(message)))
    monkeypatch.setenv("MASTHEAD_IMAP_PASSWORD", PASSWORD)
    command = ["subscribers", "--settings", str(room.settings_file), "bounces", "--imap", imap.tls_url]
    untrusted = CliRunner().invoke(main, command)  # the test's authority is not the system's
    assert untrusted.exit_code == 1 and "cannot be read" in untrusted.output and "CERTIFICATE" in untrusted.output
    monkeypatch.setenv("SSL_CERT_FILE", str(imap.ca_file))
    done = CliRunner().invoke(main, command, catch_exceptions=False)
    assert "Read 1 message: 1 permanent failure" in done.output, done.output
    assert store.get("gone@example.org").bounces == 1
