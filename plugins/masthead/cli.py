"""The `masthead` command. It only translates: arguments in, library calls, one line per problem out.

Exit codes: 0 success, 1 the content or the build has problems, 2 wrong usage.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import click

from . import __version__
from .deploy.presets import PRESETS
from .errors import ContentError, MastheadError
from .extras import MissingExtra, needs
from .themes import theme_of

DEV_SETTINGS = "pelicanconf.py"
PRODUCTION_SETTINGS = "publishconf.py"


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"expected an ISO 8601 date-time such as 2026-12-01T07:00+01:00, found {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def requires(*extras: str):
    """A command that needs the packages of these extras: a missing one is one line naming it."""
    def wrap(command):
        @functools.wraps(command)
        def run(*args, **kwargs):
            try:
                with contextlib.ExitStack() as stack:
                    for extra in extras:
                        stack.enter_context(needs(extra))
                    return command(*args, **kwargs)
            except MissingExtra as exc:
                _fail(exc)
        return run
    return wrap


def _fail(exc: MastheadError) -> None:
    if isinstance(exc, ContentError):
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        count = len(exc.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", err=True)
    else:
        click.echo(f"error: {exc}", err=True)
    sys.exit(1)


# One rule for every command (README, "Commands"): what reaches readers or the live site (publish,
# deploy, digest preview and send) reads publishconf.py; everything else reads pelicanconf.py.
settings_option = click.option(
    "--settings", "settings_file", type=click.Path(path_type=Path), default=None,
    help=f"Settings file (default: {DEV_SETTINGS}).")
reader_settings_option = click.option(
    "--settings", "settings_file", type=click.Path(path_type=Path), default=None,
    help=f"Settings file (default: {PRODUCTION_SETTINGS}, since this reaches readers; {DEV_SETTINGS} for a "
         "local try).")
now_option = click.option(
    "--now", callback=lambda ctx, param, value: _moment(value), default=None, metavar="WHEN",
    help="Judge scheduled articles as if it were WHEN (ISO 8601); default: the current time.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="masthead")
@click.option("-v", "--verbose", is_flag=True, help="Show the site generator's progress and full tracebacks.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """Build, check and preview a newsroom's site from its git repository."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = {"verbose": verbose}


@main.command()
@click.option("--production", is_flag=True, help=f"Use {PRODUCTION_SETTINGS} (SITEURL and other overrides).")
@click.option("--settings", "settings_file", type=click.Path(path_type=Path), default=None,
              help=f"Settings file (default: {DEV_SETTINGS}, or {PRODUCTION_SETTINGS} with --production).")
@now_option
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="Folder to build into (default: OUTPUT_PATH from the settings, normally output/).")
@click.option("--site-url", default=None, metavar="URL",
              help="Build for another address than SITEURL, such as a branch's preview.")
def build(production: bool, settings_file: Path | None, now: datetime | None, output: Path | None,
          site_url: str | None) -> None:
    """Build the site into output/; on any error the previous output/ is left as it was."""
    from .build import build_site

    settings_file = settings_file or Path(PRODUCTION_SETTINGS if production else DEV_SETTINGS)
    try:
        report = build_site(settings_file, now=now, output=output, site_url=site_url)
    except MastheadError as exc:
        _fail(exc)
    if report.unchanged:
        click.echo(f"Nothing changed since the last build: {_shown(report.output)}/ is up to date "
                   f"({_count(report.published, 'article')}, {_count(report.files, 'file')}, {report.seconds:.1f} s).")
        return
    click.echo(f"Built {_count(report.published, 'article')} and {_count(report.pages, 'page')} into "
               f"{_shown(report.output)}/ ({_count(report.files, 'file')}, {report.seconds:.1f} s); held back: "
               f"{report.scheduled} scheduled, {_count(report.drafts, 'draft')}"
               + (f"; {report.expired} expired" if report.expired else "") + ".")
    logging.getLogger(__name__).info("masthead stages: %s", ", ".join(
        f"{stage} {seconds:.2f} s" for stage, seconds in report.timings.items()))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@settings_option
@now_option
@click.option("--format", "output_format", type=click.Choice(["text", "github"]), default="text", show_default=True,
              help="github: annotations on a pull request's files (GitHub Actions workflow commands).")
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@click.option("--base", default=None, metavar="REF",
              help="The branch ids and addresses are compared with (default: origin/main, else main).")
