"""The subscription service under faults and hostile input, over real HTTP (waitress, aiosmtpd):
a database locked by another process or made read-only, a fresh database met by a burst of
sign-ups, deeply nested JSON, internationalized addresses. Answers stay the same for known and
unknown addresses, wait a bounded time, and nothing is half-written."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from masthead.subscribers.store import SCHEMA_VERSION, SubscriberStore

from conftest import THEME
from test_subscriptions import Clock, link_in, serving, start_service, stop_waitress


@pytest.fixture
def service(tmp_path, smtp):
    yield from serving(tmp_path, smtp)


SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy", "cache-control")


def make_known(service, address):
    service.form("/subscribe", {"email": address}, client_ip="10.9.0.1")
    confirm = link_in(service.mails_to(address)[0], "confirm")
    service.request("GET", confirm.split(str(service.port), 1)[1])
    assert service.store.get(address).status == "active"


class Locker:
    """Another process holding the database's write lock until it is closed."""

    def __init__(self, path):
        code = ("import sqlite3, sys; db = sqlite3.connect(sys.argv[1], isolation_level=None); "
                "db.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); sys.stdin.read()")
        self.process = subprocess.Popen([sys.executable, "-c", code, str(path)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "locked"

    def close(self):
        self.process.stdin.close()
        self.process.wait(10)


def timed(call):
    started = time.monotonic()
    answer = call()
    return answer, time.monotonic() - started


def test_a_locked_database_answers_503_alike_for_known_and_unknown_and_writes_nothing(service):
    make_known(service, "known@example.org")
    service.store.close()
    mails_before = len(service.smtp.messages)
    locker = Locker(service.room.root / "subscribers.sqlite3")
    try:
        (known, known_time) = timed(lambda: service.form("/subscribe", {"email": "known@example.org"},
                                                         client_ip="10.9.0.2"))
        (unknown, unknown_time) = timed(lambda: service.form("/subscribe", {"email": "new@example.org"},
                                                             client_ip="10.9.0.3"))
        health = service.request("GET", "/healthz")
    finally:
        locker.close()
    for status, headers, _ in (known, unknown):
        assert status == 503 and headers["retry-after"] == "30"
        assert all(name in headers for name in SECURITY_HEADERS)
    assert known[2] == unknown[2] and b"We cannot take requests just now" in known[2]
    assert known_time < 5 and unknown_time < 5 and abs(known_time - unknown_time) < 1  # bounded, and alike
    assert health[0] == 503 and health[2] == b"database not writable\n"
    assert all(name in health[1] for name in SECURITY_HEADERS)
    store = SubscriberStore(service.room.root / "subscribers.sqlite3")
    assert store.get("new@example.org") is None  # nothing written
    service.app.mailer.wait()
    assert len(service.smtp.messages) == mails_before  # nothing sent
    assert service.request("GET", "/healthz")[0] == 200  # the lock is gone: healthy again
    status, _, _ = service.form("/subscribe", {"email": "new@example.org"}, client_ip="10.9.0.4")
    assert status == 200 and store.get("new@example.org").status == "pending"


def serve_again(service):
    """A second service process on the same newsroom and database, with connections of its own."""
    from masthead.build import load_settings
    from masthead.config import site_config
    from masthead.subscriptions.serve import create_server, make_service

    from seaweed import free_ports
    from test_subscriptions import Service

    app = make_service(site_config(load_settings(service.room.settings_file)), service.room.output,
                       THEME, service.room.root / "subscribers.sqlite3")
    port = free_ports(1)[0]
    server = create_server(app, "127.0.0.1", port, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    again = Service.__new__(Service)
    again.app, again.port, again.smtp, again.room, again.clock = app, port, service.smtp, service.room, service.clock

    def stop():
        stop_waitress(server, thread)
        app.mailer.close()
    return again, stop


def test_a_read_only_database_answers_503_alike_and_health_says_so(service):
    make_known(service, "known@example.org")
    path = service.room.root / "subscribers.sqlite3"
    # Root ignores file modes: an immutable file is read-only even for root.
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False).returncode != 0:
        pytest.skip("this file system cannot make a file immutable (chattr +i), and root ignores file modes")
    try:
        read_only, stop = serve_again(service)  # started on the read-only database: it starts, and says so
        try:
            known = read_only.json("/subscribe", {"email": "known@example.org"}, client_ip="10.9.1.2")
            unknown = read_only.json("/subscribe", {"email": "other@example.org"}, client_ip="10.9.1.3")
            health = read_only.request("GET", "/healthz")
        finally:
            stop()
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    assert known[0] == unknown[0] == 503 and known[2] == unknown[2]
    assert json.loads(known[2])["heading"] == "We cannot take requests just now. Please try again in a minute."
    assert health[0] == 503 and health[1]["retry-after"] == "30"
    assert SubscriberStore(path).get("other@example.org") is None


def test_a_fresh_database_meets_a_burst_of_sign_ups_without_an_error(service):
    """The schema is made once, before serving: no sign-up races for it."""
    path = service.room.root / "subscribers.sqlite3"
    service.store.close()
    for suffix in ("", "-wal", "-shm"):
        (path.parent / (path.name + suffix)).unlink(missing_ok=True)
    fresh, stop = serve_again(service)
    fresh.app.per_client.limit = fresh.app.per_address.limit = 10_000
    try:
        def sign_up(n):
            return fresh.form("/subscribe", {"email": f"burst{n}@example.org"}, client_ip=f"10.8.{n // 250}.{n % 250}")[0]

        with ThreadPoolExecutor(32) as pool:
            statuses = list(pool.map(sign_up, range(300)))
    finally:
        stop()
    assert statuses.count(200) == 300, {s: statuses.count(s) for s in set(statuses)}
    assert len(list(SubscriberStore(path).all())) == 300


def test_stores_opened_at_once_on_a_new_file_make_its_schema_once(tmp_path):
    path = tmp_path / "new.sqlite3"

    def open_one(_):
        store = SubscriberStore(path)
        version = store.db.execute("PRAGMA user_version").fetchone()[0]
        store.close()
        return version

    with ThreadPoolExecutor(16) as pool:
        assert set(pool.map(open_one, range(64))) == {SCHEMA_VERSION}


def test_deeply_nested_json_is_a_400_and_nothing_is_written(service):
    body = b'{"email": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    status, headers, data = service.request("POST", "/subscribe", body[:15_000] + b"}",
                                            {"Content-Type": "application/json", "Accept": "application/json"})
    assert status == 400 and json.loads(data)["message"] == "Send a form or a JSON object."
    nested = b'{"a": ' + b'{"a":' * 2000 + b"1" + b"}" * 2000 + b', "email": "deep@example.org"}'
    status, headers, data = service.request("POST", "/subscribe", nested,
                                            {"Content-Type": "application/json", "Accept": "application/json"})
    assert status == 400 and json.loads(data)["message"] == "Send a form or a JSON object."
    assert all(name in headers for name in SECURITY_HEADERS)
    assert service.store.get("deep@example.org") is None


def test_an_internationalized_address_signs_up_like_any_other(service):
    """With SMTP, an internationalized address is valid input (RFC 6531): accepted, and its
    confirmation goes out with SMTPUTF8 when the relay offers it. A Punycode domain always works."""
    status, _, _ = service.form("/subscribe", {"email": "reader@bücher.example"}, client_ip="10.9.2.1")
    assert status == 200
    [mail] = service.mails_to("reader@xn--bcher-kva.example")
    assert link_in(mail, "confirm")
    status, _, _ = service.form("/subscribe", {"email": "josé@example.org"}, client_ip="10.9.2.2")
    assert status == 200 and service.store.get("josé@example.org").status == "pending"
    service.app.mailer.wait()  # this relay offers no SMTPUTF8: the mail fails, logged, the service goes on
    assert service.smtp.to("josé@example.org") == []
    assert service.request("GET", "/healthz")[0] == 200


def test_with_ses_an_address_ses_cannot_deliver_is_a_400_and_nothing_is_written(tmp_path, smtp):
    clock = Clock()
    running, server, thread = start_service(tmp_path, smtp, clock)
    try:
        running.app.interests = type(running.app.interests)(running.app.interests.sections,
                                                            running.app.interests.authors, False)
        status, _, data = running.json("/subscribe", {"email": "josé@example.org"}, client_ip="10.9.3.1")
        assert status == 400
        assert json.loads(data)["problems"] == [
            ("email: expected an address with only ASCII letters before the @ (this newsroom's mail goes through "
             "Amazon SES, which delivers to no other)")]
        assert running.store.get("josé@example.org") is None
    finally:
        stop_waitress(server, thread)
        running.app.mailer.close()


def test_an_unexpected_error_is_a_500_with_the_security_headers(service, monkeypatch):
    monkeypatch.setattr(service.app, "on_confirm", lambda request: 1 / 0)
    status, headers, data = service.request("GET", "/confirm?token=x")
    assert status == 500 and b"Something went wrong on our side" in data
    assert all(name in headers for name in SECURITY_HEADERS)
