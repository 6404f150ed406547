"""The staging folder a build writes into, making each folder once.

A build writes thousands of files into a few thousand folders; asking the file system to make a
folder that exists costs a system call each time, about as much as writing a small page.
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