def check(paths, settings_file: Path | None, now: datetime | None, output_format: str, strict: bool,
          base: str | None) -> None:
    """The editorial check: content and settings, links, images, lengths, ids and addresses. Writes
    nothing but the parse cache. With PATHS (as pre-commit passes them), only problems in those
    files are shown."""
    from .build import load_settings
    from .config import site_config
    from .content.editorial import Finding, earlier_article, editorial_findings, located, scheduled_lines
    from .parsecache import read_newsroom
    from .sources import files_at
    from .workers import Workers

    settings_file = settings_file or Path(DEV_SETTINGS)
    wanted = {p.resolve() for p in paths}

    def shown(path: str) -> bool:
        return not wanted or Path(path).resolve() in wanted

    def report(findings: list[Finding]) -> None:
        for finding in findings:
            click.echo(finding.github() if output_format == "github" else str(finding),
                       err=output_format == "text")

    try:
        settings = load_settings(settings_file)
        config = site_config(settings, source=str(settings_file))
        content = Path(settings["PATH"])
        with Workers() as workers:
            newsroom = read_newsroom(content, config, now or datetime.now(timezone.utc),
                                     Path(settings["CACHE_PATH"]), theme=theme_of(settings), workers=workers)
    except ContentError as exc:
        findings = [Finding(p.path, p.line, "error", p.field, f"expected {p.expected}, found {p.found}")
                    for p in exc.problems if shown(p.path)]
        if output_format == "github":
            report(findings)
        else:
            _fail(ContentError([p for p in exc.problems if shown(p.path)]) if findings else exc)
        sys.exit(1 if findings or not wanted else 0)
    except MastheadError as exc:
        _fail(exc)
    earlier = None
    for ref in ([base] if base else ["origin/main", "main"]):
        files = files_at(content, ref)
        if files is not None:
            earlier = {rel: e for rel, data in files.items()
                       if (e := earlier_article(data, rel, config.timezone)) is not None}
            break
    if earlier is None and base:
        _fail(MastheadError(f"no git ref {base!r} to compare ids and addresses with: fetch it first "
                            f"(git fetch origin {base.removeprefix('origin/')})"))
    found = editorial_findings(newsroom, config.site_url, earlier, removes_expired=config.expired == "remove")
    findings = [f for f in located(found, _read_text) if shown(f.path)]
    report(findings)
    for line in scheduled_lines(newsroom, config.timezone):
        if output_format == "github":
            click.echo(f"::notice title=scheduled::{line}")
        else:
            click.echo(line)
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    failed = errors or (strict and warnings)
    click.echo(f"{'FAILED' if failed else 'OK'}: {len(newsroom.published)} published, "
               f"{len(newsroom.scheduled)} scheduled, {_count(len(newsroom.drafts), 'draft')}, "
               f"{len(newsroom.expired)} expired, {_count(len(newsroom.authors), 'author')}, "
               f"{_count(len(newsroom.pages), 'page')}; {_count(errors, 'error')}, {_count(warnings, 'warning')}"
               + ("" if earlier is not None else " (no main branch to compare ids and addresses with)") + ".")
    if failed:
        sys.exit(1)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--name", default=None, help="The publication's name (default: from the folder's name).")
@click.option("--url", default="", help="The site's public address, for publishconf.py (default: a placeholder).")
@click.option("--language", default="en", show_default=True, help="The site's language (en, fa, ar, ur, ...).")
@click.option("--timezone", "zone", default="UTC", show_default=True, help="Time zone, e.g. Asia/Karachi.")
@click.option("--sections", default=None, help="The sections, comma-separated (default: news and opinion, in the "
              "site's language).")
def init(folder: Path, name: str | None, url: str, language: str, zone: str, sections: str | None) -> None:
    """Start a newsroom in FOLDER: content, settings, CI files, ready to build. Overwrites nothing."""
    from .newsroom_init import plan_newsroom, write_newsroom

    name = name or folder.resolve().name.replace("-", " ").replace("_", " ").title()
    try:
        plan = plan_newsroom(name, url, language, zone, sections.split(",") if sections else None,
                             datetime.now(timezone.utc))
    except MastheadError as exc:
        _fail(exc)
    written, kept = write_newsroom(folder, plan)
    for rel in kept:
        click.echo(f"kept {_shown(folder / rel)} (it exists; not overwritten)")
    click.echo(f"Wrote {len(written)} files for {name} in {_shown(folder)}.")
    click.echo(f"Next: cd {_shown(folder)} && masthead build && masthead serve   (then open http://127.0.0.1:8000/)")


@main.command()
@click.argument("headline")
@click.option("--author", "authors", required=True, multiple=True, metavar="SLUG",
              help="Author slug (a file content/authors/SLUG.md); repeat for several authors.")
