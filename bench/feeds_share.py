"""How much of a full build the feeds take. Prints a table; the target is at most 5%.

    .venv/bin/python bench/feeds_share.py            # 1,000 and 10,000 articles
    .venv/bin/python bench/feeds_share.py 2000       # other sizes
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus  # noqa: E402

from masthead.build import build_site  # noqa: E402

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


def measure(articles: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="masthead-bench-") as tmp:
        settings = write_corpus(Path(tmp), articles)
        report = build_site(settings, now=NOW)
        feeds = list((Path(tmp) / "output" / "feeds").rglob("*"))
        return {
            "articles": articles,
            "build": report.seconds,
            "feeds": report.timings.get("feeds", 0.0),
            "documents": sum(1 for p in feeds if p.is_file()),
            "megabytes": sum(p.stat().st_size for p in feeds if p.is_file()) / 1e6,
        }


def main(sizes: list[int]) -> None:
    print(f"machine: {machine()}")
    print(f"{'articles':>9} {'full build s':>13} {'feeds s':>8} {'feeds share':>12} {'feed files':>11} {'feed MB':>8}")
    for size in sizes:
        row = measure(size)
        share = row["feeds"] / row["build"] * 100
        print(f"{row['articles']:>9,} {row['build']:>13.1f} {row['feeds']:>8.1f} {share:>11.1f}% "
              f"{row['documents']:>11,} {row['megabytes']:>8.0f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
