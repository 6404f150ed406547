"""How much the feeds add to a full build. Prints a table; the target is at most 5%.

Each size is built twice from the same corpus into a fresh output/: once with masthead's feed
stage switched off, once with it; the difference is what the feeds cost in wall-clock time.

    .venv/bin/python bench/feeds_share.py            # 1,000 and 10,000 articles
    .venv/bin/python bench/feeds_share.py 2000       # other sizes
"""

from __future__ import annotations

import os
import shutil
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


def build_without_feeds(settings: Path):
    from pelican import signals

    import masthead.plugin as plugin

    signals.all_generators_finalized.disconnect(plugin.start_feeds)
    signals.finalized.disconnect(plugin.finish_feeds)
    original = plugin.register

    def register_without_feeds():
        original()
        signals.all_generators_finalized.disconnect(plugin.start_feeds)
        signals.finalized.disconnect(plugin.finish_feeds)

    plugin.register = register_without_feeds
    try:
        return build_site(settings, now=NOW)
    finally:
        plugin.register = original


def measure(articles: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="masthead-bench-") as tmp:
        settings = write_corpus(Path(tmp), articles)
        without = build_without_feeds(settings)
        assert not (Path(tmp) / "output" / "feeds").exists()
        shutil.rmtree(Path(tmp) / "output")
        report = build_site(settings, now=NOW)
        feeds = [p for p in (Path(tmp) / "output" / "feeds").rglob("*") if p.is_file()]
        return {
            "articles": articles,
            "without": without.seconds,
            "build": report.seconds,
            "stage": report.timings.get("feeds", 0.0),
            "documents": len(feeds),
            "megabytes": sum(p.stat().st_size for p in feeds) / 1e6,
        }


def main(sizes: list[int]) -> None:
    print(f"machine: {machine()}")
    print(f"{'articles':>9} {'no feeds s':>11} {'with feeds s':>13} {'feeds add':>10} "
          f"{'feed stage s':>13} {'feed files':>11} {'feed MB':>8}")
    for size in sizes:
        row = measure(size)
        added = (row["build"] - row["without"]) / row["without"] * 100
        print(f"{row['articles']:>9,} {row['without']:>11.1f} {row['build']:>13.1f} {added:>9.1f}% "
              f"{row['stage']:>13.1f} {row['documents']:>11,} {row['megabytes']:>8.0f}")
    print("feeds add: the build's extra wall-clock time with feeds on (target: at most 5%); "
          "feed stage: time masthead spent planning feeds and waiting for their writer")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
