"""Parsed articles kept between builds in CACHE_PATH, so a build reads only what changed.

Parsing Markdown and YAML is most of the time a build spends reading 10,000 articles. The memo
maps a digest of everything an article's record depends on (its bytes, commit date, the
settings, authors and the parsing code) to the record, used while the picture it names is
unchanged; see content.build_newsroom.
Beside it, the file stamps (sources.FileStamps) give each article file's digest without reading
it, as long as its size, modification time and inode are unchanged.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import time
import zlib
from dataclasses import replace
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from . import __version__
from .config import SiteConfig
from .content import Newsroom, build_newsroom
from .content.newsroom import author_slugs, memo_context, memo_keys, parse_some, unparsed
from .freshness import Snapshot
from .sources import FileStamps, read_source, read_sources
from .themes import Theme
from .workers import Workers

logger = logging.getLogger(__name__)
# Parsed records in SHARDS files by their key: an edit rewrites one or two shards, not every record
# (at 50,000 articles a shard of 16 took 0.2 s to write again). Part of code_salt: other shards, other files.
CACHE_FILE = "masthead-articles-{shard:02d}.pickle"
OLD_CACHE_FILE = "masthead-articles.pickle"  # one file, before 0.3.0: removed when the shards are written
SHARDS = 64
STAMPS_FILE = "masthead-stamps.pickle"  # each article file's size, mtime, inode and digest
PARALLEL_FROM = 200  # fewer articles parse faster than worker processes start


def code_salt() -> str:
    """The version of the code that turns a file into a record: ours and python-markdown's."""
    # The Markdown renderer, the HTML sanitizer and masthead itself shape every record.
    digest = hashlib.sha256(f"{version('markdown')} {version('nh3')} {__version__} {SHARDS}".encode())
    for path in sorted((Path(__file__).parent / "content").glob("*.py")):
        digest.update(path.read_bytes())
    digest.update((Path(__file__).parent / "config.py").read_bytes())
    return digest.hexdigest()


class UsedMemo(dict):
    """A dict kept between builds that remembers which entries this build used and added, so it
    is written back only when something changed, and never keeps an entry no build uses."""

    def __init__(self, entries: dict, context: str = "") -> None:
        super().__init__(entries)
        self.used: set[str] = set()
        self.added: set[str] = set()
        self.context = context  # what its entries were made under

    def get(self, key, default=None):
        if key in self:
            self.used.add(key)
        return super().get(key, default)

    def __setitem__(self, key, value) -> None:
        self.used.add(key)
        self.added.add(key)
        super().__setitem__(key, value)


class ArticleMemo(UsedMemo):
    """Parsed articles by memo key: only the shards that changed are written again."""

    def __init__(self, entries: dict, damaged: set[int] | None = None, context: str = "") -> None:
        super().__init__(entries, context)
        self.damaged = damaged or set()  # shards that could not be read, or of another context: written afresh


def shard_of(key: str) -> int:
    return zlib.crc32(key.encode()) % SHARDS


def shard_file(cache_dir: Path, shard: int) -> Path:
    return cache_dir / CACHE_FILE.format(shard=shard)


def load_memo(cache_dir: Path, context: str = "") -> ArticleMemo:
    """The memo's shards made under `context` (content.newsroom.memo_context). Each shard starts
    with the context its records were made under: a shard of another (new code, settings or
    authors) is not read past it, so a large newsroom never holds its old records beside the
    ones being parsed again; it is written afresh."""
    entries: dict = {}
    damaged = set()
    for shard in range(SHARDS):
        path = shard_file(cache_dir, shard)
        try:
            with path.open("rb") as handle:
                header = pickle.load(handle)
                if not (isinstance(header, dict) and header.get("context") == context):
                    damaged.add(shard)  # another context's, or a cache from before 0.3.0
                    continue
                found = pickle.load(handle)
            entries.update(found if isinstance(found, dict) else {})
        except FileNotFoundError:
            continue
        except Exception as exc:  # noqa: BLE001 - a damaged cache is only slower, never wrong
            logger.warning("%s: unreadable (%s); parsing its articles again", path, exc)
            damaged.add(shard)
    return ArticleMemo(entries, damaged, context)


def save_memo(memo: ArticleMemo, cache_dir: Path) -> None:
    """Write the shards whose entries changed: one gained an entry, or holds one this build did
    not use (an edited article's earlier record), or could not be read."""
    dropped = {shard_of(key) for key in memo.keys() - memo.used}
    changed = {shard_of(key) for key in memo.added} | dropped | memo.damaged
    if not changed:
        return
    kept: dict[int, dict] = {shard: {} for shard in changed}
    for key in memo.used:
        shard = shard_of(key)
        if shard in kept and key in memo:
            kept[shard][key] = _with_digests(dict.__getitem__(memo, key))
    cache_dir.mkdir(parents=True, exist_ok=True)
    for shard, entries in kept.items():
        _write(memo.context, entries, shard_file(cache_dir, shard))
    (cache_dir / OLD_CACHE_FILE).unlink(missing_ok=True)


