"""Where each story lives, kept between builds: its page's address and file and its date as its
pages show it, by the digest of its record (site.plan.plan_site takes them as `places`).

Formatting two URL patterns and a localized date for every story is a fifth of planning a large
site, and a story's place changes only with its record or the layout. The cache is one pickle in
CACHE_PATH that starts with the context its places were made under (the layout, the code that
formats them, Babel's version): a file made under another is not read past that header.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from importlib.metadata import version
from pathlib import Path

from . import __version__
from .parsecache import UsedMemo
from .site.layout import Layout

logger = logging.getLogger(__name__)

PLACES_FILE = "masthead-places.pickle"
_CODE = [Path(__file__).parent / "site" / "layout.py", Path(__file__).parent / "site" / "plan.py",
         Path(__file__).parent / "i18n.py"]


class PlaceMemo(UsedMemo):
    """Record digest -> (url, file, date as shown)."""

    def __init__(self, entries: dict, context: str, stale: bool = False) -> None:
        super().__init__(entries, context)
        self.stale = stale  # read under another context, or unreadable: written afresh


def places_context(layout: Layout) -> str:
    digest = hashlib.sha256(repr((layout, version("babel"), __version__)).encode("utf-8", "surrogatepass"))
    for path in _CODE:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_places(cache_dir: Path, layout: Layout) -> PlaceMemo:
    """The places made under this layout and code; an empty memo if there are none."""
    context = places_context(layout)
    try:
        with (cache_dir / PLACES_FILE).open("rb") as handle:
            header = pickle.load(handle)
            if not (isinstance(header, dict) and header.get("context") == context):
                return PlaceMemo({}, context, stale=True)
            found = pickle.load(handle)
        return PlaceMemo(found if isinstance(found, dict) else {}, context)
    except FileNotFoundError:
        return PlaceMemo({}, context)
    except Exception as exc:  # noqa: BLE001 - a damaged cache is only slower, never wrong
        logger.warning("%s: unreadable (%s); placing every story again", cache_dir / PLACES_FILE, exc)
        return PlaceMemo({}, context, stale=True)


def save_places(memo: PlaceMemo, cache_dir: Path) -> None:
    """Write the places this build used, when one was added or one is no longer used."""
    if not (memo.added or memo.stale or memo.keys() - memo.used):
        return
    kept = {key: dict.__getitem__(memo, key) for key in memo.used}
    path = cache_dir / PLACES_FILE
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as handle:
            pickle.dump({"context": memo.context}, handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(kept, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError as exc:  # a cache that cannot be written only makes the next build slower
        logger.warning("%s: could not write the story places (%s)", path, exc)
        temporary.unlink(missing_ok=True)
