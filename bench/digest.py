"""Digests to N subscribers through aiosmtpd on 127.0.0.1, beside a plain smtplib loop.

    .venv/bin/python bench/digest.py                 # 10,000, 50,000 and 100,000 subscribers
    .venv/bin/python bench/digest.py 20000
    DKIM=rsa .venv/bin/python bench/digest.py 10000  # every digest DKIM-signed (rsa, ed25519 or both)
    LATENCY=20 .venv/bin/python bench/digest.py 10000  # through a relay 20 ms away (bench/slow_relay.py)

Subscribers are spread over interest groups (every section, one section, one author, a
language). The table gives wall time, messages per second, the process's peak resident memory
after each size (sizes run smallest first, so a flat column means flat memory), how busy the
server's process was (at 100% the server, not masthead, sets the rate), and, on the same
server, a loop that opens one SMTP connection per message to send the same digests, built by
masthead beforehand. Targets: at least 5x that loop's rate; memory flat as the subscriber count
grows.
"""

from __future__ import annotations

import json
import os
import resource
import smtplib
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from feeds_share import machine  # noqa: E402

from masthead.config import site_config  # noqa: E402
from masthead.digest.send import send_digests  # noqa: E402
from masthead.digest.smtp import SMTPSender  # noqa: E402
from masthead.subscribers.store import SubscriberStore  # noqa: E402
from masthead.themes import PACKAGED_THEME, Theme  # noqa: E402

from seaweed import free_ports  # noqa: E402

NOW = datetime(2026, 11, 27, 12, tzinfo=timezone.utc)
# The digests' unsubscribe links are signed with the subscription service's secret: a bench one.
os.environ.setdefault("MASTHEAD_SUBSCRIPTION_SECRET", "bench-secret-" + "0123456789" * 4)
WORKERS = int(os.environ.get("WORKERS", "8"))
SECTIONS = ["World", "Europe", "Middle East", "South Asia", "Opinion"]


def manifest(folder: Path) -> Path:
    articles = []
    for n in range(24):
        articles.append({
            "id": f"article-{n}", "url": f"https://news.example/{n}/", "path": f"{n}/index.html",
            "title": f"Story {n} about the talks", "summary": "What happened, in two sentences. " * 3,
            "lang": "fa" if n % 8 == 0 else "en", "authors": [{"slug": f"author-{n % 6}", "name": f"Author {n % 6}",
                                                                "url": "https://news.example/a/"}],
            "section": {"name": SECTIONS[n % len(SECTIONS)], "slug": "s"}, "tags": [],
            "published": datetime(2026, 11, 27, 11 - n % 11, tzinfo=timezone.utc).isoformat(), "updated": None,
            "corrections": [], "card": f"https://news.example/cards/{n}.png", "image": None, "content_sha256": "x"})
    (folder / ".masthead").mkdir(parents=True)
    (folder / ".masthead/manifest.json").write_text(json.dumps({"version": 1, "articles": articles,
                                                               "site": {"url": "https://news.example"}}))
    return folder


