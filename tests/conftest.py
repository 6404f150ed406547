"""Fixtures: a small newsroom written into a temporary folder, built by a real Pelican run."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import html
from PIL import Image

from masthead.themes import Theme

REPO = Path(__file__).resolve().parent.parent
THEME = Theme(REPO / "theme")  # The Meridian's theme, whole, as a fixture newsroom's THEME names it
# The build clock of every fixture site: articles dated after it are scheduled.
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)

SETTINGS = """\
SITENAME = "The Test Gazette"
SITEURL = {site_url!r}
TIMEZONE = "Europe/Brussels"
DEFAULT_LANG = "en"
PATH = "content"
OUTPUT_PATH = "output"
THEME = {theme!r}
PLUGINS = ["masthead.plugin"]
MASTHEAD = {masthead!r}
"""

# The sample's scheduled article is dated 2027-01-15; judge the sample as of the day it was written.
SAMPLE_NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)

DEFAULT_MASTHEAD = {
    "about": "The Test Gazette reports on tests.",
    "logo": "logo.png",
    "subscribe_url": "https://subscribe.example/subscribe",
    "sections": ["World", "Europe", "Opinion"],
}


def front_matter(fields: dict) -> str:
    """YAML for a dict, each value written as the YAML an editor would type."""
    lines = []
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            for item in value:
                if isinstance(item, dict):
                    first = True
                    for k, v in item.items():
                        lines.append(f"  {'- ' if first else '  '}{k}: {v}")
                        first = False
                else:
                    lines.append(f"  - {item}")
        else:
            lines.append(f"{key}: {value}")
    return "---\n" + "\n".join(lines) + "\n---\n"


class Newsroom:
    """A newsroom folder an individual test shapes, then checks or builds."""

    def __init__(self, root: Path, site_url: str = "", masthead: dict | None = None):
        self.root = root
        self.content = root / "content"
        for folder in ("articles", "authors", "pages", "images"):
            (self.content / folder).mkdir(parents=True, exist_ok=True)
        self.settings_file = root / "pelicanconf.py"
        self.settings_file.write_text(SETTINGS.format(
            site_url=site_url, theme=str(REPO / "theme"), masthead=masthead or DEFAULT_MASTHEAD))
        self.image("logo.png", 64, 64)

    @property
    def output(self) -> Path:
        return self.root / "output"

    def image(self, name: str, width: int = 1600, height: int = 900) -> None:
        path = self.content / "images" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (width, height), (120, 30, 30)).save(path)

    def author(self, slug: str, name: str, bio: str = "Writes things.", **fields) -> Path:
        path = self.content / "authors" / f"{slug}.md"
        path.write_text(front_matter({"name": name, **fields}) + bio + "\n", encoding="utf-8")
        return path

    def article(self, name: str, body: str = "First paragraph.\n\nSecond paragraph.", **fields) -> Path:
        defaults = {
            "title": "A headline", "date": "2026-11-20T09:00+01:00", "authors": ["jane-doe"],
            "category": "World", "summary": "What happened.",
        }
        path = self.content / "articles" / f"{name}.md"
        path.write_text(front_matter({**defaults, **fields}) + "\n" + body + "\n", encoding="utf-8")
        return path

    def raw_article(self, name: str, data: bytes | str) -> Path:
        path = self.content / "articles" / f"{name}.md"
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    def page(self, name: str, body: str = "Page text.", **fields) -> Path:
        path = self.content / "pages" / f"{name}.md"
        path.write_text(front_matter({"title": "About", "summary": "About us.", **fields}) + body, encoding="utf-8")
        return path

    def build(self, now: datetime = NOW):
        from masthead.build import build_site

        return build_site(self.settings_file, now=now)

    def html(self, rel: str):
        return html.fromstring((self.output / rel).read_bytes())


@pytest.fixture
def newsroom(tmp_path: Path) -> Newsroom:
    room = Newsroom(tmp_path / "newsroom")
    room.author("jane-doe", "Jane Doe", "Jane covers the world.", role="Correspondent")
    return room


@pytest.fixture
def run(newsroom, monkeypatch):
    """`masthead ARGS` as an editor types it in the newsroom's folder (click's test runner)."""
    from click.testing import CliRunner

    from masthead.cli import main

    monkeypatch.chdir(newsroom.root)

    def invoke(*args):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


def settle(room: Newsroom) -> None:
    """Date every content file an hour back: a file saved within two seconds of a build is never
    trusted to be unchanged (its clock tick may hide a second save). masthead's code and theme
    are inputs too: when one was saved a moment ago (while developing), wait those seconds out."""
    past = time.time() - 3600
    for path in room.content.rglob("*"):
        os.utime(path, (past, past))
    newest = max(p.stat().st_mtime for folder in (REPO / "plugins", REPO / "theme") for p in folder.rglob("*"))
    time.sleep(max(0.0, newest + 2.1 - time.time()))


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory):
    """One SeaweedFS for the test session; each test uses its own bucket."""
    from seaweed import start_seaweed

    store = start_seaweed(tmp_path_factory.mktemp("seaweed"))
    yield store
    store.stop()


@pytest.fixture(scope="session")
def postgres():
    """One PostgreSQL server for the test session; each test that asks gets a database of its own.
    Its folder is outside pytest's (which only root may enter): the server runs as `postgres`."""
    from postgres import start_postgres

    folder = Path(tempfile.mkdtemp(prefix="masthead-postgres-"))
    server = start_postgres(folder)
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """The subscriber database on each engine: an SQLite file, or a fresh PostgreSQL database (URL)."""
    if request.param == "sqlite":
        return tmp_path / "subscribers.sqlite3"
    return request.getfixturevalue("postgres").fresh_database()


