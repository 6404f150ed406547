"""Subscribers: the store on a real SQLite file, and the `masthead subscribers` commands."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from masthead.cli import main
from masthead.errors import ContentError, MastheadError
from masthead.subscribers.model import Interests, subscriber_from
from masthead.subscribers.store import SubscriberStore

INTERESTS = Interests(("World", "Europe"), ("jane-doe", "john-roe"))


@pytest.fixture
def store(tmp_path):
    clock = iter(datetime(2026, 11, 27, 12, minute, tzinfo=timezone.utc) for minute in range(60))
    opened = SubscriberStore(tmp_path / "subscribers.sqlite3", clock=lambda: next(clock))
    yield opened
    opened.close()


def add(store, email, **fields):
    return store.add(subscriber_from({"email": email, **fields}, INTERESTS, "test"))


def test_addresses_are_one_reader_whatever_their_case(store):
    added = add(store, "Jane.Doe@Example.ORG", name="Jane", sections=["Europe"])
    assert added.email == "Jane.Doe@example.org" and added.status == "active" and len(added.token) >= 40
    with pytest.raises(MastheadError, match="Jane.Doe@example.org is already a subscriber"):
        add(store, "jane.doe@example.org")


@pytest.mark.parametrize("fields, message", [
    ({"email": "not-an-address"}, "email: expected an email address such as reader@example.org, found 'not-an-address'"),
    ({"email": "a@b.org", "frequency": "hourly"}, "frequency: expected daily or weekly, found 'hourly'"),
    ({"email": "a@b.org", "sections": ["Erope"]}, "found 'Erope' (did you mean 'Europe'?)"),
    ({"email": "a@b.org", "authors": ["jane-do"]}, "found 'jane-do' (did you mean 'jane-doe'?)"),
    ({"email": "a@b.org", "status": "unsubscribed"}, "status: expected pending or active"),
])
def test_bad_fields_are_named(fields, message):
    with pytest.raises(ContentError) as caught:
        subscriber_from(fields, INTERESTS, "readers.csv", 4)
    assert any(message in str(p) and str(p).startswith("readers.csv:4:") for p in caught.value.problems)


CSV = """email,name,frequency,sections,authors,language
one@example.org,One,daily,Europe;World,,
two@example.org,Two,weekly,,jane-doe,fa
broken,Nobody,daily,,,
three@example.org,Three,monthly,,,
One@Example.org,Again,daily,,,
"""


def test_import_reports_bad_rows_by_line_and_is_idempotent(store):
    report = store.import_csv(CSV, "readers.csv", INTERESTS)
    assert (report.added, report.updated, report.unchanged) == (2, 0, 0)
    assert [(p.line, p.field) for p in report.problems] == [(4, "email"), (5, "frequency"), (6, "email")]
    assert str(report.problems[2]) == "readers.csv:6: email: expected each address once in the file, found 'One@example.org' again"
    two = store.get("two@example.org")
    assert (two.frequency, two.authors, two.language) == ("weekly", ("jane-doe",), "fa")
    assert store.get("one@example.org").sections == ("Europe", "World")

    before = list(store.all())
    again = store.import_csv(CSV, "readers.csv", INTERESTS)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert list(store.all()) == before


def test_an_import_never_resubscribes_and_an_erased_address_never_returns(store):
    store.import_csv(CSV, "readers.csv", INTERESTS)
    store.unsubscribe("ONE@example.org")
    store.erase("two@example.org")
    report = store.import_csv(CSV, "readers.csv", INTERESTS)
    assert report.kept_unsubscribed == 2 and report.added == 0
    assert store.get("one@example.org").status == "unsubscribed"
    assert store.get("two@example.org") is None
    with pytest.raises(MastheadError, match="was erased at the reader's request"):
        add(store, "Two@example.org")
    rows = sqlite3.connect(store.path).execute("SELECT * FROM suppressed").fetchall()
    assert len(rows) == 1 and "two@example.org" not in str(rows)


def test_export_round_trips_without_tokens(store, tmp_path):
    store.import_csv(CSV, "readers.csv", INTERESTS)
    exported = store.export_csv()
    assert exported.splitlines()[0] == "email,name,status,frequency,sections,authors,language"
    assert "one@example.org,One,active,daily,Europe;World,," in exported
    assert all(s.token not in exported for s in store.all())
    other = SubscriberStore(tmp_path / "copy.sqlite3")
    assert other.import_csv(exported, "backup.csv", INTERESTS).added == 2
    other.close()


def test_import_refuses_a_file_without_an_email_column(store):
    with pytest.raises(ContentError, match="readers.csv:1: header: expected a first line naming the columns"):
        store.import_csv("name\nJane\n", "readers.csv", INTERESTS)


def test_the_commands(newsroom, monkeypatch, tmp_path):
    monkeypatch.chdir(newsroom.root)

    def run(*args):
        return CliRunner().invoke(main, ["subscribers", *args], catch_exceptions=False)

    assert run("add", "Reader@Example.org", "--name", "A Reader", "--section", "Europe").output == \
        "Added Reader@example.org (active, daily).\n"
    bad = run("add", "x@example.org", "--section", "Erope")
    assert bad.exit_code == 1 and "found 'Erope' (did you mean 'Europe'?)" in bad.output
    (tmp_path / "readers.csv").write_text(CSV)
    imported = run("import", str(tmp_path / "readers.csv"))
    assert imported.exit_code == 1  # some rows were bad
    assert "Imported: 2 added, 0 updated, 0 unchanged, 0 left unsubscribed, 3 rows with problems." in imported.output
    assert run("remove", "reader@example.org").output == "Unsubscribed Reader@example.org.\n"
    listed = run("list", "--status", "unsubscribed").output
    assert listed.startswith("Reader@example.org\tunsubscribed\tdaily\tany language\tEurope")
    counted = run("count").output
    assert "active        daily   1" in counted and "total                 3" in counted
    assert run("export").output.count("\n") == 4
    assert (newsroom.root / "subscribers.sqlite3").is_file()
