"""`masthead publish` end to end: a git newsroom, SeaweedFS, a WebSub hub and aiosmtpd on 127.0.0.1,
with the clock injected (--now). A scheduled article becomes due, is built, deployed, pinged and
sent exactly once; a second run in a row does nothing."""

from __future__ import annotations

import http.server
import subprocess
import threading
import uuid
from datetime import datetime, timezone
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from masthead.cli import main
from masthead.errors import MastheadError
from masthead.publish import digest_due
from masthead.subscribers.model import Interests, subscriber_from
from masthead.subscribers.store import SubscriberStore

from conftest import DEFAULT_MASTHEAD, Newsroom
from seaweed import free_ports

BRUSSELS = ZoneInfo("Europe/Brussels")


class Hub(http.server.BaseHTTPRequestHandler):
    pings: list[dict] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        Hub.pings.append(parse_qs(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hub():
    Hub.pings = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_ports(1)[0]), Hub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", Hub.pings
    server.shutdown()


def at(text: str) -> str:
    return datetime.fromisoformat(text).replace(tzinfo=BRUSSELS).isoformat()


def test_a_scheduled_article_is_built_deployed_pinged_and_sent_exactly_once(tmp_path, seaweed, s3_env, smtp, hub,
                                                                           monkeypatch):
    import boto3

    bucket = f"site-{uuid.uuid4().hex[:12]}"
    s3 = boto3.session.Session().client("s3", endpoint_url=seaweed.endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    smtp_port, mail = smtp
    hub_url, pings = hub
    room = Newsroom(tmp_path / "room", site_url="https://news.example", masthead={
        **DEFAULT_MASTHEAD, "websub_hub": hub_url,
        "deploy": {"bucket": bucket, "endpoint_url": seaweed.endpoint, "region": "us-east-1", "preset": "minio"},
        "digest": {"from": "The Gazette <digest@news.example>", "schedule": {"daily": "07:00"},
                   "smtp": {"host": "127.0.0.1", "port": smtp_port, "security": "none"}}})
    room.author("jane-doe", "Jane Doe")
    room.article("first", title="Yesterday's story", slug="first", date="2026-11-26T18:00+01:00")
    room.article("later", title="The embargoed story", slug="later", date="2026-11-27T09:00+01:00")
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "newsroom"]):
        subprocess.run(["git", "-C", str(room.root), "-c", "user.name=Desk", "-c", "user.email=d@news.example",
                        *command], check=True)
    store = SubscriberStore(room.root / "subscribers.sqlite3")
    store.add(subscriber_from({"email": "reader@example.org"}, Interests(), "test"))
    store.close()
    monkeypatch.chdir(room.root)

    def publish(now):
        result = CliRunner().invoke(main, ["publish", "--settings", "pelicanconf.py", "--now", at(now)],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output.strip().splitlines()[-1]

    def keys():
        return {o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
                for o in page.get("Contents", [])}

    # 06:30: nothing due yet but the site; the daily digest waits for 07:00
    summary = publish("2026-11-27T06:30")
    assert "checked 1 article (1 scheduled)" in summary and "daily digest not due until 07:00" in summary
    assert "2026/11/first/index.html" in keys() and "2026/11/later/index.html" not in keys()
    assert len(pings) > 0 and mail.messages == []
    # 07:30: today's digest goes out, with yesterday's story
    pings.clear()
    summary = publish("2026-11-27T07:30")
    assert "deployed 0 files" in summary and "no feed changed" in summary and "daily digest: 1 sent" in summary
    assert pings == []
    # 09:30: the embargo has lifted: built, deployed, the hub told about the feeds that changed
    summary = publish("2026-11-27T09:30")
    assert "2026/11/later/index.html" in keys()
    pinged = {ping["hub.url"][0] for ping in pings}
    assert "https://news.example/feeds/all.atom.xml" in pinged and all(p["hub.mode"] == ["publish"] for p in pings)
    assert "daily digest: 0 sent, 1 already sent" in summary
    # and again at once: nothing to do
    pings.clear()
    summary = publish("2026-11-27T09:31")
    assert "deployed 0 files, deleted 0" in summary and pings == [] and "0 sent, 1 already sent" in summary
    # the next morning the story reaches the reader, once
    publish("2026-11-28T07:30")
    publish("2026-11-28T07:45")
    messages = mail.to("reader@example.org")
    assert len(messages) == 2
    bodies = [m.get_body(("plain",)).get_content() for m in messages]
    assert "Yesterday's story" in bodies[0] and "The embargoed story" not in bodies[0]
    assert "The embargoed story" in bodies[1] and "Yesterday's story" not in bodies[1]
    # a complaint about one of those digests: the next summary line says the rate is over the limit
    store = SubscriberStore(room.root / "subscribers.sqlite3")
    sent = store.db.execute("SELECT message_id FROM deliveries WHERE state = 'sent' ORDER BY edition").fetchone()
    assert store.apply_report("<arf-1@fbl.example>", "reader@example.org", "complaint", sent["message_id"], 3) \
        == "unsubscribed"
    store.close()
    summary = publish("2026-11-29T07:30")
    assert "daily digest: 0 sent" in summary  # the reader who complained gets nothing more
    assert "WARNING digests of the last 30 days: complaint rate 50.00%, over the 0.3% Gmail and Yahoo allow " \
           "bulk senders" in summary


def test_publish_stops_at_an_editorial_error_before_anything_is_deployed(tmp_path, monkeypatch):
    room = Newsroom(tmp_path / "room", masthead={**DEFAULT_MASTHEAD, "deploy": {"bucket": "never-reached"}})
    room.author("jane-doe", "Jane Doe")
    room.article("one", slug="one", body="A [broken link](/2026/11/nowhere/).")
    monkeypatch.chdir(room.root)
    result = CliRunner().invoke(main, ["publish", "--settings", "pelicanconf.py"])
    assert result.exit_code == 1
    assert "content/articles/one.md:11: body: expected no editorial errors, found broken internal link /2026/11/nowhere/" \
           in result.output
    assert not (room.root / "output").exists()


@pytest.mark.parametrize("frequency, spec, local, due", [
    ("daily", "07:00", "2026-11-27T06:59", False), ("daily", "07:00", "2026-11-27T07:00", True),
    ("daily", "7:00", "2026-11-27T23:00", True),
    ("weekly", "monday 07:00", "2026-11-23T06:00", False), ("weekly", "monday 07:00", "2026-11-23T07:00", True),
    ("weekly", "friday 18:00", "2026-11-26T20:00", False), ("weekly", "friday 18:00", "2026-11-29T01:00", True),
])
def test_digests_are_due_from_their_local_time_for_the_rest_of_the_period(frequency, spec, local, due):
    now = datetime.fromisoformat(local).replace(tzinfo=BRUSSELS).astimezone(timezone.utc)
    assert digest_due(frequency, spec, now, BRUSSELS) is due


def test_a_bad_schedule_says_what_to_write():
    with pytest.raises(MastheadError, match="expected a time such as 'monday 07:00'"):
        digest_due("weekly", "07:00", datetime.now(timezone.utc), BRUSSELS)
    with pytest.raises(MastheadError, match="expected a time such as '07:00'"):
        digest_due("daily", "at seven", datetime.now(timezone.utc), BRUSSELS)