@pytest.fixture
def s3_env(monkeypatch, tmp_path):
    """Credentials from the environment only, and nothing from this machine's AWS files."""
    from seaweed import ACCESS_KEY, SECRET_KEY

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def smtp():
    """aiosmtpd on 127.0.0.1 for one test; yields (port, recorder of accepted messages)."""
    from smtp_server import start_smtp

    controller, recorder, port = start_smtp()
    yield port, recorder
    recorder.release()
    controller.stop()


SUBSCRIPTION_SECRET = "test-secret-for-signed-links-0123456789abcdef"


@pytest.fixture(autouse=True)
def subscription_secret(monkeypatch):
    """The secret the subscription service and the digest sender share (never a real one)."""
    monkeypatch.setenv("MASTHEAD_SUBSCRIPTION_SECRET", SUBSCRIPTION_SECRET)
    return SUBSCRIPTION_SECRET


def link_token(stored_token: str) -> str:
    """What a reader's unsubscribe and preferences links carry for this stored token."""
    from masthead.subscriptions.tokens import TokenSigner

    return TokenSigner(SUBSCRIPTION_SECRET).manage(stored_token)


@pytest.fixture
def imap():
    """A real IMAP server (Dovecot) on 127.0.0.1 with one mailbox, in a folder of its own under
    /tmp (Dovecot's users must be able to reach it, which pytest's private temporary folder denies)."""
    import shutil
    import tempfile

    import trustme
    from dovecot import start_dovecot

    from seaweed import free_ports

    folder = Path(tempfile.mkdtemp(prefix="masthead-dovecot-"))
    authority = trustme.CA()  # IMAPS with a certificate the test trusts (SSL_CERT_FILE, in the test)
    served = authority.issue_cert("127.0.0.1")
    served.private_key_and_cert_chain_pem.write_to_path(str(folder / "imap.pem"))
    served.private_key_pem.write_to_path(str(folder / "imap.key"))
    authority.cert_pem.write_to_path(str(folder / "ca.pem"))
    (folder / "imap.pem").chmod(0o644)
    (folder / "imap.key").chmod(0o644)  # read by Dovecot's own user; a throwaway key
    plain, tls = free_ports(2)
    server = start_dovecot(folder, plain, tls, (folder / "imap.pem", folder / "imap.key"))
    server.ca_file = folder / "ca.pem"
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)
