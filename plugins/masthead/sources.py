"""Read a newsroom's content/ folder from disk into the plain Sources the content core checks."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import warnings
from datetime import datetime
from pathlib import Path
from stat import S_ISREG
from typing import Mapping

from PIL import Image, UnidentifiedImageError

from .content import ImageFile, SourceFile, Sources
from .errors import Problem
from .freshness import RACY_NS
from .pictures import TURNED, orientation
from .themes import Theme

ARTICLES, AUTHORS, PAGES, IMAGES = "articles", "authors", "pages", "images"


class FileStamps:
    """What was learnt from each file when it was last read (an article's digest, a picture's
    width and height), by its size, modification time and inode (as git's index): a file whose
    stamp is unchanged need not be read again. A file modified within RACY_NS of when the stamps
    were taken is always read (a second save in the same clock tick would keep its stamp)."""

    def __init__(self, known: dict[str, tuple] | None = None, taken_ns: int = 0):
        self.known = known or {}
        self.taken_ns = taken_ns
        self.current: dict[str, tuple] = {}

    def lookup(self, rel: str, stat: os.stat_result):
        entry = self.known.get(rel)
        if (entry and entry[:3] == (stat.st_size, stat.st_mtime_ns, stat.st_ino)
                and stat.st_mtime_ns + RACY_NS < self.taken_ns):
            self.current[rel] = entry
            return entry[3]
        return None

    def remember(self, rel: str, stat: os.stat_result, learnt) -> None:
        self.current[rel] = (stat.st_size, stat.st_mtime_ns, stat.st_ino, learnt)

    @property
    def changed(self) -> bool:
        return self.current != self.known


def read_sources(content_root: Path, display_root: str | None = None, stamps: FileStamps | None = None,
                 theme: Theme | None = None, git_dates: bool = False,
                 stats: Mapping[str, os.stat_result] | None = None) -> Sources:
    """Every Markdown file and image under the content root, in a stable order. With `stamps`,
    an article file whose stamp is unchanged is not read (its SourceFile has no data, only its
    digest; see read_source for reading one when it is needed after all), nor is a picture's
    header for its size. Links that leave the content folder (or `theme`) are refused, not read.
    `git_dates`: each article's last commit that changed what readers read (git_text_changed).
    `stats`: files' stats by path as a walk just before saw them (freshness.Snapshot)."""
    known_stats = stats or {}
    content_root = Path(content_root)
    shown = display_root if display_root is not None else _display(content_root)
    refused = links_outside(content_root, shown)
    for folder in theme.folders if theme is not None else ():
        refused += links_outside(folder, _display(folder))
    unread = {p.path.removeprefix(shown + "/") for p in refused}

    def markdown(folder: str, stamps: FileStamps | None = None) -> tuple[SourceFile, ...]:
        found = []
        for where, folders, names in os.walk(content_root / folder):
            folders[:] = [name for name in folders if not name.startswith(".")]
            inside = os.path.relpath(where, content_root).replace(os.sep, "/")
            for name in names:
                if name.endswith(".md") and not name.startswith("."):
                    path = os.path.join(where, name)
                    if f"{inside}/{name}" in unread:
                        continue
                    stat = known_stats.get(path)
                    if stat is None:
                        try:
                            stat = os.stat(path)
                        except FileNotFoundError:
                            continue  # a link to nothing, or removed while we looked
                    if S_ISREG(stat.st_mode):
                        found.append((f"{inside}/{name}", path, stat))
        found.sort(key=lambda item: item[0].split("/"))  # by folder, then name, as pathlib sorts
        sources = []
        for rel, path, stat in found:
            known = stamps.lookup(rel, stat) if stamps is not None else None
            if known is not None:
                sources.append(SourceFile(rel=rel, display=f"{shown}/{rel}", data=None, known_digest=known))
                continue
            with open(path, "rb") as handle:
                source = SourceFile(rel=rel, display=f"{shown}/{rel}", data=handle.read())
            if stamps is not None:
                stamps.remember(rel, stat, source.digest)
            sources.append(source)
        return tuple(sources)

    images = {rel: image for rel, image in read_images(content_root, stamps).items() if rel not in unread}
    return Sources(articles=markdown(ARTICLES, stamps), authors=markdown(AUTHORS), pages=markdown(PAGES),
                   images=images, modified=git_text_changed(content_root) if git_dates else {},
                   refused=tuple(refused))


def links_outside(root: Path, shown: str) -> list[Problem]:
    """Every symbolic link under `root` (hidden folders included) that resolves outside it.

    Pelican copies static files and theme files through links, folders included: a link to
    /etc/passwd, or to a folder of private files, would be published as if it were content.
    Links that stay inside `root` are followed and looked at too; a link to nothing is no risk."""
    inside = os.path.realpath(root)
    problems, seen = [], {inside}
    folders = [(str(root), "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if not os.path.exists(target):
                    continue
                if os.path.commonpath([inside, target]) != inside:
                    problems.append(Problem(f"{shown}/{rel}", None, "link",
                                            f"a file inside {shown}/ (a link that leaves it would publish "
                                            "a file from elsewhere on this machine: copy the file in instead)",
                                            f"a link to {target}"))
                    continue
                if os.path.isdir(target) and target not in seen:
                    seen.add(target)
                    folders.append((entry.path, rel + "/"))
            elif entry.is_dir(follow_symlinks=False):
                folders.append((entry.path, rel + "/"))
    return sorted(problems)


def read_source(content_root: Path, source: SourceFile) -> SourceFile:
    """`source` with its bytes, read now (a file read_sources left unread)."""
    data = (Path(content_root) / source.rel).read_bytes()
    return SourceFile(rel=source.rel, display=source.display, data=data)


READER_FIELDS = ("title", "summary", "dateline", "image", "image_caption", "image_credit")  # and the body


def git_text_changed(content_root: Path) -> dict[str, datetime]:
    """When a commit last changed what readers read in each article file: its headline, summary,
    dateline, photo or text, not its tags, id or spacing (MASTHEAD["updated_from_git"]).

    One `git log` lists every commit that modified an article (the commit that adds one publishes
    it, it does not update it) with the blobs before and after; one `git cat-file --batch` reads
    the blobs, newest commit first, until a commit changed the reader's text. Outside a git
    checkout, or without git, there are no such dates.
    """
    command = ["git", "-C", str(content_root), "log", "--diff-filter=M", "--no-renames", "--relative", "--raw",
               "--no-abbrev", "--format=%x00%cI", "--", ARTICLES]
    try:
        log = subprocess.run(command, capture_output=True, text=True, check=True, timeout=300).stdout
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return {}
    changes: dict[str, list[tuple[datetime, str, str]]] = {}  # path -> (when, blob before, blob after)
    for block in log.split("\0")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        when = datetime.fromisoformat(lines[0].strip())
        for line in lines[1:]:
            meta, _, name = line.partition("\t")
            fields = meta.split()
            if len(fields) >= 4 and name.endswith(".md"):
                changes.setdefault(name.strip(), []).append((when, fields[2], fields[3]))
    if not changes:
        return {}
    try:
        reader = subprocess.Popen(["git", "-C", str(content_root), "cat-file", "--batch"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE)
    except OSError:
        return {}
    assert reader.stdin is not None and reader.stdout is not None
    seen: dict[str, tuple] = {}

    def visible(blob: str) -> tuple:
        if blob not in seen:
            reader.stdin.write(blob.encode() + b"\n")
            reader.stdin.flush()
            header = reader.stdout.readline().split()
            data = reader.stdout.read(int(header[2])) + reader.stdout.read(1) if len(header) == 3 else b""
            seen[blob] = _reader_text(data[:-1] if data else b"")
        return seen[blob]

    modified: dict[str, datetime] = {}
    try:
        for name, commits in changes.items():
            for when, before, after in commits:  # newest first
                if visible(before) != visible(after):
                    modified[name] = when
                    break
    finally:
        reader.stdin.close()
        reader.wait(timeout=60)
    return modified


def _reader_text(data: bytes) -> tuple:
    """What a reader reads of an article file, for comparing two versions of it."""
    from .content.frontmatter import parse
    from .errors import MastheadError

    try:
        document = parse(data, "")
    except (MastheadError, ValueError):
        return ("unreadable", data)  # a broken version: any change to it counts
    meta = document.meta if isinstance(document.meta, dict) else {}
    return (*(str(meta.get(key, "")) for key in READER_FIELDS), " ".join(document.body.split()))


def files_at(content_root: Path, ref: str) -> dict[str, bytes] | None:
    """Every article file as it is at a git ref (`main`, `origin/main`), by its path under the content
    root, read with two git commands; None when the ref or the repository does not exist."""
    def git(*args, stdin=None):
        return subprocess.run(["git", "-C", str(content_root), *args], input=stdin, capture_output=True,
                              check=True, timeout=120).stdout

    try:
        git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        prefix = git("rev-parse", "--show-prefix").decode().strip()
        names = [n for n in git("ls-tree", "-r", "-z", "--name-only", ref, "--", ARTICLES).decode().split("\0") if n]
        if not names:
            return {}
        batch = git("cat-file", "--batch", stdin="".join(f"{ref}:{prefix}{name}\n" for name in names).encode())
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return None
    files, at = {}, 0
    for name in names:
        header_end = batch.index(b"\n", at)
        size = int(batch[at:header_end].split()[2])
        files[name] = batch[header_end + 1: header_end + 1 + size]
        at = header_end + 1 + size + 1
    return files


def read_images(content_root: Path, stamps: FileStamps | None = None) -> dict[str, ImageFile]:
    """Size of every picture under content/images, from its header, and its bytes' digest (or both
    from `stamps`, when the file is as they last saw it)."""
    found = []
    for where, folders, names in os.walk(Path(content_root) / IMAGES):
        folders[:] = [name for name in folders if not name.startswith(".")]
        inside = os.path.relpath(where, content_root).replace(os.sep, "/")
        for name in names:
            if not name.startswith("."):
                found.append((f"{inside}/{name}", os.path.join(where, name)))
    images = {}
    for rel, path in sorted(found, key=lambda item: item[0].split("/")):
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            continue
        if not S_ISREG(stat.st_mode):
            continue
        learnt = stamps.lookup(rel, stat) if stamps is not None else None
        if not (isinstance(learnt, tuple) and len(learnt) == 4 and learnt[0] == UPRIGHT):  # older stamps: read again
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                continue  # removed while we looked
            learnt = (UPRIGHT, *_picture_size(data), hashlib.sha256(data).hexdigest())
            if stamps is not None:
                stamps.remember(rel, stat, learnt)
        images[rel] = ImageFile(rel=rel, width=learnt[1], height=learnt[2], bytes=stat.st_size, digest=learnt[3])
    return images


UPRIGHT = "upright"  # a picture's remembered size is as it is shown, after its EXIF orientation


def _picture_size(data: bytes) -> tuple[int | None, int | None]:
    """Width and height as browsers and the crops show the picture: a phone photo stored on its
    side with an EXIF orientation of 6 is as tall as it is stored wide."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                return (height, width) if orientation(image) in TURNED else (width, height)
    except (UnidentifiedImageError, OSError):
        return None, None  # SVG and other formats Pillow does not read: known to exist, size unknown


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
