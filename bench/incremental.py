"""Builds of 1,000 and 10,000 articles: masthead beside plain Pelican, full and incremental, and a
breaking story from its file to the bucket.

    .venv/bin/python bench/incremental.py            # 1,000 and 10,000 articles
    .venv/bin/python bench/incremental.py 2000       # other sizes
    .venv/bin/python bench/incremental.py 10000 50000  # issue #21's sizes

For each size the same deterministic stories (bench/corpus.py) are written twice: for masthead
with every feature on (feeds, cards, crops, sitemaps, editions, manifest) and for plain Pelican
with its default theme and content cache. Every build runs in its own process, timed from start
to exit, with its peak memory. Then the site is deployed to SeaweedFS on 127.0.0.1, one article
is edited and one is added (with its own new photo, as breaking news comes), each built and
deployed; then one more is added and published with `masthead publish` (check, build, deploy), the
way a newsroom's CI runs it. Last, a fresh CI
runner (sizes up to 10,000): a new checkout (every file dated now, as git writes them) edits one
story and deploys it, with the caches the workflows restore (`cache/` and `output/` from an
archive of the last run, made and unpacked with GNU tar and zstd as actions/cache does, when both
are installed; the runner's cache holds the cards and crops its output uses, as its own pruning
leaves it) and without any; its build without caches is compared with Pelican's full build
(bench/cold_runner.py does the same with a photo per story). The edit is a one-line change to a
story's body (a typo fixed): such an edit does not plan the site (masthead.render.edits).

"Full build" is a build into an empty output/ with masthead's parse cache removed; card and crop
images stay in the cache between runs of this script (drawing 10,000 cards the first time takes
minutes: bench/cards.py measures that). Targets (issue #10): full build at most 1.2x Pelican's;
no-change rebuild at most 10% of Pelican's cached rebuild; one edit or one new article built and
deployed in at most 5 s; peak memory at most 1 GB. Issue #21, at 10,000: an edit built and
deployed in at most 4 s on an idle machine, `masthead publish` at most 6 s, the fresh runner with
caches at most 20 s and without at most 3x Pelican's full build; at 50,000: full build at most
1.0x Pelican's, an edit built and deployed in at most 10 s, peak memory at most 2 GB.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]
# The build child (--build) imports nothing but masthead: its start-up is part of what is timed.

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
PYTHON = sys.executable
PELICAN = str(Path(sys.executable).with_name("pelican"))
MASTHEAD = str(Path(sys.executable).with_name("masthead"))
RUNNER_UP_TO = 10_000  # the fresh-runner rows (minutes more at larger sizes: every card drawn again)
CACHE_ROOT = HERE / ".work"  # card and crop images kept between runs of the bench (git-ignored)


def timed(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Run a command; its wall time, its peak memory in MB and what it printed. Written data is
    flushed to disk first: the kernel writing back the last step's files (a deploy leaves
    SeaweedFS with a gigabyte to write) would otherwise be timed as part of this one."""
    os.sync()
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{text}")
    return seconds, usage.ru_maxrss / 1024, text


def masthead_build(root: Path) -> dict:
    seconds, peak, text = timed([PYTHON, __file__, "--build", str(root / "pelicanconf.py")], root)
    report = json.loads(text.strip().splitlines()[-1])
    return {**report, "seconds": seconds, "peak": peak}


def pelican_build(root: Path) -> dict:
    seconds, peak, _ = timed([PELICAN, "-s", "pelicanconf.py", "-q"], root)
    return {"seconds": seconds, "peak": peak}


def one_build(settings: str) -> None:
    """The child process of masthead_build: one build, its report as JSON on the last line."""
    from masthead.build import build_site

    report = build_site(Path(settings), now=NOW)
    print(json.dumps({"files": report.files, "counts": report.counts, "unchanged": report.unchanged,
                      "timings": report.timings}))


