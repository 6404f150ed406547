"""One way a build runs work on every core: a pool of worker processes started by a fork server.

The pool is the same whatever else the build's process is doing: its workers are forked from a
small server process started for them (or spawned where there is none), never from the build's
own process, so a thread the caller happens to run (`masthead publish` reading the bucket,
`masthead serve` watching files) cannot leave them a lock held. Work goes to the pool only in
pieces worth the trip (parsing many articles, drawing many cards, writing many feed documents
while the build renders its pages); arguments and results travel pickled, so what a worker is
given says what it uses.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Callable, Iterable

# imported once by the server, not by each worker
PRELOAD = ["masthead.content", "masthead.cards.draw", "masthead.feeds.formats"]


def start_method() -> str:
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class Workers:
    """A process pool, started on first use and shut down by close() (a build's end)."""

    def __init__(self, cores: int | None = None) -> None:
        self.cores = cores or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def map(self, function: Callable, calls: Iterable[tuple]) -> list:
        """function(*arguments) for each tuple of `calls`, on every core; results in order."""
        calls = list(calls)
        if not calls:
            return []
        chunk = max(1, len(calls) // (8 * self.cores))
        return list(self._started().map(function, *zip(*calls), chunksize=chunk))

    def submit(self, function: Callable, *arguments) -> Future:
        """function(*arguments) in a worker while the caller goes on; the future has its result."""
        return self._started().submit(function, *arguments)

    def submit_large(self, function: Callable, *arguments) -> Future:
        """Like submit(), for arguments of hundreds of megabytes (the pages and feed entries of a
        large site, their bodies in them). They are pickled into a file as they are walked and the
        worker reads them from there: through the pool's pipe they would be one bytes object of
        their full size in each process, on top of the objects themselves."""
        with tempfile.NamedTemporaryFile(prefix="masthead-job-", suffix=".pickle", delete=False) as handle:
            try:
                pickle.dump((function, arguments), handle, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                os.unlink(handle.name)
                raise
        job = self._started().submit(_call_from_file, handle.name)
        job.add_done_callback(lambda _job: _remove(handle.name))  # a job cancelled before it ran
        return job

    def warm(self) -> None:
        """Start the fork server and the workers now, in the background: their imports take most
        of a second, which a build that will need them spends on its own work meanwhile."""
        for _ in range(self.cores):
            self._started().submit(os.getpid)

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context(start_method())
            if start_method() == "forkserver":
                context.set_forkserver_preload(PRELOAD)
            self._pool = ProcessPoolExecutor(max_workers=self.cores, mp_context=context)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _call_from_file(path: str):
    """In a worker: the call submit_large() wrote, read and removed, then made."""
    try:
        with open(path, "rb") as handle:
            function, arguments = pickle.load(handle)
    finally:
        _remove(path)
    return function(*arguments)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
