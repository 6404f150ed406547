"""The staging folder a build writes into, making each folder once; the cached images it links.

A build writes thousands of files into a few thousand folders; asking the file system to make a
folder that exists costs a system call each time, about as much as writing a small page. Cards
and crops are hard links to their cached files, so a cached file no output links to is unused.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


class OutputFolder:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._base = str(self.root)
        self._made: set[str] = set()
        self.copied = 0  # cached files copied because the file system refused a link

    def file(self, rel: str) -> str:
        """The full path of `rel`, with its folder made."""
        path = f"{self._base}/{rel}"
        folder = os.path.dirname(path)
        if folder not in self._made:
            os.makedirs(folder, exist_ok=True)
            self._made.add(folder)
        return path

    def write_text(self, rel: str, text: str) -> None:
        with open(self.file(rel), "w", encoding="utf-8") as handle:
            handle.write(text)

    def write_bytes(self, rel: str, data: bytes) -> None:
        with open(self.file(rel), "wb") as handle:
            handle.write(data)

    def link(self, source: Path | str, rel: str) -> None:
        """`source` (a cached card or crop) at `rel`: a hard link when the file system allows."""
        target = self.file(rel)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
            self.copied += 1


UNUSED_AFTER_S = 3600  # a build running beside this one links what it draws within seconds
PRUNED_MARK = ".pruned"  # in the cache folder: when the cached images were last pruned


def prune_cache(cache: Path, now: float) -> int | None:
    """Prune the cached cards and crops (prune_unlinked), at most once an hour: nothing younger
    than an hour goes, so looking more often would only stat every cached file on every build.
    Returns how many files went, None when it was not time."""
    mark = Path(cache) / PRUNED_MARK
    try:
        if mark.stat().st_mtime > now - UNUSED_AFTER_S:
            return None
    except FileNotFoundError:
        pass
    removed = sum(prune_unlinked(Path(cache) / name, now) for name in ("cards", "crops"))
    if mark.parent.is_dir():
        mark.touch()
        os.utime(mark, (now, now))
    return removed


def prune_unlinked(folder: Path, now: float) -> int:
    """Remove the cached cards or crops that no output folder links to any more (an old layout's
    cards, an edited headline's): without this the cache, and a CI runner's cache archive with
    it, grows by every card ever drawn. Only files an hour old or more. Returns how many went."""
    removed = 0
    try:
        entries = os.scandir(folder)
    except FileNotFoundError:
        return 0
    with entries:
        for entry in entries:
            if not entry.is_file(follow_symlinks=False):
                continue
            found = entry.stat(follow_symlinks=False)
            if found.st_nlink == 1 and found.st_mtime < now - UNUSED_AFTER_S:
                try:
                    os.unlink(entry.path)
                    removed += 1
                except FileNotFoundError:
                    continue
    return removed
