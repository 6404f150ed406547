"""Files a second process writes while Pelican writes its pages: feeds, digest editions, archives
and the build manifest.

When Pelican's generators are done, a forked child takes their results (no copying, no pickling)
and writes the feed documents, the digest edition pages, the period archives and the manifest on
the second core, while this process writes Pelican's pages, the cards and the sitemaps. The child reports
the units it rendered or kept (see incremental.RenderRecord) in a note file; the build waits for
it (`finish_second`, on Pelican's `finalized`) before it may succeed. A threaded process
(`masthead serve` builds from a watcher thread) is never forked: the work is done right away.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import threading
import time
import traceback
from pathlib import Path

from ..errors import BuildError
from ..outputs import NOTES_DIR
from .archives import write_period_archives
from .editions import write_editions
from .feeds import write_feeds
from .incremental import RECORD_KEY, RenderRecord
from .manifest import write_manifest

JOB_KEY = "MASTHEAD_SECOND_JOB"
UNITS_NOTE = NOTES_DIR + "second-units.json"  # the child's report to the build, removed after
WORKS = [write_feeds, write_editions, write_period_archives, write_manifest]  # each takes Pelican's generators


def start_second(generators) -> None:
    """Start the second process's work; finish_second waits for it."""
    started = time.perf_counter()
    settings = generators[0].settings
    settings[JOB_KEY] = SecondProcess.start(list(generators), settings[RECORD_KEY],
                                            Path(settings["OUTPUT_PATH"]))
    settings["MASTHEAD_TIMINGS"]["second"] = time.perf_counter() - started


def finish_second(pelican) -> None:
    """Wait for the second process; a failure fails the build. Its units join the build's record."""
    settings = pelican.settings
    job = settings.pop(JOB_KEY, None)
    if job is None:
        return
    settings["MASTHEAD_TIMINGS"]["second"] += job.wait()
    record: RenderRecord = settings[RECORD_KEY]
    if job.process is not None:
        notes = Path(settings["OUTPUT_PATH"]) / UNITS_NOTE
        for unit, key, files, carried in json.loads(notes.read_text(encoding="utf-8")):
            if carried:
                record.keep(unit)
            else:
                record.rendered_unit(unit, key, files)
        notes.unlink()
    settings["MASTHEAD_COUNTS"]["feeds_written"] = sum(
        1 for unit, carried in record.journal if unit.startswith("feed:") and not carried)


class SecondProcess:
    """The works of WORKS: in a forked process when that is safe, else right away."""

    def __init__(self, process=None):
        self.process = process

    @classmethod
    def start(cls, generators: list, record: RenderRecord, output: Path) -> "SecondProcess":
        if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
            for work in WORKS:
                work(generators)
            return cls()
        process = multiprocessing.get_context("fork").Process(
            target=_child, args=(generators, record, output), name="masthead-second", daemon=True)
        process.start()
        return cls(process)

    def cancel(self) -> None:
        """Stop writing: the build failed and its folder is about to be removed."""
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join()

    def wait(self) -> float:
        if self.process is None:
            return 0.0
        started = time.perf_counter()
        self.process.join()
        if self.process.exitcode != 0:
            raise BuildError(f"writing the feeds, digest editions, archives and manifest failed (exit code "
                             f"{self.process.exitcode}; the error is printed above)")
        return time.perf_counter() - started


def _child(generators: list, record: RenderRecord, output: Path) -> None:
    try:
        done_before = len(record.journal)
        for work in WORKS:
            work(generators)
        units = [[unit, *record.units[unit], carried] for unit, carried in record.journal[done_before:]]
        (output / UNITS_NOTE).parent.mkdir(parents=True, exist_ok=True)
        (output / UNITS_NOTE).write_text(json.dumps(units), encoding="utf-8")
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        raise SystemExit(1) from None
