"""Parsed articles kept between builds in CACHE_PATH, so a build reads only what changed.

Parsing Markdown and YAML is most of the time a build spends reading 10,000 articles. The memo
maps a digest of everything an article's record depends on (its bytes, commit date, the
settings, authors, images and the parsing code) to the record; see content.build_newsroom.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import pickle
import threading
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from .config import SiteConfig
from .content import Newsroom, build_newsroom
from .content.newsroom import parse_some, unparsed
from .sources import read_sources

logger = logging.getLogger(__name__)
CACHE_FILE = "masthead-articles.pickle"
PARALLEL_FROM = 200  # fewer articles parse faster than worker processes start
_WORK = None  # (sources, config) for the forked workers, which inherit it
_SAVING: list[int] = []  # processes writing the cache in the background


def code_salt() -> str:
    """The version of the code that turns a file into a record: ours and python-markdown's."""
    digest = hashlib.sha256(version("markdown").encode())
    for path in sorted((Path(__file__).parent / "content").glob("*.py")):
        digest.update(path.read_bytes())
    digest.update((Path(__file__).parent / "config.py").read_bytes())
    return digest.hexdigest()


class ArticleMemo(dict):
    """A dict that remembers which entries this build used, so the saved file never grows stale."""

    def __init__(self, entries: dict) -> None:
        super().__init__(entries)
        self.used: set[str] = set()
        self.added = 0

    def get(self, key, default=None):
        if key in self:
            self.used.add(key)
        return super().get(key, default)

    def __setitem__(self, key, value) -> None:
        self.used.add(key)
        self.added += 1
        super().__setitem__(key, value)


def load_memo(cache_dir: Path) -> ArticleMemo:
    path = cache_dir / CACHE_FILE
    try:
        with path.open("rb") as handle:
            entries = pickle.load(handle)
    except FileNotFoundError:
        entries = {}
    except Exception as exc:  # noqa: BLE001 - a damaged cache is only slower, never wrong
        logger.warning("%s: unreadable (%s); parsing every article again", path, exc)
        entries = {}
    return ArticleMemo(entries if isinstance(entries, dict) else {})


def save_memo(memo: ArticleMemo, cache_dir: Path, background: bool = False) -> None:
    """Write the entries this build used, when any was new or some went unused. `background`:
    in a forked process when that is safe, so the caller goes on (finish_saves waits for it)."""
    if not memo.added and len(memo.used) == len(memo):
        return
    kept = {key: memo[key] for key in memo.used if key in memo}
    for record in kept.values():
        _with_digests(record)
    cache_dir.mkdir(parents=True, exist_ok=True)
    if background and _can_fork():
        pid = os.fork()
        if pid:
            _SAVING.append(pid)
            return
        try:  # the child: write, and leave without running the parent's exit handlers
            _write(kept, cache_dir)
        finally:
            os._exit(0)
    _write(kept, cache_dir)


def _write(kept: dict, cache_dir: Path) -> None:
    temporary = cache_dir / f"{CACHE_FILE}.{os.getpid()}.tmp"
    try:
        with temporary.open("wb") as handle:
            pickle.dump(kept, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, cache_dir / CACHE_FILE)
    except OSError as exc:  # a cache that cannot be written only makes the next build slower
        logger.warning("%s: could not write the parse cache (%s)", cache_dir / CACHE_FILE, exc)
        temporary.unlink(missing_ok=True)


def finish_saves() -> None:
    """Wait for parse caches being written in the background."""
    while _SAVING:
        os.waitpid(_SAVING.pop(), 0)


def _can_fork() -> bool:
    """Forking a threaded process is unsafe (`masthead serve` rebuilds from a watcher thread)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def read_newsroom(content: Path, config: SiteConfig, now: datetime, cache_dir: Path | None,
                  background_save: bool = False) -> Newsroom:
    """The validated newsroom, parsing only articles the cache does not already hold (many of
    them on every core). `background_save`: the cache is written while the caller goes on (a
    build, which calls finish_saves before it returns)."""
    sources = read_sources(content)
    if cache_dir is None:
        return build_newsroom(sources, config, now)
    memo = load_memo(cache_dir)
    salt = code_salt()
    _parse_in_parallel(sources, config, memo, salt)
    newsroom = build_newsroom(sources, config, now, memo=memo, salt=salt)
    save_memo(memo, cache_dir, background=background_save)
    return newsroom


def _parse_in_parallel(sources, config: SiteConfig, memo: ArticleMemo, salt: str) -> None:
    """Fill the memo with the articles it lacks, in forked worker processes. Only when there are
    many, the machine has cores to spare and the process has no other thread (`masthead serve`
    rebuilds from a watcher thread, and forking a threaded process is unsafe)."""
    cores = os.cpu_count() or 1
    if cores < 2 or not _can_fork():
        return
    missing = unparsed(sources, config, memo, salt)
    if len(missing) < PARALLEL_FROM:
        return
    chunks = [missing[i::cores * 4] for i in range(cores * 4)]
    global _WORK
    _WORK = (sources, config)
    try:
        with multiprocessing.get_context("fork").Pool(cores) as pool:
            for parsed in pool.imap_unordered(_parse_chunk, chunks):
                for key, article in parsed:
                    memo[key] = article
    finally:
        _WORK = None


def _parse_chunk(wanted):
    sources, config = _WORK
    return [(key, _with_digests(article)) for key, article in parse_some(sources, config, wanted)]


def _with_digests(article):
    """Work out the record's digests (cached on it) before it is pickled, so they are kept with it."""
    article.digest, article.listing_digest
    return article
