"""Whether the last build is still current: the check a build makes before it imports Pelican.

A build records, beside its output, a digest of everything it read: each content and theme
file's size and modification time, masthead's code, the package versions, the settings and the
git commit; and the next moment the clock alone changes the site. When all of it is the same, a
build has nothing to do. Running the settings file (plain Python) tells whether the settings are
the ones the record describes; only then are the recorded folders walked. Nothing here imports
Pelican: for a newsroom that did not change, starting Pelican would be most of the work.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from typing import Mapping

from .outputs import BUILD_RECORD_FILE
from .settings_file import run_settings_file

RECORD_VERSION = 2  # 2: the files written outside units (`loose`) are recorded too
RACY_NS = 2_000_000_000  # a file saved this close to a build may change again within its clock tick
PACKAGE = Path(__file__).resolve().parent
_SIMPLE = (str, int, float, bool, type(None))


def read_record(output: Path) -> dict | None:
    """The last build's record of `output` (render/record.py writes it), or None."""
    try:
        data = json.loads((output / BUILD_RECORD_FILE).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) and data.get("version") == RECORD_VERSION else None
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class Snapshot:
    """Each input file's stat as the check before a build saw it, by its path, and when it was
    taken: the build reads the content as of that moment without asking for each stat again."""

    stats: Mapping[str, os.stat_result]
    taken_ns: int


class Reads:
    """What one build read of the last build and of its inputs, kept for the rest of that build:
    the check before it and the build itself then read a large record, and walk the content, once."""

    def __init__(self) -> None:
        self.records: dict[Path, dict | None] = {}
        self.digests: dict[tuple, tuple[str, int]] = {}
        self.stats: dict[str, os.stat_result] = {}
        self.taken_ns = 0  # when the first walk began: what it saw is no newer than this

    def record(self, output: Path) -> dict | None:
        if output not in self.records:
            self.records[output] = read_record(output)
        return self.records[output]

    def previous_build(self, output: Path) -> dict | None:
        """What the last build of `output` recorded about its inputs, or None."""
        record = self.record(output)
        build = record.get("build") if record else None
        return build if isinstance(build, dict) else None

    def inputs(self, content: Path, themes: list[str], settings: str) -> tuple[str, int]:
        key = (str(content), tuple(themes), settings)
        if key not in self.digests:
            self.taken_ns = self.taken_ns or time.time_ns()
            self.digests[key] = inputs_digest(content, themes, settings, self.stats)
        return self.digests[key]

    def snapshot(self) -> Snapshot | None:
        """The stats the walks so far saw, or None if there was none."""
        return Snapshot(self.stats, self.taken_ns) if self.stats else None


def current_build(settings_file: Path, overrides: dict, output: Path | None, now: datetime,
                  values: dict, reads: Reads | None = None) -> dict | None:
    """The last build's record when nothing changed since it, found without starting Pelican;
    None when a build is needed. `values`: what the settings file sets (run_settings_file);
    `reads`: what the build then reads again."""
    reads = reads or Reads()
    key, named_output = settings_key(settings_file, overrides, values)
    build = reads.previous_build(Path(output).resolve() if output else named_output)
    if not build or build.get("settings_key") != key or "content" not in build:
        return None
    themes = build["theme"] if isinstance(build["theme"], list) else [build["theme"]]
    inputs = reads.inputs(Path(build["content"]), themes, build["settings"])
    return build if unchanged_since(build, inputs, now) else None


def settings_key(settings_file: Path, overrides: dict, values: dict | None = None) -> tuple[str, Path]:
    """A digest of the settings as the newsroom wrote them (the values its settings file sets,
    the Python files beside it, the overrides and the working folder), and the output folder
    they name (OUTPUT_PATH is relative to the settings file, Pelican's default to the working
    folder)."""
    settings_file = Path(settings_file).resolve()
    raw = run_settings_file(settings_file) if values is None else values
    digest = hashlib.sha256(repr((str(settings_file), os.getcwd(), sorted(overrides.items()))).encode())
    digest.update(settings_text(raw))
    digest.update(b"own theme" if (settings_file.parent / "theme").is_dir() else b"no theme")
    for path in sorted(settings_file.parent.glob("*.py")):
        stat = path.stat()
        digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    named = raw.get("OUTPUT_PATH", None)
    output = (settings_file.parent / named) if isinstance(named, str) else Path("output")
    return digest.hexdigest(), output.resolve()


def inputs_digest(content: Path, themes, settings: str,
                  seen: dict[str, os.stat_result] | None = None) -> tuple[str, int]:
    """Everything a build reads, cheaply: each content and theme file's size and modification
    time, masthead's code, the package versions, the settings (`settings_digest`) and the git
    commit (for last-modified dates); and the newest modification time seen, so a file saved
    just before a build is never trusted (as git treats "racily clean" files). `seen` gets
    each file's stat by its path, for the build's own reading (Snapshot)."""
    digest = hashlib.sha256()
    newest = 0
    for folder in (Path(content), *map(Path, themes), PACKAGE):
        root = str(folder)
        for where, folders, files in os.walk(folder):
            folders.sort()
            for name in sorted(files):
                if name.endswith(".pyc"):
                    continue
                path = os.path.join(where, name)
                stat = os.stat(path)
                if seen is not None:
                    seen[path] = stat
                newest = max(newest, stat.st_mtime_ns)
                digest.update(f"{where[len(root):]}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode(
                    "utf-8", "surrogateescape"))
    for name in ("pelican", "jinja2", "markdown", "feedgen", "pillow", "lxml"):
        digest.update(version(name).encode())
    digest.update(settings.encode())
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=content, capture_output=True,
                              text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        head = ""
    digest.update(head.encode())
    return digest.hexdigest(), newest


def unchanged_since(build: dict | None, inputs: tuple[str, int], now: datetime) -> bool:
    """Whether the output recorded by `build` is what a build from `inputs` at `now` would make."""
    digest, newest = inputs
    if not build or build.get("inputs") != digest or newest + RACY_NS >= build.get("written_ns", 0):
        return False
    built_at = datetime.fromisoformat(build["now"])
    horizon = datetime.fromisoformat(build["horizon"]) if build.get("horizon") else None
    return built_at <= now and (horizon is None or now < horizon)


def settings_digest(settings: dict) -> str:
    """A digest of the settings a newsroom writes, as Pelican completed them."""
    return hashlib.sha256(settings_text(settings)).hexdigest()


def settings_text(settings: dict) -> bytes:
    """The settings a newsroom writes (text, numbers, lists, dicts), without masthead's own
    run-time entries and the staging folder's name."""
    simple = sorted((key, value) for key, value in settings.items()
                    if not key.startswith("MASTHEAD_") and key != "OUTPUT_PATH" and _is_simple(value))
    return repr(simple).encode()


def _is_simple(value) -> bool:
    if isinstance(value, _SIMPLE):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_simple(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_simple(v) for k, v in value.items())
    return False