def _write(context: str, kept: dict, path: Path) -> None:
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            pickle.dump({"context": context}, handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(kept, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError as exc:  # a cache that cannot be written only makes the next build slower
        logger.warning("%s: could not write the parse cache (%s)", path, exc)
        temporary.unlink(missing_ok=True)


def load_stamps(cache_dir: Path) -> FileStamps:
    try:
        with (cache_dir / STAMPS_FILE).open("rb") as handle:
            saved = pickle.load(handle)
        return FileStamps(saved["files"], saved["taken_ns"])
    except Exception:  # noqa: BLE001 - missing or damaged: every file is read, nothing is wrong
        return FileStamps()


def save_stamps(stamps: FileStamps, cache_dir: Path, taken_ns: int) -> None:
    if not stamps.changed and stamps.taken_ns:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = cache_dir / f"{STAMPS_FILE}.{os.getpid()}.tmp"
    try:
        with temporary.open("wb") as handle:
            pickle.dump({"taken_ns": taken_ns, "files": stamps.current}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, cache_dir / STAMPS_FILE)
    except OSError as exc:
        logger.warning("%s: could not write the file stamps (%s)", cache_dir / STAMPS_FILE, exc)
        temporary.unlink(missing_ok=True)


def read_newsroom(content: Path, config: SiteConfig, now: datetime, cache_dir: Path | None,
                  theme: Theme | None = None, workers: Workers | None = None,
                  snapshot: Snapshot | None = None) -> Newsroom:
    """The validated newsroom, parsing only articles the cache does not already hold (many of
    them on every core, with `workers`), and reading only article files whose stamp changed.
    `theme`: its files are checked for links that leave it, as content's are. `snapshot`: the
    files' stats as the check before the build took them (the stamps are then as of that moment)."""
    if cache_dir is None:
        return build_newsroom(read_sources(content, theme=theme, git_dates=config.updated_from_git), config, now)
    taken_ns = snapshot.taken_ns if snapshot else time.time_ns()
    stamps = load_stamps(cache_dir)
    sources = read_sources(content, stamps=stamps, theme=theme, git_dates=config.updated_from_git,
                           stats=snapshot.stats if snapshot else None)
    salt = code_salt()
    memo = load_memo(cache_dir, memo_context(sources, config, salt))
    keys = memo_keys(sources, config, salt)  # worked out once: finding what is missing and building use them
    missing = unparsed(sources, config, memo, salt, keys)
    unread = [n for _, n in missing if sources.articles[n].data is None]
    if unread:  # the parse cache lacks them (new settings, authors or code): read them after all
        articles = list(sources.articles)
        for n in unread:
            articles[n] = read_source(content, articles[n])
        sources = replace(sources, articles=tuple(articles))
        keys = memo_keys(sources, config, salt)  # a file read now may differ from its stamp's digest
        missing = unparsed(sources, config, memo, salt, keys)
    if workers is not None:
        _parse_in_parallel(sources, config, memo, missing, workers)
    newsroom = build_newsroom(sources, config, now, memo=memo, salt=salt, keys=keys)
    save_memo(memo, cache_dir)
    save_stamps(stamps, cache_dir, taken_ns)
    return newsroom


def _parse_in_parallel(sources, config: SiteConfig, memo: ArticleMemo, missing: list[tuple[str, int]],
                       workers: Workers) -> None:
    """Fill the memo with the articles it lacks, on every core, when there are enough of them to
    be worth starting workers. Each piece of work carries only its own article files."""
    if workers.cores < 2 or len(missing) < PARALLEL_FROM:
        return
    pieces = [missing[i::workers.cores * 4] for i in range(workers.cores * 4)]
    calls = []
    for piece in pieces:
        own = tuple(sources.articles[n] for _, n in piece)
        calls.append((replace(sources, articles=own, authors=(), pages=()), config,
                      [(key, i) for i, (key, _) in enumerate(piece)], author_slugs(sources)))
    for parsed in workers.map(_parse_piece, calls):
        for key, article in parsed:
            memo[key] = article


def _parse_piece(sources, config: SiteConfig, wanted: list[tuple[str, int]], authors: set[str]):
    """In a worker: parse the piece's articles, with their digests worked out."""
    return [(key, _with_digests(article)) for key, article in parse_some(sources, config, wanted, authors)]


def _with_digests(article):
    """Work out the record's digests (cached on it) before it is pickled, so they are kept with it."""
    # cached properties: computed now, pickled with the record (every build asks for them)
    _ = (article.digest, article.listing_digest, article.modified)
    return article
