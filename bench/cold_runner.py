"""A CI runner with no caches: a fresh clone built from nothing, beside plain Pelican's full build.

    .venv/bin/python bench/cold_runner.py               # 10,000 articles, each story's photo its own file
    .venv/bin/python bench/cold_runner.py 10000 12      # the same stories sharing twelve photos

bench/incremental.py's fresh-runner rows use its corpus, where 8,000 stories share twelve
photos: a worker prepares each photo once for all its cards. A newsroom's archive has a photo
per story, so here every story with a photo has its own file (a progressive JPEG with grain,
decoded like a photograph) and every card decodes one. Target (issue #21): at most 3x Pelican's
full build of the same stories, with its default theme and no content cache.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feeds_share import machine  # noqa: E402
from incremental import masthead_build, pelican_build  # noqa: E402

from corpus import write_corpus  # noqa: E402


def main(articles: int, photos: int | None) -> None:
    photos = articles if photos is None else photos  # one per story (a fifth of the stories have none)
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="masthead-cold-") as tmp:
        ours, theirs = Path(tmp) / "masthead", Path(tmp) / "pelican"
        settings = write_corpus(ours, articles, images=photos)
        settings.write_text(settings.read_text() + "CACHE_PATH = 'cache'\n")  # inside the clone: empty
        write_corpus(theirs, articles, images=photos, flavour="pelican")
        (theirs / "pelicanconf.py").write_text((theirs / "pelicanconf.py").read_text().replace(
            "LOAD_CONTENT_CACHE = True", "LOAD_CONTENT_CACHE = False"))  # a fresh clone has none either
        cold = masthead_build(ours)
        pelican = pelican_build(theirs)
    counts, timings = cold["counts"], cold["timings"]
    print(f"{'articles':>9} {'photos':>7} {'masthead s':>11} {'Pelican s':>10} {'ratio':>7} {'cards drawn':>12} "
          f"{'peak MB':>8}")
    print(f"{articles:>9,} {photos:>7,} {cold['seconds']:>11.1f} {pelican['seconds']:>10.1f} "
          f"{cold['seconds'] / pelican['seconds']:>6.2f}x {counts.get('cards_drawn', 0):>12,} {cold['peak']:>8.0f}")
    print("stages (s):", json.dumps({stage: round(seconds, 1) for stage, seconds in timings.items()}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000, int(sys.argv[2]) if len(sys.argv) > 2 else None)
