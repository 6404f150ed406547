"""Writing an import into content/: everything staged first, then moved in file by file.

A failure while reading the export writes nothing (the plan is made before any file is touched);
a file already in content/ with the same text is left alone, so importing again changes nothing.
Every path is checked to stay inside content/.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import MastheadError
from .wordpress import ImportPlan


@dataclass
class Applied:
    written: int = 0
    unchanged: int = 0
    copied: int = 0


ID_LINE = re.compile(r"""^id:\s*["']?([^"'\s]+)["']?\s*$""", re.M)


def existing_articles(content: Path) -> dict[str, str]:
    """Each article file in content/ (its path under content/) -> its id, from the front matter's
    id line ('' for one without: an import never takes its file either)."""
    found = {}
    for path in (content / "articles").rglob("*.md"):
        try:
            head = path.read_text(encoding="utf-8", errors="replace").split("\n---", 1)[0]
        except OSError:
            continue
        match = ID_LINE.search(head)
        found[path.relative_to(content).as_posix()] = match.group(1) if match else ""
    return found


def apply_plan(plan: ImportPlan, content: Path) -> Applied:
    """Write the plan into content/. An article whose id is already in content/ under another file
    (its slug changed in a newer export) replaces that file, so no id is ever in two files."""
    root = content.resolve()
    ids = {article_id: rel for rel, article_id in existing_articles(root).items() if article_id}
    for rel in [rel for rel in plan.files if rel.startswith("articles/")]:
        match = ID_LINE.search(plan.files[rel].split("\n---", 1)[0])
        before = ids.get(match.group(1)) if match else None
        if before and before != rel and before not in plan.files:
            plan.files[before] = plan.files.pop(rel)
    targets = {rel: (root / rel).resolve() for rel in [*plan.files, *plan.copies]}
    for rel, target in targets.items():
        if not target.is_relative_to(root) or target == root:
            raise MastheadError(f"the import would write {rel!r}, outside {content}; nothing was written")
    done = Applied()
    staging = Path(tempfile.mkdtemp(prefix=".masthead-import-", dir=root.parent))
    try:
        staged: list[tuple[Path, Path]] = []
        for rel, text in plan.files.items():
            target = targets[rel]
            if target.is_file() and target.read_text(encoding="utf-8") == text:
                done.unchanged += 1
                continue
            temporary = staging / f"{len(staged)}.md"
            temporary.write_text(text, encoding="utf-8")
            staged.append((temporary, target))
            done.written += 1
        for rel, source in plan.copies.items():
            target = targets[rel]
            if target.is_file() and target.stat().st_size == Path(source).stat().st_size:
                continue
            temporary = staging / f"{len(staged)}.bin"
            shutil.copyfile(source, temporary)
            staged.append((temporary, target))
            done.copied += 1
        for temporary, target in staged:  # all read and staged: now moved in, one atomic rename each
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return done
