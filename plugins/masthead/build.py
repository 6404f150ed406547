"""Run Pelican safely: into a fresh folder beside output/, swapped in only when the build succeeded.

A content error, a template error or any error Pelican only logs (a plugin that failed to load,
a file it could not process) fails the build and leaves the previous output/ exactly as it was.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .errors import BuildError, ContentError, MastheadError
from .freshness import Reads, current_build, settings_digest, settings_key, unchanged_since
from .outputs import BUILD_RECORD_FILE, DEPLOY_HASHES_FILE
from .render.files import prune_cache
from .settings_file import run_settings_file, with_absolute_paths
from .themes import resolve_theme, theme_of, use_theme

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildReport:
    output: Path
    published: int
    scheduled: int
    drafts: int
    pages: int
    expired: int
    files: int
    seconds: float
    timings: dict[str, float]
    counts: dict[str, int]
    unchanged: bool = False  # nothing to do: the inputs and the clock are as the last build left them


def load_settings(settings_file: Path, overrides: dict | None = None, values: dict | None = None) -> dict:
    """Pelican's settings from pelicanconf.py or publishconf.py; a missing file is a user error.
    `values`: what the settings file sets, when the caller has run it already (a file is run
    once per build: run_settings_file)."""
    from pelican.settings import read_settings

    from .pelican_adapter.settings import FEED_SETTINGS

    settings_file = Path(settings_file)
    newsroom_set = run_settings_file(settings_file) if values is None else values
    # Pelican's feeds are off unless the newsroom turns one on (and so is Pelican's warning
    # about feeds without SITEURL, which would otherwise greet every local build).
    feeds_off = {key: None for key in FEED_SETTINGS if key not in newsroom_set}
    try:
        settings = read_settings(None, override={**with_absolute_paths(newsroom_set, settings_file), **feeds_off,
                                                 **(overrides or {})})
    except Exception as exc:  # the settings file is Python: anything can go wrong in it
        # Pelican's own complaints (a missing theme) are plain sentences; Python's errors need their name.
        kind = "" if type(exc) in (Exception, ValueError) else f"{type(exc).__name__}: "
        raise MastheadError(f"{settings_file}: {kind}{exc} (fix the settings file)") from None
    use_theme(settings, resolve_theme(newsroom_set.get("THEME"), settings_file))
    # Pelican leaves a default CACHE_PATH relative to wherever it runs; the card cache belongs
    # beside the settings, whatever folder masthead is started from.
    cache = Path(settings["CACHE_PATH"])
    if not cache.is_absolute():
        settings["CACHE_PATH"] = str((settings_file.resolve().parent / cache).resolve())
    return settings


def build_site(settings_file: Path, now: datetime | None = None,
               output: Path | None = None, site_url: str | None = None, newsroom=None) -> BuildReport:
    """Build the site; on any error raise ContentError or BuildError with output/ untouched.
    `site_url` replaces SITEURL (a preview of a branch lives at another address); `newsroom`,
    the content as the caller already read it for the same settings and `now`, is not read again."""
    started = time.monotonic()
    clock = now or datetime.now(timezone.utc)
    overrides = {"SITEURL": site_url.rstrip("/")} if site_url else {}
    values = run_settings_file(settings_file)  # once per build: the check below and the build share it
    reads = Reads()  # the last build's record and the inputs' digest: read once, by the check or the build
    current = current_build(settings_file, overrides, output, clock, values, reads)  # nothing changed: no Pelican
    if current is None:
        try:
            report = _build(settings_file, clock, output, overrides, newsroom, values, reads)
        finally:
            # frozen once the newsroom was read: the collector walks it again only after the
            # merge and the record (a long-running process, `masthead serve`, frees it later)
            gc.unfreeze()
    else:
        target = Path(output).resolve() if output else Path(current["output"])
        summary = current["report"]
        report = BuildReport(output=target, seconds=0.0, timings={}, counts=_nothing_done(summary["counts"]),
                             unchanged=True, **{k: v for k, v in summary.items() if k != "counts"})
    return replace(report, seconds=time.monotonic() - started)


def _build(settings_file: Path, clock: datetime, output: Path | None, overrides: dict, newsroom,
           values: dict, reads: Reads) -> BuildReport:
    from pelican import Pelican

    from .pelican_adapter import BuildRequest, requested
    from .render.record import clock_horizon

    settings = load_settings(settings_file, overrides or None, values)
    target = Path(output or settings["OUTPUT_PATH"]).resolve()
    _guard_output(target, Path(settings["PATH"]).resolve())
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(target)
    settings_key_now, _ = settings_key(settings_file, overrides, values)
    content, themes = Path(settings["PATH"]).resolve(), [str(f) for f in theme_of(settings).folders]
    settings_now = settings_digest(settings)
    inputs = reads.inputs(content, themes, settings_now)
    before = reads.previous_build(target)
    if unchanged_since(before, inputs, clock):  # the settings file changed, but not what it sets
        return BuildReport(output=target, seconds=0.0, timings={},
                           counts=_nothing_done(before["report"]["counts"]),
                           unchanged=True, **{k: v for k, v in before["report"].items() if k != "counts"})
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a site folder is readable by its web server
    settings["OUTPUT_PATH"] = str(staging)
    settings["DELETE_OUTPUT_DIRECTORY"] = False
    # pages whose inputs did not change stay in the previous output as they are
    request = BuildRequest(now=clock, newsroom=newsroom, previous_output=target if target.is_dir() else None,
                           previous_record=reads.record(target), snapshot=reads.snapshot())

    errors = _ErrorRecorder()
    logging.getLogger().addHandler(errors)
    try:
        with requested(request):
            # Reading the newsroom makes hundreds of thousands of objects that live as long as the
            # build: the collector walking them again and again as they are made would be most of
            # the time reading a large newsroom from the parse cache takes. They are frozen below.
            collecting = gc.isenabled()  # a caller that turned it off keeps it off
            gc.disable()
            try:
                pelican = Pelican(settings)
            finally:
                if collecting:
                    gc.enable()
            if request.state is None:
                if errors.messages:  # the plugin failed to load: say why
                    raise BuildError("the site generator reported errors:\n" + "\n".join(errors.messages))
                raise BuildError(f"{settings_file}: PLUGINS must include 'masthead.plugin'")
            gc.freeze()  # the newsroom lives as long as the build: the collector need not walk it again
            pelican.run()
        if errors.messages:
            raise BuildError("the site generator reported errors:\n" + "\n".join(errors.messages))
        state = request.state
        record = state.record
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, Exception) and not isinstance(exc, MastheadError):
            # A template or plugin failure: say where, keep the traceback for --verbose.
            logger.debug("build failed", exc_info=True)
            raise BuildError(f"{type(exc).__name__}: {exc} (run with -v for the traceback)") from exc
        raise
    finally:
        logging.getLogger().removeHandler(errors)

    produced = _files_in(staging)
    if record.kept and target.is_dir():
        # A crash while merging must not leave a record that vouches for half-replaced files.
        (target / BUILD_RECORD_FILE).unlink(missing_ok=True)
        replaced, removed = _merge_into(staging, target, produced, record)
    else:
        replaced, removed = _swap_in(staging, target), 0
    record.loose = produced - record.files()
    if not state.counts.get("links_copied"):  # copies, not links: every cached file would look unused
        pruned = prune_cache(Path(settings["CACHE_PATH"]), time.time())
        if pruned is not None:
            state.counts["cache_pruned"] = pruned
    state.counts.update(pages_rendered=record.rendered, pages_kept=record.carried,
                        files_written=replaced, files_removed=removed)
    newsroom = state.newsroom
    report = BuildReport(
        output=target,
        published=len(newsroom.published), scheduled=len(newsroom.scheduled),
        drafts=len(newsroom.drafts), expired=len(newsroom.expired),
        pages=sum(p.status != "draft" for p in newsroom.pages),
        files=len(produced | record.kept) + 1,  # and the record below
        seconds=0.0,
        timings=dict(state.timings),
        counts=dict(state.counts),
    )
    horizon = clock_horizon(newsroom)
    summary = {"published": report.published, "scheduled": report.scheduled, "drafts": report.drafts,
               "expired": report.expired, "pages": report.pages, "files": report.files, "counts": report.counts}
    record.save(target, {"inputs": inputs[0], "written_ns": time.time_ns(), "now": newsroom.now.isoformat(),
                         "report": summary, "horizon": horizon.isoformat() if horizon else None,
                         # what the check before the next build needs to find this record, without Pelican
                         "settings_key": settings_key_now, "output": str(target), "content": str(content),
                         "theme": themes, "settings": settings_now, "masthead": __version__})
    return report


def _nothing_done(counts: dict) -> dict:
    """The counts of a build that found nothing to do, from the last build's."""
    kept = counts.get("pages_rendered", 0) + counts.get("pages_kept", 0) + counts.get("feeds_written", 0)
    return {**counts, "cards_drawn": 0, "feeds_written": 0, "pages_rendered": 0, "pages_kept": kept,
            "files_written": 0, "files_removed": 0}