@click.option("--section", required=True, help="The section (category) the article belongs to.")
@settings_option
def new(headline: str, authors: tuple[str, ...], section: str, settings_file: Path | None) -> None:
    """Write a new draft article with a complete front-matter skeleton."""
    from .errors import did_you_mean
    from .scaffold import article_filename, article_skeleton

    settings_file = settings_file or Path(DEV_SETTINGS)
    settings, config = _site(settings_file)
    content = Path(settings["PATH"])
    known = {p.stem for p in (content / "authors").glob("*.md")}
    for author in authors:
        if author not in known:
            raise click.BadParameter(f"no author file content/authors/{author}.md{did_you_mean(author, known)}",
                                     param_hint="--author")
    if config.sections and section not in config.sections:
        raise click.BadParameter(f"{section!r} is not one of {', '.join(config.sections)}"
                                 f"{did_you_mean(section, config.sections)}", param_hint="--section")
    date = datetime.now(config.timezone).replace(second=0, microsecond=0)
    path = content / article_filename(headline, date)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = article_skeleton(headline, authors, section, date)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        click.echo(f"error: {_shown(path)} already exists; choose another headline or edit that file.", err=True)
        sys.exit(1)
    click.echo(f"Wrote {_shown(path)} (a draft: set 'status: published' when it is ready).")


@main.command()
@reader_settings_option
@click.option("--output", type=click.Path(path_type=Path), default=None, help="The built site (default: OUTPUT_PATH).")
@click.option("--bucket", default=None, help="Bucket to publish to.")
@click.option("--prefix", default=None, help="Key prefix, e.g. previews/my-branch/ for a preview beside production.")
@click.option("--endpoint-url", default=None, help="S3 endpoint (R2, B2, MinIO, Spaces, ...), as in the AWS CLI.")
@click.option("--region", default=None, help="Region, as in the AWS CLI.")
@click.option("--profile", default=None, help="Profile from the AWS config and credential files.")
@click.option("--preset", type=click.Choice(sorted(PRESETS)), default=None, help="Provider defaults.")
@click.option("--workers", type=int, default=None, help="Parallel uploads (default 8).")
@click.option("--max-deletes", type=int, default=None, help="Refuse to delete more than this (default 256).")
@click.option("--max-delete-share", type=float, default=None,
              help="Refuse to delete more than this share of the bucket's objects (default 0.25; 1: no limit).")
@click.option("--dry-run", is_flag=True, help="Print the plan (every upload with its reason, every delete) and stop.")
@click.option("--verify", is_flag=True, help="List the bucket instead of trusting the deployed manifest: finds "
              "objects changed or removed outside masthead (done anyway once the last listing is "
              "MASTHEAD['deploy']['verify_every_hours'] old, default 24).")
@requires("deploy")
def deploy(settings_file, output, bucket, prefix, endpoint_url, region, profile, preset, workers, max_deletes,
           max_delete_share, dry_run, verify):
    """Publish the built site to S3-compatible storage: only what changed, deletes last."""
    from .build import load_settings
    from .config import site_config
    from .deploy.run import deploy as run_deploy
    from .deploy.run import resolve_target

    settings_file = settings_file or Path(PRODUCTION_SETTINGS)
    try:
        settings = load_settings(settings_file)
        config = site_config(settings, source=str(settings_file))
        target, options = resolve_target(config.deploy, dict(bucket=bucket, prefix=prefix, endpoint_url=endpoint_url,
                                                             region=region, profile=profile, preset=preset,
                                                             workers=workers, max_deletes=max_deletes,
                                                             max_delete_share=max_delete_share))
        run_deploy(Path(output or settings["OUTPUT_PATH"]), target, options, dry_run=dry_run, say=click.echo,
                   verify=verify)
    except MastheadError as exc:
        _fail(exc)


@main.group()
@settings_option
@click.option("--database", default=None,
              help="Subscriber database, a file or a postgresql:// URL (default: MASTHEAD_DATABASE_URL, "
                   "MASTHEAD['database'], or subscribers.sqlite3 beside the settings).")
@click.pass_context
@requires("digest")
def subscribers(ctx: click.Context, settings_file: Path | None, database: str | None) -> None:
    """Manage the readers who receive digests."""
    from .digest.transports import takes_unicode_local_parts
    from .subscribers.model import Interests
    from .subscribers.store import SubscriberStore

    settings_file = settings_file or Path(DEV_SETTINGS)
    settings, config = _site(settings_file)
    path = _database(database, config, settings_file)
    authors = tuple(sorted(p.stem for p in (Path(settings["PATH"]) / "authors").glob("*.md")))
    try:
        ctx.obj["store"] = SubscriberStore(path, migrate=ctx.invoked_subcommand == "migrate")
    except MastheadError as exc:
        _fail(exc)
    ctx.obj["interests"] = Interests(config.sections, authors, takes_unicode_local_parts(config.digest))
    ctx.obj["bounce_limit"] = int(config.digest.get("bounces", 3))
    ctx.obj["verp"] = lambda: _verp_reader(config)
    ctx.call_on_close(ctx.obj["store"].close)


