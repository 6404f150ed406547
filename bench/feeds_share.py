"""How much the feeds add to a full build. Prints a table; the target is at most 5%.

Each size is built from the same corpus into a fresh output/, alternately with masthead's feed
stage switched off and on, REPEAT times each (default 3); the medians' difference is what the
feeds cost in wall-clock time. A single pair of builds on a shared machine varies by more than 5%.

    .venv/bin/python bench/feeds_share.py            # 1,000 and 10,000 articles
    .venv/bin/python bench/feeds_share.py 2000       # other sizes
    REPEAT=5 .venv/bin/python bench/feeds_share.py   # more builds per median
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from masthead.build import build_site  # noqa: E402

from corpus import write_corpus  # noqa: E402

NOW = datetime(2026, 11, 27, tzinfo=timezone.utc)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def build_without_feeds(settings: Path):
    """A build that writes everything but the feeds."""
    from masthead.render import site

    writer = site.write_feeds
    site.write_feeds = lambda *args: 0
    try:
        return build_site(settings, now=NOW)
    finally:
        site.write_feeds = writer


def measure(articles: int, repeat: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="masthead-bench-") as tmp:
        settings = write_corpus(Path(tmp), articles)
        output = Path(tmp) / "output"
        without, with_feeds, stage = [], [], []
        build_site(settings, now=NOW)  # warm-up, untimed: fills the card and crop caches
        for _ in range(repeat):
            shutil.rmtree(output, ignore_errors=True)
            without.append(build_without_feeds(settings).seconds)
            assert not (output / "feeds").exists()
            shutil.rmtree(output)
            report = build_site(settings, now=NOW)
            with_feeds.append(report.seconds)
            stage.append(report.timings.get("feeds", 0.0))
        feeds = [p for p in (output / "feeds").rglob("*") if p.is_file()]
        return {
            "articles": articles,
            "without": statistics.median(without),
            "build": statistics.median(with_feeds),
            "stage": statistics.median(stage),
            "documents": len(feeds),
            "megabytes": sum(p.stat().st_size for p in feeds) / 1e6,
        }


def main(sizes: list[int], repeat: int) -> None:
    print(f"machine: {machine()}")
    print(f"{'articles':>9} {'no feeds s':>11} {'with feeds s':>13} {'feeds add':>10} "
          f"{'second stage s':>13} {'feed files':>11} {'feed MB':>8}")
    for size in sizes:
        row = measure(size, repeat)
        added = (row["build"] - row["without"]) / row["without"] * 100
        print(f"{row['articles']:>9,} {row['without']:>11.1f} {row['build']:>13.1f} {added:>9.1f}% "
              f"{row['stage']:>13.1f} {row['documents']:>11,} {row['megabytes']:>8.0f}")
    print("feeds add: the build's extra wall-clock time with feeds on (target: at most 5%); "
          "second stage: time the build spent starting and waiting for its second process (feeds, digest "
          "editions, archives)")


if __name__ == "__main__":
    repeat = int(os.environ.get("REPEAT", "3"))
    main([int(a) for a in sys.argv[1:]] or [1000, 10000], repeat)