class _ErrorRecorder(logging.Handler):
    """Collects every ERROR record logged during a build; Pelican logs some and carries on."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:  # logged with its exception: say what it was
            message += f": {record.exc_info[1]}"
        self.messages.append(message)


def _guard_output(target: Path, content: Path) -> None:
    if target == content or content.is_relative_to(target) or target == Path(target.anchor):
        raise MastheadError(f"OUTPUT_PATH {target} would contain the content folder {content}: "
                            "choose a separate folder such as 'output'")


def _remove_leftovers(target: Path) -> None:
    """Folders a crashed build left behind (the live output/ is never among them)."""
    for pattern in (f".{target.name}.building-*", f".{target.name}.old-*"):
        for leftover in target.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def _files_in(folder: Path) -> set[str]:
    """Every file under folder, by its path relative to it."""
    found, root = set(), str(folder)
    for where, _, names in os.walk(folder):
        prefix = where[len(root) + 1:]
        found.update(f"{prefix}/{name}" if prefix else name for name in names)
    return found


def _swap_in(staging: Path, target: Path) -> int:
    """Replace target with staging in two renames; the old site is removed only afterwards."""
    written = sum(len(files) for _, _, files in os.walk(staging))
    if target.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        target.rename(retired / target.name)
        staging.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        staging.rename(target)
    return written


def _merge_into(staging: Path, target: Path, produced: set[str], record) -> tuple[int, int]:
    """An incremental build's staging folder holds only what it rendered: move each file into
    target (one atomic rename per file; a file that is the same inode, a card linked from the
    cache, stays), then remove what the last build made and this one does not (the record lists
    both, so output/ is never walked). Returns (replaced, removed)."""
    replaced = 0
    for rel in produced:
        source, destination = os.path.join(staging, rel), target / rel
        try:
            before, after = os.stat(source), os.stat(destination)
            if (before.st_ino, before.st_dev) == (after.st_ino, after.st_dev):
                continue
        except FileNotFoundError:
            destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, destination)
        replaced += 1
    removed = 0
    for rel in sorted(record.previous_files() - produced - record.kept - {DEPLOY_HASHES_FILE}, reverse=True):
        try:
            os.unlink(target / rel)
            removed += 1
        except FileNotFoundError:
            continue
        folder = (target / rel).parent
        while folder != target and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    shutil.rmtree(staging, ignore_errors=True)
    return replaced, removed


__all__ = ["BuildReport", "build_site", "load_settings", "ContentError", "BuildError"]