@subscribers.command("add")
@click.argument("email")
@click.option("--name", default="", help="The reader's name.")
@click.option("--frequency", type=click.Choice(["daily", "weekly"]), default="daily", show_default=True)
@click.option("--section", "sections", multiple=True, help="A section to follow (repeat); none: every section.")
@click.option("--author", "authors", multiple=True, help="An author slug to follow (repeat); none: every author.")
@click.option("--language", default="", help="Only articles in this language; empty: every language.")
@click.option("--pending", is_flag=True, help="Add unconfirmed (double opt-in not yet done).")
@click.pass_context
def subscribers_add(ctx, email, name, frequency, sections, authors, language, pending) -> None:
    """Add a reader (active unless --pending)."""
    from .subscribers.model import subscriber_from

    try:
        fields = {"email": email, "name": name, "frequency": frequency, "sections": list(sections),
                  "authors": list(authors), "language": language, "status": "pending" if pending else "active"}
        added = ctx.obj["store"].add(subscriber_from(fields, ctx.obj["interests"], "masthead subscribers add"))
    except MastheadError as exc:
        _fail(exc)
    click.echo(f"Added {added.email} ({added.status}, {added.frequency}).")


@subscribers.command("bounces")
@click.option("--maildir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="The bounce mailbox as a maildir folder (cur/, new/).")
@click.option("--mbox", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The bounce mailbox as an mbox file.")
@click.option("--imap", default="", metavar="URL",
              help="The bounce mailbox over IMAP: imaps://USER@HOST/INBOX (the password in MASTHEAD_IMAP_PASSWORD).")
@click.pass_context
def subscribers_bounces(ctx, maildir, mbox, imap) -> None:
    """Apply the bounce and complaint reports in the bounce mailbox, each once: a permanent failure
    counts toward MASTHEAD['digest']['bounces'], a complaint unsubscribes the reader at once."""
    from .subscribers.bounces import apply_reports, mailbox_messages

    try:
        summary = apply_reports(mailbox_messages(maildir, mbox, imap), ctx.obj["store"], ctx.obj["bounce_limit"],
                                ctx.obj["verp"]())
    except MastheadError as exc:
        _fail(exc)
    click.echo(summary.line())


@subscribers.command("stats")
@click.option("--edition", default="", help="One edition's figures (its id, from `digest send`).")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3650), help="The period looked at.")
@now_option
@click.pass_context
def subscribers_stats(ctx, edition, days, now) -> None:
    """Sent, bounced, complaints and unsubscribes per edition and over the period, with the bounce
    and complaint rates beside the thresholds mailbox providers publish."""
    from datetime import timedelta

    from .subscribers.rates import table, totals

    store = ctx.obj["store"]
    since = ((now or datetime.now(timezone.utc)) - timedelta(days=days)).isoformat()
    editions = store.edition_counts(since, edition)
    if edition and not editions:
        _fail(MastheadError(f"no edition {edition!r} in the delivery journal (`digest send` prints each edition's id)"))
    period = None if edition else totals(f"last {days} days", editions, store.unsubscribed_since(since))
    for line in table(editions, period):
        click.echo(line)
    for warning in ([w for e in editions for w in totals(e["edition"], [e], 0).warnings()] if edition
                    else (period.warnings() if period else [])):
        click.echo(f"warning: {warning}")


@subscribers.command("remove")
@click.argument("email")
@click.option("--erase", is_flag=True,
              help="Delete the reader's data too (a hash is kept so no import adds them back).")
@click.pass_context
def subscribers_remove(ctx, email, erase) -> None:
    """Unsubscribe a reader (kept as unsubscribed, so no import re-subscribes them)."""
    try:
        if erase:
            ctx.obj["store"].erase(email)
            click.echo(f"Erased {email}; it can never be imported again.")
        else:
            done = ctx.obj["store"].unsubscribe(email)
            click.echo(f"Unsubscribed {done.email}.")
    except MastheadError as exc:
        _fail(exc)


@subscribers.command("import")
@click.argument("csv_file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--from", "service", type=click.Choice(["masthead", "mailchimp", "substack", "ghost", "buttondown"]),
              default="masthead", show_default=True,
              help="Whose export the file is: masthead's own CSV, or another service's subscriber export.")
@click.pass_context
def subscribers_import(ctx, csv_file, service) -> None:
    """Import readers from CSV: masthead's own (email, name, status, frequency, sections, authors,
    language) or a Mailchimp, Substack, Ghost or Buttondown export (readers who left there are
    imported as unsubscribed or bounced, and never mailed)."""
    from .subscribers.services import service_rows

    try:
        text = csv_file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        _fail(MastheadError(f"{csv_file}: expected UTF-8 text; save the file as UTF-8 CSV"))
    store = ctx.obj["store"]
    try:
        if service == "masthead":
            report = store.import_csv(text, str(csv_file), ctx.obj["interests"])
        else:
            found = service_rows(service, text, str(csv_file))
            report = store.import_rows(found.rows, str(csv_file), ctx.obj["interests"],
                                       statuses=("pending", "active", "unsubscribed", "bounced"), preferences=False)
            report.problems[:0] = found.problems
            report.skipped = found.skipped
    except MastheadError as exc:
        _fail(exc)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    left = f"{report.left} who left {service} imported as unsubscribed or bounced, " if service != "masthead" else ""
    skipped = f"{len(report.skipped)} skipped (no subscribers there), " if report.skipped else ""
    click.echo(f"Imported: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
               f"{report.kept_unsubscribed} left unsubscribed, {left}{skipped}"
               f"{len(report.problems)} rows with problems.")
    if report.problems:
        sys.exit(1)