def fill(store: SubscriberStore, count: int) -> None:
    """Readers in eight interest groups, streamed into the database (no list of them in memory)."""
    def rows():
        for n in range(count):
            group = n % 8
            sections = json.dumps([SECTIONS[group % 5]] if group < 5 else [])
            authors = json.dumps(["author-1"] if group == 5 else [])
            language = "fa" if group == 6 else ""
            yield (f"reader{n:07d}@example.org", f"reader{n:07d}@example.org", f"Reader {n}", "active", "daily",
                   sections, authors, language, f"token-{n:07d}-padding-to-be-as-long-as-a-real-one", NOW.isoformat(),
                   NOW.isoformat())
    with store.db.transaction():  # the bench's SQLite file: its connection's executemany streams the rows
        store.db.db.executemany("INSERT INTO subscribers (key, email, name, status, frequency, sections, authors, "
                                "language, token, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows())


class Keep:
    """A sender that keeps what it is given: the loop below sends exactly the digests masthead built."""
    messages: list[tuple[bytes, str]] = []

    def send(self, message: bytes, sender: str, recipient: str) -> None:
        self.messages.append((message, recipient))

    def close(self) -> None:
        pass


def real_messages(config, count: int = 400) -> list[tuple[bytes, str]]:
    with tempfile.TemporaryDirectory(prefix="masthead-digest-bench-") as tmp:
        output = manifest(Path(tmp) / "output")
        store = SubscriberStore(Path(tmp) / "subscribers.sqlite3")
        fill(store, count)
        send_digests("daily", NOW, output, store, config, Theme(PACKAGED_THEME), Keep, workers=1, say=lambda line: None)
        store.close()
    return Keep.messages


def plain_loop(port: int, count: int, messages: list[tuple[bytes, str]]) -> float:
    """The loop to beat: one connection per message, the same messages, one after another."""
    started = time.perf_counter()
    for n in range(count):
        message, recipient = messages[n % len(messages)]
        with smtplib.SMTP("127.0.0.1", port) as connection:
            connection.sendmail("digest@news.example", [recipient], message)
    return time.perf_counter() - started


def cpu_seconds(pid: int) -> float:
    """User and system time of another process so far (Linux /proc), to show when the server is the limit."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def dkim_keys(kinds: str, folder: Path) -> dict:
    """MASTHEAD['digest']['dkim'] with fresh keys of the kinds named ('rsa', 'ed25519', 'both')."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    keys = []
    for kind in (("rsa", "ed25519") if kinds == "both" else (kinds,)):
        key = (rsa.generate_private_key(public_exponent=65537, key_size=2048) if kind == "rsa"
               else ed25519.Ed25519PrivateKey.generate())
        path = folder / f"{kind}.pem"
        path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
        keys.append({"selector": kind, "key_file": str(path)})
    return {"domain": "news.example", "keys": keys}


def bench_config(dkim: dict | None = None):
    digest = {"from": "Bench <digest@news.example>", "unsubscribe_url": "https://subscribe.news.example/unsubscribe"}
    return site_config({"SITENAME": "Bench Gazette", "SITEURL": "https://news.example", "TIMEZONE": "UTC",
                        "MASTHEAD": {"digest": {**digest, **({"dkim": dkim} if dkim else {})}}})


def main(sizes: list[int]) -> None:
    print(f"machine: {machine()}")
    signing = os.environ.get("DKIM", "")
    keys = tempfile.TemporaryDirectory(prefix="masthead-dkim-")
    config = bench_config(dkim_keys(signing, Path(keys.name)) if signing else None)
    port, relay_port = free_ports(2)
    latency = float(os.environ.get("LATENCY", "0"))  # milliseconds a round trip takes to the relay
    # The server runs in its own process, as a relay would: it must not share this one's GIL. It
    # offers PIPELINING, as Postfix, Exim, Gmail and SES do.
    server = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                               "-c", "slow_relay.PipeliningSink"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(HERE)})
    relay = None
    if latency:
        relay = subprocess.Popen([sys.executable, str(HERE / "slow_relay.py"), str(relay_port), str(port),
                                  str(latency)])
        port = relay_port
    for _ in range(100):
        try:
            smtplib.SMTP("127.0.0.1", port).quit()
            break
        except OSError:
            time.sleep(0.1)
    messages = real_messages(config)
    print(f"digest size: {sum(len(m) for m, _ in messages) / len(messages) / 1024:.1f} KB on average; "
          f"{WORKERS} sending workers; server: aiosmtpd (a Sink offering PIPELINING) in its own process; "
          f"DKIM: {signing or 'none'}; round trip to the server: {latency:g} ms")
    print(f"{'subscribers':>11} {'seconds':>8} {'msg/s':>7} {'peak MB':>8} {'server CPU':>10} "
          f"{'plain loop msg/s':>17} {'ratio':>6}")
    try:
        for size in sizes:
            with tempfile.TemporaryDirectory(prefix="masthead-digest-bench-") as tmp:
                output = manifest(Path(tmp) / "output")
                store = SubscriberStore(Path(tmp) / "subscribers.sqlite3")
                fill(store, size)
                server_cpu = cpu_seconds(server.pid)
                started = time.perf_counter()
                report = send_digests("daily", NOW, output, store, config, Theme(PACKAGED_THEME),
                                      lambda: SMTPSender("127.0.0.1", port, "none"), workers=WORKERS,
                                      say=lambda line: None)
                seconds = time.perf_counter() - started
                server_busy = (cpu_seconds(server.pid) - server_cpu) / seconds
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                store.close()
                assert report.sent + report.nothing_new == size and report.deferred == 0
                sample = min(report.sent, 100 if latency else 2000)  # the loop pays every round trip
                loop_seconds = plain_loop(port, sample, messages)
                rate, loop_rate = report.sent / seconds, sample / loop_seconds
                print(f"{size:>11,} {seconds:>8.1f} {rate:>7.0f} {peak:>8.1f} {server_busy:>10.0%} "
                      f"{loop_rate:>17.0f} {rate / loop_rate:>5.1f}x")
    finally:
        for process in (relay, server):
            if process is not None:
                process.terminate()
                process.wait()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10000, 50000, 100000])
