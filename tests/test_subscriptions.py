"""The subscription service over real HTTP (waitress on 127.0.0.1), mailing through aiosmtpd.

Every request is made with http.client as a browser, a mail client or an attacker would make
it; every email is parsed back and its link followed.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import threading
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode, urlsplit

import pytest
from lxml import html as lxml_html

from masthead.build import load_settings
from masthead.config import site_config
from masthead.subscribers.store import SubscriberStore
from masthead.subscriptions.serve import create_server, make_service
from masthead.subscriptions.tokens import TokenSigner

from conftest import DEFAULT_MASTHEAD, SUBSCRIPTION_SECRET, THEME, Newsroom, link_token
from seaweed import free_ports

SITE = "https://news.example"


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 27, 12, tzinfo=timezone.utc)
        self.monotonic = 1000.0

    def __call__(self):
        return self.now

    def tick(self, **delta):
        self.now += timedelta(**delta)
        self.monotonic += timedelta(**delta).total_seconds()


class Service:
    """The running service and what a test needs around it."""

    def __init__(self, app, port, smtp, room, clock, database):
        self.app, self.port, self.smtp, self.room, self.clock = app, port, smtp, room, clock
        self.database = database
        self.store = SubscriberStore(database)

    def request(self, method, path, body=None, headers=None, client_ip=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = dict(headers or {})
        if client_ip:
            headers["X-Forwarded-For"] = client_ip
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def form(self, path, fields, **kw):
        headers = {"Content-Type": "application/x-www-form-urlencoded", **kw.pop("headers", {})}
        return self.request("POST", path, urlencode(fields, doseq=True).encode(), headers, **kw)

    def json(self, path, data, **kw):
        headers = {"Content-Type": "application/json", "Accept": "application/json", **kw.pop("headers", {})}
        return self.request("POST", path, json.dumps(data).encode(), headers, **kw)

    def mails_to(self, address):
        self.app.mailer.wait()
        return self.smtp.to(address)


def start_service(tmp_path, smtp, clock, database=None, more_articles=(), **subscriptions):
    port = free_ports(1)[0]
    smtp_port, recorder = smtp
    masthead = {**DEFAULT_MASTHEAD, "subscribe_url": "",
                "subscriptions": {"url": f"http://127.0.0.1:{port}", "trusted_proxies": 1, **subscriptions},
                "digest": {"from": "The Gazette <digest@news.example>",
                           "smtp": {"host": "127.0.0.1", "port": smtp_port, "security": "none"}}}
    room = Newsroom(tmp_path / "room", site_url=SITE, masthead=masthead)
    room.author("jane-doe", "Jane Doe")
    room.article("one", title="Talks resume", slug="one", date="2026-11-27T09:00+01:00")
    for number, fields in enumerate(more_articles):
        room.article(f"more-{number}", **fields)
    room.build(now=clock.now)
    settings = load_settings(room.settings_file)
    config = site_config(settings)
    database = database or room.root / "subscribers.sqlite3"
    app = make_service(config, room.output, THEME, database)
    app.clock = clock
    app.monotonic = app.per_client.clock = app.per_address.clock = lambda: clock.monotonic

    server = create_server(app, "127.0.0.1", port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return Service(app, port, recorder, room, clock, database), server, thread


def stop_waitress(server, thread) -> None:
    """Stop a server running in `thread` the way waitress expects: closed from its own loop (a
    close from another thread races the loop's select, which then fails on a closed descriptor)."""
    from waitress import wasyncore

    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
    thread.join(timeout=10)
    server.task_dispatcher.shutdown()


def serving(tmp_path, smtp, database=None):
    """A fixture's body: the service running until the test ends."""
    clock = Clock()
    running, server, thread = start_service(tmp_path, smtp, clock, database)
    yield running
    stop_waitress(server, thread)
    running.app.mailer.close()


@pytest.fixture
def service(tmp_path, smtp, database):
    """The service on each engine: an SQLite file, a PostgreSQL database."""
    yield from serving(tmp_path, smtp, database)


def link_in(message, path):
    text = message.get_body(("plain",)).get_content()
    [link] = re.findall(rf"http://127\.0\.0\.1:\d+/{path}\?token=\S+", text)
    html = message.get_body(("html",)).get_content()
    assert f'href="{link}"' in html
    return link


def page(data):
    document = lxml_html.fromstring(data)
    return " ".join(document.xpath("//main")[0].text_content().split())


def test_sign_up_by_form_then_confirm_by_the_emailed_link(service):
    status, headers, data = service.form("/subscribe", {"email": "Reader@Example.org", "name": "Ann\r\nBcc: x@evil",
                                                        "frequency": "weekly", "sections": ["Europe", "World"],
                                                        "language": "en"})
    assert status == 200 and "Check your inbox" in page(data)
    assert headers["content-type"].startswith("text/html") and "set-cookie" not in headers
    reader = service.store.get("reader@example.org")
    assert reader.status == "pending"
    [mail] = service.mails_to("Reader@example.org")  # the domain in lower case, as stored
    assert mail["Subject"] == "Confirm your subscription to The Test Gazette"
    assert mail["To"] == '"Ann Bcc: x@evil" <Reader@example.org>' and mail["Bcc"] is None
    assert mail["Auto-Submitted"] == "auto-generated"
    link = link_in(mail, "confirm")
    status, _, data = service.request("GET", urlsplit(link).path + "?" + urlsplit(link).query)
    assert status == 200 and "You are subscribed" in page(data)
    reader = service.store.get("reader@example.org")
    assert (reader.status, reader.frequency, reader.sections) == ("active", "weekly", ("Europe", "World"))
    # the page is in the site's look: its stylesheet and its name
    document = lxml_html.fromstring(data)
    assert document.xpath("//link[@rel='stylesheet']/@href") == [f"{SITE}/theme/css/site.css"]
    assert document.xpath("string(//span[@class='brand-name'])") == "The Test Gazette"
    # replayed: the link was used once and says so, changing nothing
    status, _, data = service.request("GET", urlsplit(link).path + "?" + urlsplit(link).query)
    assert status == 409 and "already used" in page(data)


def test_json_sign_up_from_the_site_origin_gets_cors_and_no_other_origin_does(service):
    status, headers, _ = service.request("OPTIONS", "/subscribe", headers={
        "Origin": SITE, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert status == 204 and headers["access-control-allow-origin"] == SITE
    assert "POST" in headers["access-control-allow-methods"]
    status, headers, data = service.json("/subscribe", {"email": "json@example.org", "language": "en"},
                                         headers={"Origin": SITE})
    assert status == 200 and headers["access-control-allow-origin"] == SITE
    assert json.loads(data) == {"state": "ok", "heading": "Check your inbox", "problems": [],
                                "message": json.loads(data)["message"]}
    status, headers, _ = service.request("OPTIONS", "/subscribe", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in headers
    _, headers, _ = service.json("/subscribe", {"email": "json2@example.org"}, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in headers


def test_the_same_answer_whether_or_not_the_address_is_known(service):
    service.form("/subscribe", {"email": "known@example.org"})
    confirm = link_in(service.mails_to("known@example.org")[0], "confirm")
    service.request("GET", confirm.split(str(service.port), 1)[1])
    assert service.store.get("known@example.org").status == "active"

    service.clock.tick(minutes=1)
    known = service.form("/subscribe", {"email": "known@example.org", "frequency": "weekly"}, client_ip="10.0.0.2")
    unknown = service.form("/subscribe", {"email": "unknown@example.org", "frequency": "weekly"}, client_ip="10.0.0.2")
    assert known[0] == unknown[0] == 200 and known[2] == unknown[2]
    assert {k: v for k, v in known[1].items() if k not in ("date", "content-length")} == \
           {k: v for k, v in unknown[1].items() if k not in ("date", "content-length")}
    # a stranger cannot change a known reader: they get a note with their own manage link instead
    assert service.store.get("known@example.org").frequency == "daily"
    notes = service.mails_to("known@example.org")
    assert len(notes) == 2 and notes[1]["Subject"] == "Your subscription to The Test Gazette"
    assert link_in(notes[1], "preferences")


def test_honeypot_and_bad_input_never_reach_the_store(service):
    status, _, data = service.form("/subscribe", {"email": "bot@example.org", "website": "http://spam.example"})
    assert status == 200 and "Check your inbox" in page(data)
    assert service.store.get("bot@example.org") is None and service.mails_to("bot@example.org") == []
    status, _, data = service.json("/subscribe", {"email": "not an address", "frequency": "hourly"})
    answer = json.loads(data)
    assert status == 400 and answer["state"] == "error"
    assert any(p.startswith("email: expected an email address") for p in answer["problems"])
    assert any(p.startswith("frequency: expected daily or weekly") for p in answer["problems"])
    status, _, _ = service.request("POST", "/subscribe", b"{not json", {"Content-Type": "application/json"})
    assert status == 400
    status, _, _ = service.request("POST", "/subscribe", b"[1, 2]", {"Content-Type": "application/json"})
    assert status == 400
    status, _, _ = service.form("/subscribe", {"email": "big@example.org", "name": "x" * 40_000})
    assert status == 413 and service.store.get("big@example.org") is None
    status, _, _ = service.form("/subscribe", {"email": "unknown-section@example.org", "sections": ["Sport"]})
    assert status == 400 and list(service.store.all()) == []
    status, _, _ = service.request("GET", "/subscribe")
    assert status == 405


def test_rate_limits_per_client_and_per_address(service):
    for n in range(10):
        assert service.form("/subscribe", {"email": f"r{n}@example.org"}, client_ip="10.0.0.9")[0] == 200
    status, headers, _ = service.form("/subscribe", {"email": "r10@example.org"}, client_ip="10.0.0.9")
    assert status == 429 and int(headers["retry-after"]) > 0
    assert service.form("/subscribe", {"email": "r11@example.org"}, client_ip="10.0.0.10")[0] == 200
    # one address asked for from many clients: mailed three times an hour at most, same answer each time
    for n in range(5):
        assert service.form("/subscribe", {"email": "target@example.org"}, client_ip=f"10.1.0.{n}")[0] == 200
    assert len(service.mails_to("target@example.org")) == 3
    service.clock.tick(minutes=61)
    assert service.form("/subscribe", {"email": "target@example.org"}, client_ip="10.1.0.1")[0] == 200
    assert len(service.mails_to("target@example.org")) == 4


def test_two_service_processes_on_one_database_answer_as_one(tmp_path, smtp, postgres):
    """Behind a load balancer: a link mailed by one works on the other, and limits count across both."""
    url = postgres.fresh_database()
    clock = Clock()
    started = [start_service(tmp_path / name, smtp, clock, url) for name in ("a", "b")]
    first, second = (running for running, _, _ in started)
    second.app.clock, second.app.monotonic = first.app.clock, first.app.monotonic
    second.app.per_client.clock = second.app.per_address.clock = first.app.per_client.clock
    try:
        assert first.form("/subscribe", {"email": "both@example.org"}, client_ip="10.3.0.1")[0] == 200
        link = link_in(first.mails_to("both@example.org")[-1], "confirm")
        status, _, data = second.request("GET", urlsplit(link).path + "?" + urlsplit(link).query)
        assert status == 200 and "You are subscribed" in page(data)
        assert first.store.get("both@example.org").status == "active"
        answers = [(first, second)[n % 2].form("/subscribe", {"email": f"burst{n}@example.org"},
                                              client_ip="10.3.0.2")[0] for n in range(14)]
        assert answers.count(200) == 10 and answers.count(429) == 4  # ten a minute, whichever answers
    finally:
        for running, server, thread in started:
            stop_waitress(server, thread)
            running.app.mailer.close()


def active_reader(service, address="reader@example.org"):
    service.form("/subscribe", {"email": address}, client_ip="10.2.0.1")
    confirm = link_in(service.mails_to(address)[-1], "confirm")
    service.request("GET", confirm.split(str(service.port), 1)[1])
    reader = service.store.get(address)
    assert reader.status == "active"
    return reader


def test_one_click_unsubscribe_exactly_as_gmail_sends_it(service):
    reader = active_reader(service)
    token = link_token(reader.token)
    # RFC 8058 section 3.1: POST to the List-Unsubscribe URL, body List-Unsubscribe=One-Click, no cookies
    status, headers, data = service.request(
        "POST", f"/unsubscribe?token={token}", b"List-Unsubscribe=One-Click",
        {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "Mozilla/5.0 (compatible; Google-Mail)"})
    assert status == 200 and data == b"unsubscribed\n" and "location" not in headers and "set-cookie" not in headers
    assert service.store.get(reader.email).status == "unsubscribed"
    # again (a retry): still 200, still unsubscribed
    assert service.request("POST", f"/unsubscribe?token={token}", b"List-Unsubscribe=One-Click",
                           {"Content-Type": "application/x-www-form-urlencoded"})[0] == 200
    # the same as multipart/form-data, which RFC 8058 also allows
    other = active_reader(service, "other@example.org")
    boundary = "----gmail"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n"
            f"--{boundary}--\r\n").encode()
    status, _, _ = service.request("POST", f"/unsubscribe?token={link_token(other.token)}", body,
                                   {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 200 and service.store.get(other.email).status == "unsubscribed"


def test_the_unsubscribe_link_shows_a_button_and_only_the_button_unsubscribes(service):
    reader = active_reader(service)
    token = link_token(reader.token)
    for _ in range(3):  # a mail scanner following the link, several times
        status, _, data = service.request("GET", f"/unsubscribe?token={token}")
        assert status == 200 and "Stop sending The Test Gazette to reader@example.org?" in page(data)
    assert service.store.get(reader.email).status == "active"
    form = lxml_html.fromstring(data).xpath("//main//form")[0]
    fields = {field.get("name"): field.get("value") for field in form.xpath(".//input")}
    status, _, data = service.form(urlsplit(form.get("action")).path, fields)
    assert status == 200 and "You are unsubscribed" in page(data)
    assert service.store.get(reader.email).status == "unsubscribed"
    # replaying the old confirmation link cannot undo the unsubscribe
    [first] = service.mails_to(reader.email)
    confirm = link_in(first, "confirm")
    assert service.request("GET", confirm.split(str(service.port), 1)[1])[0] == 409
    assert service.store.get(reader.email).status == "unsubscribed"


def test_forged_expired_and_wrong_kind_tokens_are_refused(service):
    reader = active_reader(service)
    forged = TokenSigner("another-secret-of-enough-length-0123456789").manage(reader.token)
    for path in (f"/unsubscribe?token={forged}", f"/preferences?token={forged}", "/unsubscribe?token=",
                 f"/unsubscribe?token={reader.token}", f"/confirm?token={link_token(reader.token)}"):
        status, _, data = service.request("GET", path)
        assert status == 400 and "This link does not work" in page(data), path
    assert service.request("POST", f"/unsubscribe?token={forged}", b"List-Unsubscribe=One-Click",
                           {"Content-Type": "application/x-www-form-urlencoded"})[0] == 400
    assert service.store.get(reader.email).status == "active"
    # a confirmation link older than 48 hours
    service.form("/subscribe", {"email": "late@example.org"}, client_ip="10.3.0.1")
    confirm = link_in(service.mails_to("late@example.org")[0], "confirm")
    service.clock.tick(hours=48, seconds=1)
    status, _, data = service.request("GET", confirm.split(str(service.port), 1)[1])
    assert status == 410 and "expired" in page(data)
    assert service.store.get("late@example.org").status == "pending"
    # ... and the unconfirmed sign-up is forgotten on the next sign-up after that
    service.clock.tick(minutes=2)
    service.form("/subscribe", {"email": "later@example.org"}, client_ip="10.3.0.2")
    assert service.store.get("late@example.org") is None


def test_preferences_change_frequency_sections_and_language(service):
    reader = active_reader(service)
    path = f"/preferences?token={link_token(reader.token)}"
    status, _, data = service.request("GET", path)
    assert status == 200
    document = lxml_html.fromstring(data)
    assert document.xpath("//input[@name='frequency'][@checked]/@value") == ["daily"]
    assert document.xpath("//input[@name='sections']/@value") == ["World", "Europe", "Opinion"]
    assert document.xpath("//input[@name='authors']/@value") == ["jane-doe"]
    status, _, data = service.form(path, {"frequency": "weekly", "sections": ["Opinion"], "authors": ["jane-doe"],
                                          "language": "en"})
    assert status == 200 and "Saved" in page(data)
    reader = service.store.get(reader.email)
    assert (reader.frequency, reader.sections, reader.authors, reader.language) == ("weekly", ("Opinion",), ("jane-doe",), "en")
    status, _, data = service.form(path, {"frequency": "hourly", "sections": ["Sport"]})
    assert status == 400 and "frequency: expected daily or weekly" in page(data)
    assert service.store.get(reader.email).frequency == "weekly"
    status, _, data = service.form(path, {"frequency": "daily", "language": "xx"})
    assert status == 400 and "language: expected one of en" in page(data)
    assert service.store.get(reader.email).frequency == "weekly"


def test_logs_hold_neither_whole_addresses_nor_tokens(service, caplog):
    caplog.set_level(logging.INFO, logger="masthead.subscriptions")
    reader = active_reader(service, "private.person@example.org")
    token = link_token(reader.token)
    service.request("GET", f"/unsubscribe?token={token}")
    service.request("POST", f"/unsubscribe?token={token}", b"List-Unsubscribe=One-Click",
                    {"Content-Type": "application/x-www-form-urlencoded"})
    text = caplog.text
    assert "p***@example.org" in text and "GET /unsubscribe 200" in text
    assert "private.person" not in text and token not in text and reader.token not in text


def test_digests_link_to_the_service_with_signed_tokens_and_the_links_work(service):
    from masthead.digest.send import send_digests
    from masthead.digest.smtp import SMTPSender

    reader = active_reader(service)
    config = site_config(load_settings(service.room.settings_file))
    send_digests("daily", service.clock.now, service.room.output, service.store, config, THEME,
                 lambda: SMTPSender("127.0.0.1", config.digest["smtp"]["port"], "none"), say=lambda line: None)
    digest = [m for m in service.mails_to(reader.email) if "new stor" in m["Subject"]][0]
    unsubscribe = re.match(r"<([^>]+)>", digest["List-Unsubscribe"]).group(1)
    assert unsubscribe == f"http://127.0.0.1:{service.port}/unsubscribe?token={link_token(reader.token)}"
    assert link_in(digest, "preferences")
    status, _, _ = service.request("POST", unsubscribe.split(str(service.port), 1)[1], b"List-Unsubscribe=One-Click",
                                   {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and service.store.get(reader.email).status == "unsubscribed"


def test_without_the_secret_the_service_and_the_sender_say_how_to_make_one(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from masthead.cli import main

    monkeypatch.delenv("MASTHEAD_SUBSCRIPTION_SECRET")
    room = Newsroom(tmp_path / "room", site_url=SITE, masthead={
        **DEFAULT_MASTHEAD, "subscriptions": {"url": "https://subscribe.news.example"},
        "digest": {"from": "G <d@news.example>", "smtp": {"host": "127.0.0.1", "port": 1, "security": "none"}}})
    run = CliRunner().invoke(main, ["subscriptions", "serve", "--settings", str(room.settings_file)])
    assert run.exit_code == 1
    assert "MASTHEAD_SUBSCRIPTION_SECRET must hold a secret of at least 32 characters" in run.output
    assert "secrets.token_urlsafe" in run.output
    assert SUBSCRIPTION_SECRET not in run.output


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])  # Ctrl-C; a container runtime or systemd stopping it
def test_the_cli_serves_with_waitress_until_stopped(tmp_path, smtp, stop):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    clock = Clock()
    running, server, thread = start_service(tmp_path, smtp, clock)  # builds the newsroom; its server is not used
    stop_waitress(server, thread)
    running.app.mailer.close()
    port = free_ports(1)[0]
    masthead = str(Path(sys.executable).parent / "masthead")
    process = subprocess.Popen([masthead, "subscriptions", "serve", "--settings",
                                str(running.room.settings_file), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=running.room.root,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                assert (response.status, response.read()) == (200, b"ok\n")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the service did not start")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("POST", "/subscribe", urlencode({"email": "cli.reader@example.org"}),
                           {"Content-Type": "application/x-www-form-urlencoded"})
        assert connection.getresponse().status == 200
    finally:
        process.send_signal(getattr(signal, stop))
        output = process.communicate(timeout=10)[0].decode()
    assert process.returncode == 0
    assert f"Subscription service on http://127.0.0.1:{port}/ for {SITE}" in output
    assert "POST /subscribe 200" in output and "c***@example.org" in output and "cli.reader" not in output


def test_an_instance_killed_mid_burst_loses_no_sign_up_it_answered(tmp_path, smtp, postgres):
    """Two `masthead subscriptions serve` processes on one PostgreSQL database; one is SIGKILLed
    while sign-ups pour into both. Every sign-up answered 200 is in the database, the other
    instance goes on answering, and no half-written reader is left behind."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    url = postgres.fresh_database()
    clock = Clock()
    running, server, thread = start_service(tmp_path, smtp, clock, url)  # builds the newsroom; not used to serve
    stop_waitress(server, thread)
    running.app.mailer.close()
    masthead = str(Path(sys.executable).parent / "masthead")
    ports = free_ports(2)
    processes = [subprocess.Popen([masthead, "subscriptions", "serve", "--settings", str(running.room.settings_file),
                                   "--port", str(port), "--database", url],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=running.room.root,
                                  start_new_session=True) for port in ports]

    def ask(n: int, port: int | None = None) -> tuple[int, str, int]:
        address = f"burst{n:03d}@example.org"
        port = port or ports[n % 2]
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("POST", "/subscribe", urlencode({"email": address}),
                               {"Content-Type": "application/x-www-form-urlencoded",
                                "X-Forwarded-For": f"10.9.{n // 200}.{n % 200}"})
            return n, address, connection.getresponse().status
        except OSError:
            return n, address, 0  # the killed instance: no answer

    try:
        for port in ports:
            for _ in range(100):
                if ask(-1, port)[2] in (200, 429):
                    break
                time.sleep(0.1)
        with ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(ask, n) for n in range(300)]
            time.sleep(0.3)
            os.killpg(processes[0].pid, signal.SIGKILL)
            answers = [future.result() for future in futures]
        assert ask(999, ports[1])[2] == 200  # the other instance is still up
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
    answered = [address for _, address, status in answers if status == 200]
    assert len(answered) >= 150 and any(status == 0 for _, _, status in answers)
    store = SubscriberStore(url)
    for address in answered:
        assert store.get(address).status == "pending", address
    pending = store.db.execute("SELECT COUNT(*) FROM signups").fetchone()[0]
    subscribers = store.db.execute("SELECT COUNT(*) FROM subscribers").fetchone()[0]
    assert pending == subscribers  # each sign-up whole: its request and its pending row, or neither
    store.close()


def test_the_service_log_keeps_every_line_even_beside_pelican(caplog):
    """Pelican's LimitLogger drops a message repeated word for word; two readers whose masked
    addresses look alike must still be two lines."""
    import pelican.log  # noqa: F401  (makes LimitLogger the class of new loggers, as in a build)

    from masthead.subscriptions import service_log

    caplog.set_level(logging.INFO, logger="masthead.subscriptions")
    log = service_log()
    for _ in range(3):
        log.info("confirmed %s", "p***@example.org")
    assert caplog.text.count("confirmed p***@example.org") == 3


def test_a_persian_reader_signs_up_reads_and_leaves_in_persian(tmp_path, smtp):
    """The service's pages and emails follow the reader's language, from the catalogs."""
    clock = Clock()
    running, server, thread = start_service(tmp_path, smtp, clock, more_articles=(
        {"title": "گفت‌وگوها", "slug": "talks-fa", "lang": "fa", "summary": "خلاصه.",
         "date": "2026-11-27T10:00+01:00"},))
    try:
        status, _, data = running.form("/subscribe", {"email": "fa@example.org", "language": "fa"})
        assert status == 200 and page(data).startswith("صندوق نامه‌تان را ببینید")
        [mail] = running.mails_to("fa@example.org")
        assert mail["Subject"] == "اشتراک خود را در The Test Gazette تأیید کنید"
        assert "این پیوند تا ۴۸ ساعت کار می‌کند." in mail.get_body(("plain",)).get_content()  # Persian digits
        confirm = link_in(mail, "confirm")
        status, _, data = running.request("GET", confirm.split(str(running.port), 1)[1])
        assert status == 200 and page(data).startswith("مشترک شدید")
        document = lxml_html.fromstring(data)
        assert (document.get("lang"), document.get("dir")) == ("fa", "rtl")
    finally:
        stop_waitress(server, thread)
        running.app.mailer.close()
