"""Subscribers: the store on both engines (a real SQLite file, a real PostgreSQL server), and the
`masthead subscribers` commands."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from masthead.cli import main
from masthead.errors import ContentError, MastheadError
from masthead.subscribers.model import Interests, subscriber_from
from masthead.subscribers.store import SubscriberStore

INTERESTS = Interests(("World", "Europe"), ("jane-doe", "john-roe"))


@pytest.fixture
def store(database):
    clock = iter(datetime(2026, 11, 27, 12, minute, tzinfo=timezone.utc) for minute in range(60))
    opened = SubscriberStore(database, clock=lambda: next(clock))
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
    rows = store.db.execute("SELECT * FROM suppressed").fetchall()
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


def old_database(path, version=2):
    """An SQLite database as an earlier masthead left it (schema `version`), with one reader."""
    import sqlite3

    from masthead.subscribers.store import SCHEMA, SIGNUPS_SCHEMA

    with sqlite3.connect(path) as db:
        for statement in SCHEMA + (SIGNUPS_SCHEMA if version >= 2 else []):
            db.execute(statement)
        db.execute("INSERT INTO subscribers (key, email, status, frequency, token, created, updated) VALUES "
                   "('old@example.org', 'Old@example.org', 'active', 'daily', 'secret-token-of-old', "
                   "'2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')")
        db.execute(f"PRAGMA user_version = {version}")
    db.close()


def test_an_older_schema_says_what_to_run_and_migrate_brings_it_up_to_date(newsroom, monkeypatch):
    from masthead.subscribers.store import SCHEMA_VERSION

    monkeypatch.chdir(newsroom.root)
    old_database(newsroom.root / "subscribers.sqlite3")
    with pytest.raises(MastheadError, match=r"subscribers.sqlite3 has schema 2; this masthead needs 4: run "
                                            r"`masthead subscribers migrate` \(keep a backup first\)"):
        SubscriberStore(newsroom.root / "subscribers.sqlite3")
    refused = CliRunner().invoke(main, ["subscribers", "count"])
    assert refused.exit_code == 1 and "run `masthead subscribers migrate`" in refused.output
    migrated = CliRunner().invoke(main, ["subscribers", "migrate"])
    assert migrated.exit_code == 0 and migrated.output.endswith(f"subscribers.sqlite3: schema 2 -> {SCHEMA_VERSION} "
                                                                 "(sqlite)\n")
    again = CliRunner().invoke(main, ["subscribers", "migrate"])
    assert "already at schema 4 (sqlite); nothing to do" in again.output
    store = SubscriberStore(newsroom.root / "subscribers.sqlite3")
    assert store.get("old@example.org").token == "secret-token-of-old"  # nothing lost on the way
    assert store.rate_hit("client", "10.0.0.1", 1, 60, 1000.0) == 0.0
    store.close()


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "subscribers.sqlite3"
    old_database(path, 2)
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(MastheadError, match="was written by a newer masthead \\(schema 99\\); upgrade masthead"):
        SubscriberStore(path)


def test_copy_moves_every_reader_and_delivery_to_postgresql_and_is_idempotent(newsroom, monkeypatch, postgres):
    from masthead.digest.journal import Journal

    monkeypatch.chdir(newsroom.root)
    url = postgres.fresh_database()
    source = SubscriberStore(newsroom.root / "subscribers.sqlite3")
    source.import_csv(CSV, "readers.csv", INTERESTS)
    source.unsubscribe("two@example.org")
    add(source, "gone@example.org")
    source.erase("gone@example.org")
    journal = Journal(source)
    edition = journal.edition("daily", "2026-11-27", datetime(2026, 11, 27, 23, tzinfo=timezone.utc),
                              lambda until: "daily-20261127-x")
    journal.sent(edition.id, "one@example.org", "<m1@news.example>", ["a1"], datetime(2026, 11, 27, tzinfo=timezone.utc))
    tokens = {s.key: s.token for s in source.all()}
    source.close()

    def copy():
        return CliRunner().invoke(main, ["subscribers", "copy", "--to", url])

    first = copy()
    assert first.exit_code == 0, first.output
    assert first.output == (f"Copied {newsroom.root / 'subscribers.sqlite3'} to {url}: 2 subscribers, "
                            "1 suppressed, 0 signups, 1 editions, 1 deliveries\n")
    assert copy().output == first.output  # again: the same rows, nothing added
    target = SubscriberStore(url)
    assert target.engine == "postgresql"
    assert {s.key: s.token for s in target.all()} == tokens  # links in mail already sent keep working
    assert target.get("two@example.org").status == "unsubscribed" and target.is_suppressed("gone@example.org")
    assert target.db.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0] == 1
    assert Journal(target).history("daily-20261127-x", "daily", ["one@example.org"])["one@example.org"][0] == "sent"
    target.close()


def test_a_password_in_a_database_url_is_never_shown(monkeypatch, postgres):
    from masthead.subscribers.database import StoreUnavailable

    url = f"postgresql://postgres:hunter2secret@127.0.0.1:{postgres.port + 1}/nowhere"  # nothing listens there
    with pytest.raises(StoreUnavailable) as caught:
        SubscriberStore(url, wait=0.5)
    assert "hunter2secret" not in str(caught.value)
    assert f"postgresql://postgres@127.0.0.1:{postgres.port + 1}/nowhere cannot be reached now" in str(caught.value)


def test_rate_limits_are_one_count_for_every_connection(database):
    stores = [SubscriberStore(database) for _ in range(3)]
    answers = [stores[n % 3].rate_hit("client", "10.0.0.1", 5, 60, 1000.0 + n) for n in range(8)]
    assert answers[:5] == [0.0] * 5 and all(wait > 0 for wait in answers[5:])
    assert stores[0].rate_hit("client", "10.0.0.1", 5, 60, 1061.0) == 0.0  # the first hit left the window
    assert stores[1].rate_hit("client", "10.0.0.2", 5, 60, 1000.0) == 0.0  # another key, its own count
    for store in stores:
        store.close()


# Exports as the services write them (columns and statuses from their own export files).
MAILCHIMP_SUBSCRIBED = """Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME,CONFIRM_TIME,GMTOFF,TIMEZONE,CC,TAGS
ana@example.org,Ana,Ruiz,2,2024-01-01 10:00:00,2024-01-01 10:05:00,0,Europe/Madrid,ES,""
"""
MAILCHIMP_UNSUBSCRIBED = """Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME,UNSUB_TIME,UNSUB_CAMPAIGN_TITLE,UNSUB_REASON
left@example.org,Left,Early,1,2023-05-01 10:00:00,2024-02-01 09:00:00,Weekly,No longer interested
"""
MAILCHIMP_CLEANED = """Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME,CLEAN_TIME,CLEAN_CAMPAIGN_TITLE
gone@example.org,Gone,Away,1,2023-05-01 10:00:00,2024-03-01 09:00:00,Weekly
"""
SUBSTACK = """email,active_subscription,expiry,plan,email_disabled,created_at,first_payment_at
free@example.org,false,,,false,2024-01-01T00:00:00.000Z,
paid@example.org,true,2026-01-01T00:00:00.000Z,yearly,false,2024-01-01T00:00:00.000Z,2024-01-02T00:00:00.000Z
quiet@example.org,false,,,true,2024-01-01T00:00:00.000Z,
"""
GHOST = """id,email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,created_at,deleted_at,labels,tiers
6512,member@example.org,Mina Member,,true,false,,2024-01-01T00:00:00.000Z,,,
6513,optout@example.org,Otto Out,,false,false,,2024-01-01T00:00:00.000Z,,,
"""
BUTTONDOWN = """email,notes,metadata,tags,referrer_url,creation_date,secondary_id,source,subscriber_type
regular@example.org,,{},,,2024-01-01T00:00:00Z,1,api,regular
waiting@example.org,,{},,,2024-01-01T00:00:00Z,2,api,unactivated
bounced@example.org,,{},,,2024-01-01T00:00:00Z,3,api,undeliverable
complained@example.org,,{},,,2024-01-01T00:00:00Z,4,api,complained
"""


@pytest.mark.parametrize("service, files, expected", [
    ("mailchimp", [MAILCHIMP_SUBSCRIBED, MAILCHIMP_UNSUBSCRIBED, MAILCHIMP_CLEANED],
     {"ana@example.org": ("active", "Ana Ruiz"), "left@example.org": ("unsubscribed", "Left Early"),
      "gone@example.org": ("bounced", "Gone Away")}),
    ("substack", [SUBSTACK], {"free@example.org": ("active", ""), "paid@example.org": ("active", ""),
                              "quiet@example.org": ("unsubscribed", "")}),
    ("ghost", [GHOST], {"member@example.org": ("active", "Mina Member"),
                        "optout@example.org": ("unsubscribed", "Otto Out")}),
    ("buttondown", [BUTTONDOWN], {"regular@example.org": ("active", ""), "waiting@example.org": ("pending", ""),
                                  "bounced@example.org": ("bounced", ""),
                                  "complained@example.org": ("unsubscribed", "")}),
])
def test_lists_from_other_services_keep_who_left_and_import_twice_changes_nothing(newsroom, monkeypatch, tmp_path,
                                                                                  service, files, expected):
    monkeypatch.chdir(newsroom.root)

    def run(*args):
        return CliRunner().invoke(main, ["subscribers", *args])

    outputs = []
    for n, text in enumerate(files):
        (tmp_path / f"export{n}.csv").write_text(text)
        outputs.append(run("import", str(tmp_path / f"export{n}.csv"), "--from", service))
        assert outputs[-1].exit_code == 0, outputs[-1].output
    store = SubscriberStore(newsroom.root / "subscribers.sqlite3")
    assert {s.email: (s.status, s.name) for s in store.all()} == expected
    store.close()
    left = sum(1 for status, _ in expected.values() if status in ("unsubscribed", "bounced"))
    assert f"who left {service} imported as unsubscribed or bounced" in "".join(o.output for o in outputs)
    for n, _ in enumerate(files):  # again: nothing changes, nobody comes back
        again = run("import", str(tmp_path / f"export{n}.csv"), "--from", service)
        assert "0 added, 0 updated" in again.output
    store = SubscriberStore(newsroom.root / "subscribers.sqlite3")
    assert {s.email: (s.status, s.name) for s in store.all()} == expected
    assert sum(1 for s in store.all() if s.status in ("unsubscribed", "bounced")) == left
    store.close()


def test_a_reader_who_left_the_old_service_after_being_imported_is_never_mailed_again(newsroom, monkeypatch, tmp_path):
    monkeypatch.chdir(newsroom.root)
    (tmp_path / "before.csv").write_text(GHOST.replace("optout@example.org,Otto Out,,false", "optout@example.org,Otto Out,,true"))
    CliRunner().invoke(main, ["subscribers", "import", str(tmp_path / "before.csv"), "--from", "ghost"])
    CliRunner().invoke(main, ["subscribers", "add", "member@example.org", "--section", "Europe"])  # already there: refused
    (tmp_path / "after.csv").write_text(GHOST)
    result = CliRunner().invoke(main, ["subscribers", "import", str(tmp_path / "after.csv"), "--from", "ghost"])
    assert "1 who left ghost imported as unsubscribed or bounced" in result.output
    store = SubscriberStore(newsroom.root / "subscribers.sqlite3")
    assert store.get("optout@example.org").status == "unsubscribed"
    assert store.get("member@example.org").status == "active"
    store.close()


def test_an_export_of_another_kind_is_refused_by_its_header(newsroom, monkeypatch, tmp_path):
    monkeypatch.chdir(newsroom.root)
    (tmp_path / "ghost.csv").write_text(GHOST)
    result = CliRunner().invoke(main, ["subscribers", "import", str(tmp_path / "ghost.csv"), "--from", "mailchimp"])
    assert result.exit_code == 1
    assert "header: expected a Mailchimp audience export (a column 'Email Address'), found columns 'id,email,name" \
        in result.output
    (tmp_path / "odd.csv").write_text("email,subscriber_type\nx@example.org,vip\n")
    odd = CliRunner().invoke(main, ["subscribers", "import", str(tmp_path / "odd.csv"), "--from", "buttondown"])
    assert odd.exit_code == 1 and "odd.csv:2: status: expected a Buttondown subscriber type" in odd.output
    assert "found 'vip'" in odd.output
