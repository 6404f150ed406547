"""Deploys of a generated site to SeaweedFS on 127.0.0.1: masthead beside `aws s3 sync` and `s3cmd sync`.

    .venv/bin/python bench/deploy.py            # 10,000 files
    .venv/bin/python bench/deploy.py 20000

Each tool deploys to its own bucket through a counting proxy, in four rounds: the first upload,
a redeploy with no change, a redeploy after a rebuild that rewrote every file with the same
bytes, and a redeploy after one article was edited. The table gives wall time, requests by HTTP
method and bytes sent. The AWS CLI and s3cmd are installed into bench/.tools/ on first use.
Targets: no change or same bytes: zero PUTs and at most one listing pass; one edit: only the
files whose bytes changed.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from feeds_share import machine  # noqa: E402

from masthead.deploy.run import deploy  # noqa: E402
from masthead.deploy.s3 import Target  # noqa: E402

from faulty_proxy import FaultyProxy  # noqa: E402
from seaweed import ACCESS_KEY, SECRET_KEY, start_seaweed  # noqa: E402

TOOLS = HERE / ".tools"


def generate_site(root: Path, files: int, seed: int = 3) -> list[Path]:
    """HTML pages, photos, feeds and CSS in the proportions of a news site."""
    rnd = random.Random(seed)
    paths = []
    for n in range(files):
        kind = n % 10
        if kind < 6:
            path = root / f"{2016 + n % 10}/{n % 12 + 1:02d}/story-{n:05d}/index.html"
            words = "word " * rnd.randint(800, 1500)
            data = f"<html><body><h1>Story {n}</h1><p>{words}</p></body></html>".encode()
        elif kind < 9:
            path = root / f"images/photo-{n:05d}.jpg"
            data = rnd.randbytes(rnd.randint(20_000, 80_000))
        else:
            path = root / f"feeds/archive/{n:05d}.atom.xml"
            data = (f"<feed><title>{n}</title>" + "<entry/>" * 200 + "</feed>").encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    return paths


def tools_ready() -> Path:
    """A private virtualenv with the AWS CLI and s3cmd, so they never disturb the project's boto3."""
    venv = TOOLS / "venv"
    if not (venv / "bin" / "aws").exists() or not (venv / "bin" / "s3cmd").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "awscli", "s3cmd"], check=True)
    return venv / "bin"


def run_masthead(site: Path, endpoint: str, bucket: str) -> None:
    deploy(site, Target(bucket, endpoint_url=endpoint, region="us-east-1", addressing_style="path", workers=8),
           say=lambda line: None)


def run_aws(bin_dir: Path, site: Path, endpoint: str, bucket: str) -> None:
    env = {**os.environ, "AWS_REQUEST_CHECKSUM_CALCULATION": "when_required",
           "AWS_RESPONSE_CHECKSUM_VALIDATION": "when_required", "AWS_DEFAULT_REGION": "us-east-1"}
    subprocess.run([str(bin_dir / "aws"), "s3", "sync", str(site), f"s3://{bucket}/", "--delete", "--only-show-errors",
                    "--endpoint-url", endpoint], check=True, env=env)


def run_s3cmd(bin_dir: Path, site: Path, endpoint: str, bucket: str) -> None:
    host = endpoint.removeprefix("http://")
    subprocess.run([str(bin_dir / "s3cmd"), "sync", "--delete-removed", "--no-ssl", "--quiet", "--no-preserve",
                    f"--host={host}", f"--host-bucket={host}", f"--access_key={ACCESS_KEY}",
                    f"--secret_key={SECRET_KEY}", "--region=us-east-1", f"{site}/", f"s3://{bucket}/"], check=True)


def main(files: int) -> None:
    print(f"machine: {machine()}")
    os.environ.update(AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY, AWS_EC2_METADATA_DISABLED="true")
    bin_dir = tools_ready()
    with tempfile.TemporaryDirectory(prefix="masthead-deploy-bench-") as tmp:
        tmp = Path(tmp)
        site = tmp / "site"
        paths = generate_site(site, files)
        store = start_seaweed(tmp / "seaweed")
        try:
            admin = boto3.client("s3", endpoint_url=store.endpoint, region_name="us-east-1",
                                 config=Config(s3={"addressing_style": "path"}))
            tools = {"masthead": lambda e, b: run_masthead(site, e, b),
                     "aws s3 sync": lambda e, b: run_aws(bin_dir, site, e, b),
                     "s3cmd sync": lambda e, b: run_s3cmd(bin_dir, site, e, b)}
            buckets = {}
            for name in tools:
                buckets[name] = f"bench-{uuid.uuid4().hex[:10]}"
                admin.create_bucket(Bucket=buckets[name])

            def rewrite_same_bytes():
                for path in paths:
                    path.write_bytes(path.read_bytes())

            def edit_one():
                path = paths[0]
                path.write_bytes(path.read_bytes().replace(b"Story 0", b"Story 0, corrected"))

            rounds = [("first upload", None), ("no change", None), ("same bytes", rewrite_same_bytes),
                      ("one edit", edit_one)]
            print(f"{files:,} files, {sum(p.stat().st_size for p in paths) / 1e6:.0f} MB")
            print(f"{'round':<13} {'tool':<12} {'seconds':>8} {'GET':>7} {'HEAD':>6} {'PUT':>7} {'POST':>5} "
                  f"{'DELETE':>7} {'MB sent':>8}")
            for label, change in rounds:
                if change:
                    time.sleep(1.1)  # a new mtime second, as a real rebuild would give
                    change()
                for name, run in tools.items():
                    with FaultyProxy(store.endpoint) as proxy:
                        started = time.perf_counter()
                        run(proxy.endpoint, buckets[name])
                        seconds = time.perf_counter() - started
                    methods = {m: sum(1 for s in proxy.seen if s[0] == m)
                               for m in ("GET", "HEAD", "PUT", "POST", "DELETE")}
                    sent = sum(int(h.get("content-length") or 0) for _, _, h in proxy.seen) / 1e6
                    print(f"{label:<13} {name:<12} {seconds:>8.1f} {methods['GET']:>7} {methods['HEAD']:>6} "
                          f"{methods['PUT']:>7} {methods['POST']:>5} {methods['DELETE']:>7} {sent:>8.1f}")
        finally:
            store.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