@subscribers.command("export")
@click.pass_context
def subscribers_export(ctx) -> None:
    """Write every subscriber as CSV to standard output (without their secret tokens)."""
    click.echo(ctx.obj["store"].export_csv(), nl=False)


@subscribers.command("list")
@click.option("--status", type=click.Choice(["pending", "active", "unsubscribed", "bounced"]), default=None)
@click.pass_context
def subscribers_list(ctx, status) -> None:
    """One line per subscriber: address, status, frequency, what they follow."""
    for s in ctx.obj["store"].all(status):
        follows = ", ".join([*s.sections, *s.authors]) or "everything"
        click.echo(f"{s.email}\t{s.status}\t{s.frequency}\t{s.language or 'any language'}\t{follows}")


@subscribers.command("count")
@click.pass_context
def subscribers_count(ctx) -> None:
    """Subscribers by status and frequency."""
    counts = ctx.obj["store"].counts()
    for (status, frequency), count in sorted(counts.items()):
        click.echo(f"{status:<13} {frequency:<7} {count}")
    click.echo(f"{'total':<21} {sum(counts.values())}")


@subscribers.command("migrate")
@click.pass_context
def subscribers_migrate(ctx) -> None:
    """Bring the subscriber database's schema up to this masthead's (keep a backup first)."""
    from .subscribers.database import shown
    from .subscribers.store import SCHEMA_VERSION

    store = ctx.obj["store"]
    if store.migrated_from is None:
        click.echo(f"{shown(store.path)}: already at schema {SCHEMA_VERSION} ({store.engine}); nothing to do")
    elif store.migrated_from == 0:
        click.echo(f"{shown(store.path)}: created at schema {SCHEMA_VERSION} ({store.engine})")
    else:
        click.echo(f"{shown(store.path)}: schema {store.migrated_from} -> {SCHEMA_VERSION} ({store.engine})")


@subscribers.command("copy")
@click.option("--to", "target", required=True, help="The database to copy into: a postgresql:// URL or a file.")
@click.pass_context
def subscribers_copy(ctx, target) -> None:
    """Copy every reader, sign-up and delivery into another database (say, from SQLite to
    PostgreSQL). Idempotent: a second run changes nothing."""
    from .subscribers.copy import copy_database
    from .subscribers.database import shown
    from .subscribers.store import SubscriberStore

    source = ctx.obj["store"]
    try:
        destination = SubscriberStore(target if "://" in target else Path(target), migrate=True)
        try:
            copied = copy_database(source, destination)
        finally:
            destination.close()
    except MastheadError as exc:
        _fail(exc)
    click.echo(f"Copied {shown(source.path)} to {shown(target)}: " +
               ", ".join(f"{count} {table}" for table, count in copied.items()))


@main.group("import")
def import_group() -> None:
    """Bring an archive from another publishing system into content/."""


def import_options(command):
    """The options every importer takes."""
    for option in reversed([
        settings_option,
        click.option("--media", type=click.Path(path_type=Path, exists=True, file_okay=False), default=None,
                     help="A local copy of the old site's media folder: images are copied from it."),
        click.option("--section-map", "section_map", multiple=True, metavar="CATEGORY=SECTION",
                     help="File a category (WordPress) or primary tag (Ghost) under a section of the site (repeat)."),
        click.option("--report", "report_file", type=click.Path(path_type=Path),
                     default=Path("import-report.txt"), show_default=True,
                     help="Where the list of what needs an editor's eye is written."),
        click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing."),
    ]):
        command = option(command)
    return command


@import_group.command("wordpress")
@click.argument("export", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--download", is_flag=True,
              help="Fetch the images the media folder lacks from the old site (into CACHE_PATH/import-media/ "
                   "without --media); a second run fetches only what is still missing.")
@import_options
@requires("import")
def import_wordpress(export, download, settings_file, media, section_map, report_file, dry_run) -> None:
    """Import a WordPress export (Tools > Export, WXR 1.1 or 1.2): posts become articles, with
    their old addresses as aliases, authors, sections, tags, excerpts and featured images.
    Importing the same export again changes nothing."""
    from .importers.wordpress import plan_import

    def plan(destination, folder, workers):
        if download and folder is None:
            settings, _ = _site(settings_file or Path(DEV_SETTINGS))
            folder = Path(settings["CACHE_PATH"]) / "import-media" / "wordpress"
            folder.mkdir(parents=True, exist_ok=True)
        return plan_import(export, destination, folder, workers, download=download)

    _import(plan, settings_file, media, section_map, report_file, dry_run)