def measure(articles: int, store) -> dict:
    import boto3

    from masthead.deploy.run import deploy
    from masthead.deploy.s3 import Target

    from corpus import add_one, edit_one, write_corpus

    rows: dict = {}
    with tempfile.TemporaryDirectory(prefix="masthead-bench-") as tmp:
        ours, theirs = Path(tmp) / "masthead", Path(tmp) / "pelican"
        settings = write_corpus(ours, articles)
        cache = CACHE_ROOT / f"cache-{articles}"
        bucket = f"bench-{uuid.uuid4().hex[:10]}"
        boto3.session.Session().client("s3", endpoint_url=store.endpoint, region_name="us-east-1").create_bucket(
            Bucket=bucket)
        target = Target(bucket, endpoint_url=store.endpoint, region="us-east-1", addressing_style="path")
        settings.write_text(settings.read_text() + f"CACHE_PATH = {str(cache)!r}\n"
                            f"MASTHEAD['deploy'] = {{'bucket': {bucket!r}, 'endpoint_url': {store.endpoint!r}, "
                            "'region': 'us-east-1', 'preset': 'minio'}\n")
        write_corpus(theirs, articles, flavour="pelican")

        first = masthead_build(ours)  # fills the card cache when this size was never run
        rows["first"] = first
        shutil.rmtree(ours / "output")
        for shard in cache.glob("masthead-articles-*.pickle"):  # the parse cache
            shard.unlink()
        rows["full"] = masthead_build(ours)
        rows["pelican_full"] = pelican_build(theirs)
        rows["pelican_again"] = pelican_build(theirs)
        time.sleep(2.1)  # files saved within two seconds of a build are always looked at again
        rows["again"] = masthead_build(ours)

        started = time.perf_counter()
        deploy(ours / "output", target, say=lambda line: None)
        rows["first_deploy"] = time.perf_counter() - started

        def build_and_deploy(label: str, change) -> None:
            os.sync()
            started = time.perf_counter()
            change()
            build = masthead_build(ours)
            deployed_at = time.perf_counter()
            report = deploy(ours / "output", target, say=lambda line: None)
            finished = time.perf_counter()
            rows[label] = {**build, "deploy": finished - deployed_at, "total": finished - started,
                           "uploads": len(report.plan.uploads), "bytes": report.plan.upload_bytes,
                           "requests": sum(report.requests.values())}

        build_and_deploy("edit", lambda: edit_one(ours, articles // 2))
        edit_one(theirs, articles // 2, flavour="pelican")
        rows["pelican_edit"] = pelican_build(theirs)

        new_key = "2026/11/story-99999/index.html"
        build_and_deploy("add", lambda: add_one(ours, 99999, datetime(2026, 11, 27, 9, 0)))
        s3 = boto3.session.Session().client("s3", endpoint_url=store.endpoint, region_name="us-east-1")
        assert b"Story number 99999" in s3.get_object(Bucket=bucket, Key=new_key)["Body"].read()
        add_one(theirs, 99999, datetime(2026, 11, 27, 9, 0), flavour="pelican")
        rows["pelican_add"] = pelican_build(theirs)

        # breaking news the way a newsroom runs it: one `masthead publish` (check, build, deploy)
        os.sync()
        started = time.perf_counter()
        add_one(ours, 99998, datetime(2026, 11, 27, 10, 0))
        timed([MASTHEAD, "publish", "--settings", "pelicanconf.py", "--now", NOW.isoformat()], ours)
        rows["publish"] = time.perf_counter() - started
        page = s3.get_object(Bucket=bucket, Key="2026/11/story-99998/index.html")["Body"].read()
        assert b"Story number 99998" in page

        if articles > RUNNER_UP_TO:
            return rows
        # A fresh CI runner: a new checkout, with the caches the workflows restore (cache/ and
        # output/, saved as an archive after the last run) and without; one edited story, from the
        # checkout to deployed (restoring the archive is part of the time, saving it is not). A CI
        # runner checks out into the same folder every time, so the previous run is made there too.
        runner = Path(tmp) / "runner"
        own_settings = "".join(line for line in settings.read_text().splitlines(keepends=True)
                               if not line.startswith("CACHE_PATH")) + "CACHE_PATH = 'cache'\n"

        def checkout() -> None:
            # every file new to this disk and dated now, as a git checkout makes them
            shutil.copytree(ours / "content", runner / "content", copy_function=shutil.copyfile)
            (runner / "pelicanconf.py").write_text(own_settings)

        checkout()  # the previous run: built and deployed, its caches saved
        shutil.copytree(cache, runner / "cache", copy_function=os.link)
        masthead_build(runner)
        deploy(runner / "output", target, say=lambda line: None)
        rows["stale_cached"] = drop_unused_images(runner)
        archive = save_cache(Path(tmp), runner)
        rows["archive"] = f"{archive.name}, {archive.stat().st_size / 1e6:,.0f} MB"
        for label, restore in (("runner_cached", True), ("runner_cold", False)):
            shutil.rmtree(runner)  # the runner is gone with its disk
            os.sync()
            started = time.perf_counter()
            checkout()
            if restore:
                restore_cache(archive, runner)
            edit_one(runner, articles // 3 + (0 if restore else 1))
            build = masthead_build(runner)
            deploy(runner / "output", target, say=lambda line: None)
            rows[label] = {**build, "total": time.perf_counter() - started}
    return rows


def drop_unused_images(runner: Path) -> int:
    """Remove from the runner's cache the cards and crops its output does not link, as its own
    pruning would (masthead.render.files.prune_cache): the runner's cache starts as links to this
    bench's, which every run of this size shares and which holds what earlier code drew. Returns
    how many files went."""
    used = {(found.st_dev, found.st_ino) for found in
            (path.stat() for path in (runner / "output").rglob("*") if path.is_file())}
    removed = 0
    for name in ("cards", "crops"):
        for path in (runner / "cache" / name).iterdir():
            found = path.stat()
            if (found.st_dev, found.st_ino) not in used:
                path.unlink()
                removed += 1
    return removed


def save_cache(folder: Path, runner: Path) -> Path:
    """The runner's cache/ and output/ in one archive, as actions/cache saves them: GNU tar through
    zstd where both are installed (as on GitHub's runners), else Python's tarfile, uncompressed."""
    if shutil.which("tar") and shutil.which("zstd"):
        archive = folder / "ci-cache.tzst"
        subprocess.run(["tar", "--posix", "-cf", str(archive), "--use-compress-program", "zstd -T0",
                        "-C", str(runner), "cache", "output"], check=True)
        return archive
    archive = folder / "ci-cache.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(runner / "cache", arcname="cache")
        tar.add(runner / "output", arcname="output")
    return archive


def restore_cache(archive: Path, runner: Path) -> None:
    if archive.suffix == ".tzst":
        subprocess.run(["tar", "-xf", str(archive), "--use-compress-program", "unzstd", "-C", str(runner)], check=True)
    else:
        with tarfile.open(archive) as tar:
            tar.extractall(runner, **({"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}))


def report(articles: int, rows: dict) -> None:
    def line(label, ours, theirs=None, pages="", files="", peak=""):
        ratio = f"{ours / theirs:.2f}x" if theirs else ""
        theirs_text = f"{theirs:.1f}" if theirs else ""
        print(f"{articles:>8,} {label:<28} {ours:>9.2f} {theirs_text:>9} {ratio:>7} {pages:>8} {files:>8} {peak:>8}")

    def counts(row, key):
        return f"{row['counts'].get(key, 0):,}"

    full, again = rows["full"], rows["again"]
    line("first build (caches as found)", rows["first"]["seconds"], None, counts(rows["first"], "pages_rendered"),
         f"{rows['first']['files']:,}", f"{rows['first']['peak']:.0f}")
    line("full build", full["seconds"], rows["pelican_full"]["seconds"], counts(full, "pages_rendered"),
         f"{full['files']:,}", f"{full['peak']:.0f}")
    line("no-change rebuild", again["seconds"], rows["pelican_again"]["seconds"], counts(again, "pages_rendered"),
         counts(again, "files_written"), f"{again['peak']:.0f}")
    for label, key, pelican in (("edit one article", "edit", "pelican_edit"),
                                ("add one article", "add", "pelican_add")):
        row = rows[key]
        line(f"{label}: build", row["seconds"], rows[pelican]["seconds"], counts(row, "pages_rendered"),
             counts(row, "files_written"), f"{row['peak']:.0f}")
        line(f"{label}: deploy", row["deploy"], None, "", f"{row['uploads']:,} up", "")
        line(f"{label}: build + deploy", row["total"])
    line("add one: masthead publish", rows["publish"])
    if "runner_cold" in rows:
        print(f"{'':>8} runner's caches restored from {rows['archive']} (.tzst: GNU tar and zstd, as actions/cache; "
              f"{rows['stale_cached']:,} cached images its output did not use left out)")
        row = rows["runner_cached"]
        line("runner, caches: edit to deployed", row["total"], None, counts(row, "pages_rendered"),
             counts(row, "files_written"), f"{row['peak']:.0f}")
        row = rows["runner_cold"]  # target: the build at most 3x Pelican's full build
        line("runner, no caches: build", row["seconds"], rows["pelican_full"]["seconds"], counts(row, "pages_rendered"),
             counts(row, "files_written"), f"{row['peak']:.0f}")
        line("runner, no caches: edit to deployed", row["total"])
    print(f"{'':>8} cards drawn by the first build {rows['first']['counts'].get('cards_drawn', 0):,}; feed documents "
          f"written: full {full['counts'].get('feeds_written', 0):,}, "
          f"edit {rows['edit']['counts'].get('feeds_written', 0)}"
          f", add {rows['add']['counts'].get('feeds_written', 0)}; first deploy {rows['first_deploy']:.1f} s; "
          f"edit deploy {rows['edit']['uploads']} files, {rows['edit']['bytes']:,} bytes, "
          f"{rows['edit']['requests']} requests; add deploy {rows['add']['uploads']} files, "
          f"{rows['add']['bytes']:,} bytes, {rows['add']['requests']} requests")


def main(sizes: list[int]) -> None:
    from feeds_share import machine

    from seaweed import ACCESS_KEY, SECRET_KEY, start_seaweed

    os.environ.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
                      AWS_EC2_METADATA_DISABLED="true")
    print(f"machine: {machine()}")
    print(f"{'articles':>8} {'measure':<28} {'masthead s':>9} {'Pelican s':>9} {'ratio':>7} {'pages':>8} "
          f"{'files':>8} {'peak MB':>8}")
    with tempfile.TemporaryDirectory(prefix="masthead-bench-s3-") as data:
        store = start_seaweed(Path(data))
        try:
            for size in sizes:
                report(size, measure(size, store))
        finally:
            store.stop()
    print("pages: pages and listings rendered; files: files the build wrote (full build: all of them); "
          "peak: the build process's peak memory; Pelican: plain Pelican 4 with its default theme on the same "
          "stories, content cache on")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--build"]:
        one_build(sys.argv[2])
    else:
        main([int(a) for a in sys.argv[1:]] or [1000, 10000])