@import_group.command("ghost")
@click.argument("export", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--url", "site_url", default="", help="The Ghost site's address (its posts lived at URL/slug/).")
@import_options
@requires("import")
def import_ghost(export, site_url, settings_file, media, section_map, report_file, dry_run) -> None:
    """Import a Ghost export (Settings > Labs > Export your content): posts become articles, with
    their authors and bios, primary tag as section, other tags, feature images, and old addresses
    as aliases. Importing the same export again changes nothing."""
    from .importers.ghost import plan_ghost

    _import(lambda destination, folder, workers: plan_ghost(export, destination, folder, site_url, workers),
            settings_file, media, section_map, report_file, dry_run)


@import_group.command("substack")
@click.argument("export", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--author", default="editor", show_default=True,
              help="The author slug every post is bylined to (Substack has one author per publication).")
@click.option("--author-name", default="", help="That author's name, when the import makes their author file.")
@import_options
@requires("import")
def import_substack(export, author, author_name, settings_file, media, section_map, report_file, dry_run) -> None:
    """Import a Substack export folder (posts.csv and posts/): posts become articles, each with
    its old /p/slug address as an alias. File them under a section with --section-map
    Substack=SECTION. Importing the same export again changes nothing."""
    from .importers.substack import plan_substack

    _import(lambda destination, folder, workers: plan_substack(export, destination, folder, author, author_name,
                                                               workers),
            settings_file, media, section_map, report_file, dry_run)


@import_group.command("feed")
@click.argument("source")
@import_options
@requires("import")
def import_feed(source, settings_file, media, section_map, report_file, dry_run) -> None:
    """Import the entries of an RSS or Atom feed (a URL or a file): full bodies where the feed
    carries them, categories, authors, dates, images, and each entry's address as an alias.
    Importing the same feed again changes nothing."""
    from .importers.feed import plan_feed

    _import(lambda destination, folder, workers: plan_feed(source, destination, folder, workers),
            settings_file, media, section_map, report_file, dry_run)


def _import(plan_with, settings_file, media, section_map, report_file, dry_run) -> None:
    """Plan an import (nothing written), say what it holds, then write it into content/.
    `plan_with(destination, media folder, workers)` makes the plan."""
    from .importers.apply import apply_plan, existing_articles
    from .importers.wordpress import Destination
    from .pelican_adapter.settings import apply_pelican_settings
    from .site.layout import layout_from_settings
    from .workers import Workers

    settings_file = settings_file or Path(DEV_SETTINGS)
    settings, config = _site(settings_file)
    content = Path(settings["PATH"])
    mapping = {}
    for item in section_map:
        category, sep, section = item.partition("=")
        if not sep or not category.strip() or not section.strip():
            _fail(MastheadError(f"--section-map {item!r}: expected CATEGORY=SECTION, such as 'News=World'"))
        mapping[category.strip()] = section.strip()
    layout_settings = dict(settings)
    apply_pelican_settings(layout_settings)
    layout = layout_from_settings(layout_settings)

    def address(date, slug: str) -> str:
        return layout.url("ARTICLE", slug=slug, date=date, lang=config.default_lang, category="", author="")

    destination = Destination(config.sections, mapping, frozenset(p.stem for p in (content / "authors").glob("*.md")),
                              existing_articles(content), address)
    try:
        with Workers() as workers:
            plan = plan_with(destination, media, workers)
    except MastheadError as exc:
        _fail(exc)
    report = plan.report
    counts = ", ".join(f"{count} {state}" for state, count in sorted(report.articles.items())) or "no articles"
    skipped = "; ".join(f"{count} {reason}" for reason, count in sorted(report.skipped.items())) or "none"
    click.echo(f"Articles: {counts}. Authors: {report.authors} new. Featured images: {report.images_found} "
               f"found, {report.images_missing} from the old site. Aliases: {report.aliases}. Comments left "
               f"out: {report.comments}. Skipped: {skipped}.")
    if dry_run:
        click.echo(f"Dry run: {_count(len(plan.files), 'file')} and {_count(len(plan.copies), 'image')} would be "
                   f"written to {content}/.")
        return
    try:
        applied = apply_plan(plan, content)
    except (MastheadError, OSError) as exc:
        _fail(MastheadError(str(exc)))
    report_file.write_text("".join(line + "\n" for line in report.review), encoding="utf-8")
    click.echo(f"Wrote {_count(applied.written, 'file')} ({applied.unchanged} unchanged) and "
               f"{_count(applied.copied, 'image')} to {content}/. "
               f"{_count(len(report.review), 'thing needs', 'things need')} an editor's eye: see {report_file}. "
               "Then run `masthead check`.")


@main.command()
@reader_settings_option
@now_option
@click.option("--database", default=None, help="Subscriber database: a file or a postgresql:// URL.")
@click.option("--verify", is_flag=True, help="The deploy lists the bucket instead of trusting the deployed manifest.")
@requires("deploy", "digest")
def publish(settings_file, now, database, verify) -> None:
    """Check, build, deploy, ping the WebSub hub, and send the digests that are due: idempotent."""
    from .publish import publish as run_publish

    settings_file = settings_file or Path(PRODUCTION_SETTINGS)
    try:
        report = run_publish(settings_file, now or datetime.now(timezone.utc), click.echo,
                             Path(database) if database and "://" not in database else database, verify=verify)
    except MastheadError as exc:
        _fail(exc)
    for line in report.warnings:
        click.echo(f"warning: {line}", err=True)
    click.echo(report.summary)


@main.group()
def subscriptions() -> None:
    """The subscription service: sign-up with double opt-in, one-click unsubscribe, preferences."""


@subscriptions.command("serve")
@settings_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 in a container).")
@click.option("--port", default=8025, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Requests handled at once.")
@click.option("--database", default=None, help="Subscriber database: a file or a postgresql:// URL.")
@requires("service")
def subscriptions_serve(settings_file, host, port, threads, database) -> None:
    """Run the service (waitress) for the site's subscribe form and the links in every digest."""
    from .build import load_settings
    from .config import site_config
    from .subscriptions.serve import make_service, serve

    settings_file = settings_file or Path(DEV_SETTINGS)
    try:
        settings = load_settings(settings_file)
        config = site_config(settings, source=str(settings_file))
        service = make_service(config, Path(settings["OUTPUT_PATH"]), theme_of(settings),
                               _database(database, config, settings_file))
    except MastheadError as exc:
        _fail(exc)
    click.echo(f"Subscription service on http://{host}:{port}/ for {config.public_url} (Ctrl-C stops it)")
    serve(service, host, port, threads)


@main.group()
def digest() -> None:
    """Subscriber digests of what was published: preview one, send an edition."""


@digest.command("preview")
@click.option("--subscriber", "email", required=True, help="The subscriber whose digest to write.")
@click.option("--frequency", type=click.Choice(["daily", "weekly"]), default=None,
              help="Default: the subscriber's own.")
@reader_settings_option
@now_option
@click.option("--database", default=None, help="Subscriber database: a file or a postgresql:// URL.")
@click.option("--to", "target", type=click.Path(path_type=Path), default=Path("digest-preview"), show_default=True,
              help="Folder for digest.eml and digest.html.")
@click.option("--send-test", "test_address", default=None, metavar="ADDRESS",
              help="Also send the message to ADDRESS through the configured SMTP server or SES (nothing is recorded).")
@requires("digest")
def digest_preview(email, frequency, settings_file, now, database, target, test_address) -> None:
    """Write the .eml and .html that a subscriber would get now, from the last build's manifest."""
    from .build import load_settings
    from .config import site_config
    from .digest.preview import preview
    from .subscribers.store import SubscriberStore

    settings_file = settings_file or Path(PRODUCTION_SETTINGS)
    try:
        settings = load_settings(settings_file)
        config = site_config(settings, source=str(settings_file))
        store = SubscriberStore(_database(database, config, settings_file))
        try:
            eml, html, count = preview(email, frequency, now or datetime.now(timezone.utc),
                                       Path(settings["OUTPUT_PATH"]), store, config, theme_of(settings), target)
        finally:
            store.close()
    except MastheadError as exc:
        _fail(exc)
    click.echo(f"Wrote {_shown(eml)} and {_shown(html)} ({_count(count, 'story', 'stories')}).")
    if test_address:
        _send_test(eml.read_bytes(), test_address, config)
        click.echo(f"Sent a test copy to {test_address}.")


def _send_test(message: bytes, address: str, config) -> None:
    """One copy to an editor's address, outside the journal: a test never counts as a delivery."""
    from email.utils import parseaddr

    from .digest.preview import sender_for
    from .digest.smtp import PermanentFailure, SenderUnusable, TemporaryFailure
    from .digest.transports import sender_factory

    try:
        sender = sender_factory(config.digest)()
    except MastheadError as exc:
        _fail(exc)
    try:
        sender.send(message, parseaddr(sender_for(config).address)[1], address)
    except (TemporaryFailure, PermanentFailure, SenderUnusable) as exc:
        _fail(MastheadError(f"the test copy to {address} was refused: {exc}"))
    finally:
        sender.close()


@digest.command("send")
@click.option("--frequency", type=click.Choice(["daily", "weekly"]), default="daily", show_default=True)
@click.option("--dry-run", is_flag=True, help="Print the plan (edition, readers, messages) and send nothing.")
@reader_settings_option
@now_option
@click.option("--database", default=None, help="Subscriber database: a file or a postgresql:// URL.")
@requires("digest")
def digest_send(frequency, dry_run, settings_file, now, database) -> None:
    """Send this period's digest to every active reader of a frequency, each exactly once."""
    from .build import load_settings
    from .config import site_config
    from .digest.send import send_digests
    from .digest.transports import sender_factory
    from .subscribers.store import SubscriberStore

    settings_file = settings_file or Path(PRODUCTION_SETTINGS)
    try:
        settings = load_settings(settings_file)
        config = site_config(settings, source=str(settings_file))
        connect = None if dry_run else sender_factory(config.digest)

        store = SubscriberStore(_database(database, config, settings_file))
        try:
            report = send_digests(frequency, now or datetime.now(timezone.utc), Path(settings["OUTPUT_PATH"]), store,
                                  config, theme_of(settings), connect, dry_run=dry_run,
                                  rate=float(config.digest.get("rate", 0)),
                                  workers=int(config.digest.get("workers", 4)),
                                  say=click.echo)
        finally:
            store.close()
    except MastheadError as exc:
        _fail(exc)
    if report.errors:
        for line in report.errors:
            click.echo(f"refused: {line}", err=True)
    if report.stopped:
        _fail(MastheadError(f"sending stopped, nothing more was sent: {report.stopped}. The messages not sent are "
                            "sent by the next run once this is put right."))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@settings_option
@now_option
def serve(host: str, port: int, settings_file: Path | None, now: datetime | None) -> None:
    """Build, serve output/ locally, and rebuild and reload the browser when files change."""
    from .build import build_site, load_settings
    from .preview import BuildVersion, make_server, watch_and_rebuild

    settings_file = settings_file or Path(DEV_SETTINGS)

    address = ""  # SITEURL, or this server's own address when the settings leave it empty

    def rebuild() -> bool:
        try:
            report = build_site(settings_file, now=now, site_url=address or None)
        except MastheadError as exc:
            if isinstance(exc, ContentError):
                for problem in exc.problems:
                    click.echo(str(problem), err=True)
            else:
                click.echo(f"error: {exc}", err=True)
            click.echo("Build failed; still serving the last good build.", err=True)
            return False
        click.echo(f"Rebuilt: {_count(report.published, 'article')} ({report.seconds:.1f} s).")
        return True

    try:
        settings = load_settings(settings_file)
    except MastheadError as exc:
        _fail(exc)
    output = Path(settings["OUTPUT_PATH"])
    version = BuildVersion()
    server = make_server(output, host, port, version)  # bound first: --port 0 gets its port before the build
    if not settings.get("SITEURL"):  # og:url, og:image and JSON-LD name the address the pages are served at
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        address = f"http://{shown_host}:{server.server_address[1]}"
    rebuild()
    stop = threading.Event()
    watched = [Path(settings["PATH"]), *theme_of(settings).folders, settings_file.resolve().parent / settings_file.name]
    watcher = threading.Thread(target=watch_and_rebuild, args=(watched, rebuild, version, stop), daemon=True)
    watcher.start()
    click.echo(f"Serving {_shown(output)}/ at {address or f'http://{host}:{server.server_address[1]}'}/ "
               "(Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()


def _site(settings_file: Path):
    """The settings and masthead's checked view of them; a problem ends the command."""
    from .build import load_settings
    from .config import site_config

    try:
        settings = load_settings(settings_file)
        return settings, site_config(settings, source=str(settings_file))
    except MastheadError as exc:
        _fail(exc)


def _verp_reader(config):
    """address -> the digest's Message-ID, for MASTHEAD['digest']['return_path'] (none: no VERP)."""
    return_path = str(config.digest.get("return_path", "")).strip()
    if not return_path:
        return lambda address: None
    from .digest.preview import sender_for
    from .digest.verp import verp_message_id
    from .subscriptions.secret import secret_from_environment

    secret, domain = secret_from_environment(), sender_for(config).domain
    return lambda address: verp_message_id(address, return_path, secret, domain)


def _database(given: str | None, config, settings_file: Path):
    """The subscriber database a command uses: --database, else MASTHEAD_DATABASE_URL, else
    MASTHEAD["database"] (a file beside the settings, or a URL)."""
    from .subscribers.database import database_target

    if given:
        return given if "://" in given else Path(given)
    return database_target(config.database, settings_file.resolve().parent)


def _read_text(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def _count(number: int, noun: str, nouns: str = "") -> str:
    """'1 warning', '2 warnings', '1 story', '3 stories': English's plural rule (CLDR)."""
    from .i18n import plural

    return plural(number, noun, nouns or noun + "s")


def _shown(path: Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
