"""masthead deploy against a real SeaweedFS on 127.0.0.1 (SigV4 checked): no mock of S3."""

from __future__ import annotations

import time
import uuid

import boto3
import pytest
from botocore.config import Config
from click.testing import CliRunner

from masthead.cli import main
from masthead.deploy.plan import MANIFEST_KEY
from masthead.deploy.run import DeployOptions, deploy
from masthead.deploy.s3 import Target
from masthead.errors import MastheadError


@pytest.fixture
def bucket(seaweed, s3_env):
    name = f"site-{uuid.uuid4().hex[:12]}"
    client(seaweed).create_bucket(Bucket=name)
    return name


def client(seaweed):
    from seaweed import ACCESS_KEY, SECRET_KEY

    return boto3.client("s3", endpoint_url=seaweed.endpoint, region_name="us-east-1",
                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                        config=Config(s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                                      response_checksum_validation="when_required"))


def site(folder, files: dict[str, bytes]):
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def keys(seaweed, bucket, prefix=""):
    answer = client(seaweed).list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(o["Key"] for o in answer.get("Contents", []))


FILES = {
    "index.html": b"<h1>Front page</h1>",
    "2026/11/story/index.html": b"<h1>Story</h1><img src='/images/photo.jpg'>",
    "images/photo.jpg": b"\xff\xd8\xff" + b"j" * 2000,
    "theme/css/site.css": b"body{}",
    "feeds/all.atom.xml": b"<feed/>",
    "feeds/all.json": b"{}",
    "sitemap.xml": b"<sitemapindex/>",
}


def test_first_deploy_uploads_everything_with_headers_then_nothing_changes(seaweed, bucket, tmp_path):
    output = site(tmp_path / "output", FILES)
    target = Target(bucket, endpoint_url=seaweed.endpoint, region="us-east-1", addressing_style="path")
    lines = []
    first = deploy(output, target, say=lines.append)
    assert len(first.plan.uploads) == len(FILES) and {u.reason for u in first.plan.uploads} == {"new"}
    assert lines[-1] == f"{len(FILES)} uploaded ({first.plan.upload_bytes:,} bytes), 0 deleted, 0 unchanged"
    assert keys(seaweed, bucket) == sorted([*FILES, MANIFEST_KEY])
    s3 = client(seaweed)
    page = s3.head_object(Bucket=bucket, Key="2026/11/story/index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert page["CacheControl"] == "public, max-age=60, must-revalidate"
    assert len(page["Metadata"]["masthead-sha256"]) == 64
    feed = s3.head_object(Bucket=bucket, Key="feeds/all.json")
    assert feed["ContentType"] == "application/feed+json; charset=utf-8"
    assert s3.get_object(Bucket=bucket, Key="images/photo.jpg")["Body"].read() == FILES["images/photo.jpg"]

    lines = []
    again = deploy(output, target, say=lines.append)
    assert again.plan.is_empty and again.plan.unchanged == len(FILES)
    assert again.requests == {"GET": 1} and not again.listed  # the manifest, standing in for a listing
    assert lines[-1] == (f"0 uploaded (0 bytes), 0 deleted, {len(FILES)} unchanged (bucket as the deployed "
                         "manifest says, listed 0 min ago; --verify lists it)")
    verified = deploy(output, target, say=lambda line: None, verify=True)
    assert verified.plan.is_empty and verified.listed
    assert verified.requests == {"GET": 2, "PUT": 1}  # manifest, one listing page; the listing's time recorded


def test_between_listings_the_manifest_stands_for_the_bucket_until_verified(seaweed, bucket, tmp_path):
    """A deploy trusts the deployed manifest while its last listing is recent: an object removed by
    hand is put back, and a stray one deleted, by the next listing (--verify, or once
    verify_every_hours have passed since the last one)."""
    from masthead.deploy.run import BucketView

    output = site(tmp_path / "output", FILES)
    target = Target(bucket, endpoint_url=seaweed.endpoint, region="us-east-1", addressing_style="path")
    assert deploy(output, target, say=lambda line: None).listed  # no manifest yet: listed
    s3 = client(seaweed)
    s3.delete_object(Bucket=bucket, Key="theme/css/site.css")
    s3.put_object(Bucket=bucket, Key="stray.html", Body=b"left by hand")

    trusting = deploy(output, target, say=lambda line: None)
    assert trusting.plan.is_empty and not trusting.listed
    assert "theme/css/site.css" not in keys(seaweed, bucket)  # unnoticed until the next listing

    an_hour = DeployOptions(verify_every_hours=1)
    later = BucketView(target, an_hour.verify_every_hours * 3600, clock=lambda: time.time() + 2 * 3600)
    report = deploy(output, target, an_hour, say=lambda line: None, bucket=later)
    assert report.listed and [(u.file.key, u.reason) for u in report.plan.uploads] == [("theme/css/site.css", "new")]
    assert report.plan.deletes == ("stray.html",)
    assert keys(seaweed, bucket) == sorted([*FILES, MANIFEST_KEY])
    # verify_every_hours = 0: every deploy lists
    assert deploy(output, target, DeployOptions(verify_every_hours=0), say=lambda line: None).listed


def test_a_bad_verify_every_hours_says_what_to_write():
    from masthead.deploy.run import resolve_target

    with pytest.raises(MastheadError, match=r"MASTHEAD\['deploy'\]\['verify_every_hours'\]: expected a number of "
                                            r"hours \(0: list the bucket on every deploy\), found 'daily'"):
        resolve_target({"bucket": "b", "verify_every_hours": "daily"}, {})
    assert resolve_target({"bucket": "b", "verify_every_hours": "6"}, {})[1].verify_every_hours == 6.0


def test_same_bytes_upload_nothing_and_an_edit_uploads_only_that_file(seaweed, bucket, tmp_path):
    output = site(tmp_path / "output", FILES)
    target = Target(bucket, endpoint_url=seaweed.endpoint, region="us-east-1", addressing_style="path")
    deploy(output, target, say=lambda line: None)
    site(output, FILES)  # every file rewritten, same bytes, new mtimes
    assert deploy(output, target, say=lambda line: None).plan.is_empty
    site(output, {"2026/11/story/index.html": b"<h1>Story, corrected</h1>"})
    report = deploy(output, target, say=lambda line: None)
    assert [(u.file.key, u.reason) for u in report.plan.uploads] == [("2026/11/story/index.html", "content changed")]
    assert report.requests["PUT"] == 2  # the page and the manifest
    body = client(seaweed).get_object(Bucket=bucket, Key="2026/11/story/index.html")["Body"].read()
    assert body == b"<h1>Story, corrected</h1>"


def test_a_change_of_headers_alone_is_applied(seaweed, bucket, tmp_path):
    output = site(tmp_path / "output", FILES)
    target = Target(bucket, endpoint_url=seaweed.endpoint, region="us-east-1", addressing_style="path")
    deploy(output, target, say=lambda line: None)
    rules = (("images/*", "public, max-age=604800"), ("*", "public, max-age=60, must-revalidate"))
    report = deploy(output, target, DeployOptions(cache_rules=rules), say=lambda line: None)
    changed = {u.file.key: u.reason for u in report.plan.uploads}
    assert changed["images/photo.jpg"] == "headers changed"
    assert client(seaweed).head_object(Bucket=bucket, Key="images/photo.jpg")["CacheControl"] == "public, max-age=604800"


def test_precompressed_files_keep_a_clean_content_encoding(seaweed, bucket, tmp_path):
    import gzip

    output = site(tmp_path / "output", FILES)
    target = Target(bucket, endpoint_url=seaweed.endpoint, region="us-east-1", addressing_style="path")
    deploy(output, target, DeployOptions(precompress="gzip"), say=lambda line: None)
    answer = client(seaweed).get_object(Bucket=bucket, Key="index.html")
    assert answer["ContentEncoding"] == "gzip"
    assert gzip.decompress(answer["Body"].read()) == FILES["index.html"]


def test_deletes_come_last_are_capped_and_spare_previews(seaweed, bucket, tmp_path):
    output = site(tmp_path / "output", FILES)
    target = Target(bucket, endpoint_url=seaweed.endpoint, region="us-east-1", addressing_style="path")
    deploy(output, target, say=lambda line: None)
    preview = Target(bucket, prefix="previews/feature-x/", endpoint_url=seaweed.endpoint, region="us-east-1",
                     addressing_style="path")
    deploy(output, preview, say=lambda line: None)
    (output / "theme/css/site.css").unlink()
    (output / "feeds/all.json").unlink()
    with pytest.raises(MastheadError, match="run again with --max-deletes 2"):
        deploy(output, target, DeployOptions(max_deletes=1), say=lambda line: None)
    assert "theme/css/site.css" in keys(seaweed, bucket)
    report = deploy(output, target, say=lambda line: None)
    assert report.plan.deletes == ("feeds/all.json", "theme/css/site.css")
    remaining = keys(seaweed, bucket)
    assert "theme/css/site.css" not in remaining
    assert "previews/feature-x/theme/css/site.css" in remaining  # a production deploy never touches previews


def test_dry_run_prints_the_plan_and_changes_nothing(seaweed, bucket, tmp_path):
    output = site(tmp_path / "output", FILES)
    lines = []
    target = Target(bucket, endpoint_url=seaweed.endpoint, region="us-east-1", addressing_style="path")
    report = deploy(output, target, dry_run=True, say=lines.append)
    assert f"upload images/photo.jpg (new, {len(FILES['images/photo.jpg']):,} bytes)" in lines
    assert lines.index("upload images/photo.jpg (new, 2,003 bytes)") < lines.index("upload index.html (new, 19 bytes)")
    assert lines[-1].startswith(f"{len(FILES)} to upload") and keys(seaweed, bucket) == []
    assert report.requests.get("PUT", 0) == 0


def test_an_empty_output_folder_is_refused(seaweed, bucket, tmp_path):
    (tmp_path / "output").mkdir()
    target = Target(bucket, endpoint_url=seaweed.endpoint, region="us-east-1", addressing_style="path")
    with pytest.raises(MastheadError, match="is missing or empty: build the site first"):
        deploy(tmp_path / "output", target, say=lambda line: None)


@pytest.fixture
def run_cli(seaweed, s3_env, tmp_path, monkeypatch):
    site(tmp_path / "output", FILES)
    (tmp_path / "publishconf.py").write_text(
        'SITENAME = "Gazette"\nPATH = "content"\nOUTPUT_PATH = "output"\n'
        f'MASTHEAD = {{"deploy": {{"endpoint_url": "{seaweed.endpoint}", "region": "us-east-1", "preset": "minio"}}}}\n')
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path)

    def invoke(*args):
        return CliRunner().invoke(main, ["deploy", *args])

    invoke.folder = tmp_path
    return invoke


def test_cli_deploys_and_explains_each_failure_in_one_line(run_cli, bucket, seaweed, monkeypatch):
    result = run_cli("--bucket", bucket)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith(f"{len(FILES)} uploaded")

    missing = run_cli("--bucket", "no-such-bucket-here")
    assert missing.exit_code == 1
    assert missing.output.strip() == (f"error: bucket 'no-such-bucket-here' does not exist at {seaweed.endpoint}: "
                                      "create it or check --bucket")

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret")
    refused = run_cli("--bucket", bucket)
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert refused.output.startswith(f"error: {seaweed.endpoint} refused the credentials (SignatureDoesNotMatch)")
    assert "wrong-secret" not in refused.output

    unreachable = run_cli("--bucket", bucket, "--endpoint-url", "http://127.0.0.1:9")
    assert unreachable.exit_code == 1
    assert unreachable.output.strip() == "error: cannot reach http://127.0.0.1:9: check --endpoint-url and the network"

    nothing = run_cli()
    assert nothing.exit_code == 1
    assert "no bucket: pass --bucket or set MASTHEAD['deploy']['bucket']" in nothing.output


def test_a_server_that_stops_mid_deploy_leaves_the_site_whole_and_the_next_run_finishes(tmp_path, s3_env):
    from seaweed import start_seaweed

    store = start_seaweed(tmp_path / "seaweed")
    try:
        name = f"site-{uuid.uuid4().hex[:12]}"
        client(store).create_bucket(Bucket=name)
        client(store).put_object(Bucket=name, Key="stale.html", Body=b"old page")
        output = site(tmp_path / "output", {f"images/{n:03d}.jpg": b"x" * 500 for n in range(400)} | FILES)
        target = Target(name, endpoint_url=store.endpoint, region="us-east-1", addressing_style="path",
                        workers=2, attempts=2)

        def stop_after_progress(line: str) -> None:
            if line.startswith("uploaded 200/"):
                store.stop()

        with pytest.raises(MastheadError, match=f"cannot reach {store.endpoint}"):
            deploy(output, target, say=stop_after_progress)
    finally:
        store.stop()

    store = start_seaweed(tmp_path / "seaweed")  # same data, new ports
    try:
        present = keys(store, name)
        assert "stale.html" in present and MANIFEST_KEY not in present  # nothing deleted, nothing recorded
        assert "2026/11/story/index.html" not in present  # pages wait until every asset is up
        target = Target(name, endpoint_url=store.endpoint, region="us-east-1", addressing_style="path")
        report = deploy(output, target, say=lambda line: None)
        assert report.plan.deletes == ("stale.html",)
        assert keys(store, name) == sorted([*output_keys(output), MANIFEST_KEY])
    finally:
        store.stop()


def output_keys(output):
    """The site's files (the notes in .masthead/, such as the deploy's remembered hashes, stay local)."""
    return [p.relative_to(output).as_posix() for p in output.rglob("*")
            if p.is_file() and not p.relative_to(output).as_posix().startswith(".masthead/")]


def test_injected_500s_and_slow_answers_are_retried_and_the_deploy_completes(seaweed, bucket, tmp_path):
    from faulty_proxy import FaultyProxy

    output = site(tmp_path / "output", {f"images/{n:03d}.jpg": b"y" * 300 for n in range(30)} | FILES)
    with FaultyProxy(seaweed.endpoint, fail_first_puts_of=3, delay=0.4, delay_every=5) as proxy:
        target = Target(bucket, endpoint_url=proxy.endpoint, region="us-east-1", addressing_style="path", workers=4)
        report = deploy(output, target, say=lambda line: None)
    assert proxy.faults["500"] >= 10 and proxy.faults["slow"] >= 5
    assert len(report.plan.uploads) == len(output_keys(output))
    assert keys(seaweed, bucket) == sorted([*output_keys(output), MANIFEST_KEY])
    body = client(seaweed).get_object(Bucket=bucket, Key="images/007.jpg")["Body"].read()
    assert body == b"y" * 300


def test_renamed_articles_redirect_with_a_header_and_an_html_fallback(seaweed, bucket, tmp_path):
    from lxml import html as lxml_html

    from conftest import DEFAULT_MASTHEAD, Newsroom
    from faulty_proxy import FaultyProxy

    room = Newsroom(tmp_path / "room", site_url="https://news.example", masthead=DEFAULT_MASTHEAD)
    room.author("jane-doe", "Jane Doe")
    room.article("story", title="Talks resume", slug="talks-resume", aliases=["/2026/11/talks-to-resume/", "old.html"])
    room.build()
    fallback = lxml_html.fromstring((room.output / "2026/11/talks-to-resume/index.html").read_bytes())
    assert fallback.xpath("//link[@rel='canonical']/@href") == ["https://news.example/2026/11/talks-resume/"]
    assert fallback.xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=https://news.example/2026/11/talks-resume/"]
    assert (room.output / "old.html").is_file()

    with FaultyProxy(seaweed.endpoint) as proxy:
        target = Target(bucket, endpoint_url=proxy.endpoint, region="us-east-1", addressing_style="path")
        deploy(room.output, target, say=lambda line: None)
    puts = {path.split("?")[0].removeprefix(f"/{bucket}/"): headers for method, path, headers in proxy.seen
            if method == "PUT"}
    assert puts["2026/11/talks-to-resume/index.html"]["x-amz-website-redirect-location"] == \
        "https://news.example/2026/11/talks-resume/"
    assert "x-amz-website-redirect-location" not in puts["2026/11/talks-resume/index.html"]
    assert not any(key.startswith(".masthead/redirects") for key in puts)


def test_an_alias_that_is_a_live_page_is_refused(tmp_path):
    from conftest import DEFAULT_MASTHEAD, Newsroom

    room = Newsroom(tmp_path / "room", masthead=DEFAULT_MASTHEAD)
    room.author("jane-doe", "Jane Doe")
    room.article("story", title="Talks resume", slug="talks-resume", aliases=["/sections/world/"])
    with pytest.raises(MastheadError, match=r"aliases: 'sections/world/' is the address of a page that exists"):
        room.build()
    assert not room.output.exists()


def test_over_tls_pregzipped_files_keep_a_clean_content_encoding(tmp_path, s3_env, monkeypatch):
    import gzip

    import trustme

    from seaweed import start_seaweed

    authority = trustme.CA()
    server_cert = authority.issue_cert("127.0.0.1")
    cert, key, bundle = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    server_cert.cert_chain_pems[0].write_to_path(str(cert))
    server_cert.private_key_pem.write_to_path(str(key))
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("AWS_CA_BUNDLE", str(bundle))
    store = start_seaweed(tmp_path / "tls", tls=(cert, key))
    try:
        name = f"site-{uuid.uuid4().hex[:12]}"
        client(store).create_bucket(Bucket=name)
        output = site(tmp_path / "output", FILES)
        target = Target(name, endpoint_url=store.https_endpoint, region="us-east-1", addressing_style="path")
        report = deploy(output, target, DeployOptions(precompress="gzip"), say=lambda line: None)
        assert len(report.plan.uploads) == len(FILES)
        answer = client(store).get_object(Bucket=name, Key="feeds/all.atom.xml")
        assert answer["ContentEncoding"] == "gzip"  # not "aws-chunked,gzip": browsers could not read it
        assert gzip.decompress(answer["Body"].read()) == FILES["feeds/all.atom.xml"]
    finally:
        store.stop()


def test_a_large_file_goes_up_in_parts_and_is_not_uploaded_again(seaweed, bucket, tmp_path):
    import os as _os

    video = _os.urandom(20 * 1024 * 1024)  # past the 16 MB multipart threshold
    output = site(tmp_path / "output", {**FILES, "media/report.mp4": video})
    target = Target(bucket, endpoint_url=seaweed.endpoint, region="us-east-1", addressing_style="path")
    first = deploy(output, target, say=lambda line: None)
    assert first.requests["POST"] >= 2  # CreateMultipartUpload and CompleteMultipartUpload
    head = client(seaweed).head_object(Bucket=bucket, Key="media/report.mp4")
    assert head["ContentLength"] == len(video) and "-" in head["ETag"]  # a multipart ETag is no MD5
    assert deploy(output, target, say=lambda line: None).plan.is_empty


def test_a_deploy_hashes_only_the_files_a_build_changed(tmp_path, monkeypatch):
    import os

    import masthead.deploy.run as run
    from masthead.deploy.run import DeployOptions, local_files

    output = site(tmp_path / "output", FILES)
    read = []
    original = run.prepare
    monkeypatch.setattr(run, "prepare", lambda key, *args: read.append(key) or original(key, *args))
    first = local_files(output, DeployOptions())
    assert sorted(read) == sorted(FILES)
    read.clear()
    assert local_files(output, DeployOptions()) == first and read == []
    story = output / "2026/11/story/index.html"
    story.unlink()  # a build replaces a file: a new inode, whatever the clock says
    story.write_bytes(b"<h1>Story, corrected</h1>")
    os.utime(story, ns=(0, 0))
    changed = local_files(output, DeployOptions())
    assert read == ["2026/11/story/index.html"]
    assert {f.key: f.sha256 for f in changed} != {f.key: f.sha256 for f in first}
    read.clear()
    local_files(output, DeployOptions(precompress="gzip"))  # other upload rules: other bytes
    assert sorted(read) == sorted(FILES)



def test_an_output_restored_with_its_times_is_not_hashed_again(tmp_path, monkeypatch):
    """A CI runner restores output/ from its cache: every file in a new inode, with the times it
    had (GNU tar keeps nanoseconds). Nothing is read again. A file replaced by another of the same
    size whose time was set to a whole second (a reproducible build's fixed date) is read again."""
    import os
    import shutil

    import masthead.deploy.run as run
    from masthead.deploy.run import DeployOptions, local_files

    output = site(tmp_path / "output", FILES)
    first = local_files(output, DeployOptions())
    restored = tmp_path / "runner" / "output"
    shutil.copytree(output, restored)  # copy2: new inodes, the same times to the nanosecond
    read = []
    original = run.prepare
    monkeypatch.setattr(run, "prepare", lambda key, *args: read.append(key) or original(key, *args))
    assert local_files(restored, DeployOptions()) == first and read == []

    story = restored / "2026/11/story/index.html"
    size = story.stat().st_size
    os.utime(story, ns=(1_700_000_000 * 10**9, 1_700_000_000 * 10**9))
    local_files(restored, DeployOptions())  # remembered at whole seconds
    read.clear()
    replacement = story.with_name("new.html")  # as a build replaces a file: written, then renamed over it
    replacement.write_bytes(b"x" * size)  # the same size, other bytes
    os.utime(replacement, ns=(1_700_000_000 * 10**9, 1_700_000_000 * 10**9))
    os.replace(replacement, story)
    changed = {f.key: f.sha256 for f in local_files(restored, DeployOptions())}
    assert read == ["2026/11/story/index.html"]
    assert changed["2026/11/story/index.html"] != {f.key: f.sha256 for f in first}["2026/11/story/index.html"]


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", "marshal:wrong version", "marshal:bad entries",
                                    "marshal:not a tuple"])
def test_damaged_or_foreign_remembered_hashes_cost_only_hashing_again(tmp_path, monkeypatch, damage):
    """The deploy's memory is a file in output/ anyone can touch: anything but what it writes
    makes every file hashed again, never a wrong hash; the memory of an older masthead (JSON)
    is removed once a new one is written."""
    import marshal

    import masthead.deploy.run as run
    from masthead.deploy.run import DeployOptions, local_files
    from masthead.outputs import DEPLOY_HASHES_FILE, OLD_DEPLOY_HASHES_FILE

    output = site(tmp_path / "output", FILES)
    old = output / OLD_DEPLOY_HASHES_FILE
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_text('{"rules": "x", "files": {}}')
    first = local_files(output, DeployOptions())
    assert not old.exists() and (output / DEPLOY_HASHES_FILE).is_file()
    memory = output / DEPLOY_HASHES_FILE
    version, rules, files = marshal.loads(memory.read_bytes())
    if damage == "marshal:wrong version":
        damage = marshal.dumps((version + 1, rules, files))
    elif damage == "marshal:bad entries":
        damage = marshal.dumps((version, rules, {key: "not a list" for key in files}))
    elif damage == "marshal:not a tuple":
        damage = marshal.dumps([1, 2])
    memory.write_bytes(damage)
    read = []
    original = run.prepare
    monkeypatch.setattr(run, "prepare", lambda key, *args: read.append(key) or original(key, *args))
    assert local_files(output, DeployOptions()) == first
    assert sorted(read) == sorted(FILES)
    assert marshal.loads(memory.read_bytes()) == (version, rules, files)  # written whole again

def test_many_files_are_hashed_by_threads_with_the_same_result(tmp_path, monkeypatch):
    """A first deploy, or an output restored on a new CI runner, hashes every file: several
    threads do it, and each file gets its own bytes' hash and headers, as one thread would give."""
    import hashlib
    import threading

    import masthead.deploy.run as run
    from masthead.deploy.run import DeployOptions, local_files

    files = {f"2026/11/story-{n}/index.html": f"<h1>Story {n}</h1>".encode() * (n + 1) for n in range(200)}
    files |= {f"cards/articles/story-{n}.jpg": bytes([n]) * 5000 for n in range(100)}
    output = site(tmp_path / "output", files)
    threads = set()
    original = run.prepare
    monkeypatch.setattr(run, "prepare",
                        lambda key, *args: threads.add(threading.current_thread().name) or original(key, *args))
    found = {f.key: f for f in local_files(output, DeployOptions(precompress="gzip"))}
    assert threads and all(name.startswith("masthead-hash") for name in threads)  # the pool's, not this one
    assert sorted(found) == sorted(files)
    for key, data in files.items():
        expected, headers = original(key, data, DeployOptions().cache_rules, "gzip", "")
        assert (found[key].sha256, found[key].size, found[key].headers) == (
            hashlib.sha256(expected).hexdigest(), len(expected), headers), key


def test_a_listing_cut_into_ranges_finds_every_object_recorded_or_not(seaweed, bucket, monkeypatch):
    import masthead.deploy.s3 as s3

    monkeypatch.setattr(s3, "LIST_PAGE", 4)  # ranges of four keys, so 43 objects make several
    names = [f"{folder}/{n:03d}.html" for folder in ("a", "b", "é", "z") for n in range(10)] + ["index.html"]
    for name in names + ["previews/x/index.html", "stray.txt"]:
        client(seaweed).put_object(Bucket=bucket, Key="site/" + name, Body=b"x")
    client(seaweed).put_object(Bucket=bucket, Key="other/outside.html", Body=b"x")
    store = s3.S3Store(Target(bucket, prefix="site/", endpoint_url=seaweed.endpoint, region="us-east-1",
                              addressing_style="path", workers=3))
    expected = names[::2] + ["b/999.html"]  # what the last deploy recorded: not all of it, and one gone
    ranged = store.list(expected)
    assert sorted(ranged) == sorted(names + ["previews/x/index.html", "stray.txt"])
    assert ranged == store.list()


def test_a_deploy_killed_during_its_deletes_is_finished_by_the_next_one(seaweed, bucket, tmp_path, s3_env):
    """The manifest never claims a state the bucket is not in: written before the deletes, it
    names them as pending, so the next deploy (trusting it, no listing) deletes them."""
    import os
    import signal
    import subprocess
    import sys

    from faulty_proxy import FaultyProxy

    output = site(tmp_path / "output", FILES)
    (tmp_path / "publishconf.py").write_text(
        'SITENAME = "Gazette"\nPATH = "content"\nOUTPUT_PATH = "output"\n'
        f'MASTHEAD = {{"deploy": {{"bucket": "{bucket}", "region": "us-east-1", "preset": "minio"}}}}\n')
    (tmp_path / "content").mkdir()
    target = Target(bucket, endpoint_url=seaweed.endpoint, region="us-east-1", addressing_style="path")
    deploy(output, target, say=lambda line: None)
    (output / "theme/css/site.css").unlink()
    (output / "feeds/all.json").unlink()
    (output / "index.html").write_bytes(b"<h1>Front page, new</h1>")

    with FaultyProxy(seaweed.endpoint, hold_deletes=True) as proxy:
        command = [sys.executable, "-c", "from masthead.cli import main; main()", "deploy", "--endpoint-url",
                   proxy.endpoint]
        process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
        assert proxy.holding.wait(60), process.communicate()
        os.killpg(process.pid, signal.SIGKILL)  # dies while its delete request is on the way
        process.wait()
        proxy.released.set()
    assert "theme/css/site.css" in keys(seaweed, bucket)  # the delete never reached the bucket

    lines = []
    report = deploy(output, target, say=lines.append)
    assert not report.listed  # the deployed manifest stood for the bucket, and it owned up to the deletes
    assert report.plan.deletes == ("feeds/all.json", "theme/css/site.css")
    assert report.plan.uploads == ()  # the uploads the killed deploy made are recorded
    assert "theme/css/site.css" not in keys(seaweed, bucket) and "feeds/all.json" not in keys(seaweed, bucket)
    assert lines[-1].startswith("0 uploaded (0 bytes), 2 deleted")
    again = deploy(output, target, say=lambda line: None)
    assert again.plan.is_empty  # finished: the manifest no longer names pending deletes


def test_a_deploy_that_would_empty_a_small_site_is_refused(run_cli, bucket, seaweed):
    """The absolute cap (256) does not protect a site of 192 objects; the share does."""
    output = site(run_cli.folder / "output", {f"images/{n:03d}.jpg": b"x" * 10 for n in range(185)})
    assert run_cli("--bucket", bucket).exit_code == 0
    assert len(keys(seaweed, bucket)) == 193  # 192 files and the manifest
    for path in output.rglob("*"):
        if path.is_file() and path != output / "index.html":
            path.unlink()
    result = run_cli("--bucket", bucket)
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: this deploy would delete 191 of the 192 objects in the bucket (99%), more than the share of 25% "
        "(first: 2026/11/story/index.html); is the built site complete? If that is intended, run again with "
        "--max-delete-share 1")  # 191/192 rounded up to the hundredth
    assert len(keys(seaweed, bucket)) == 193  # nothing deleted
    allowed = run_cli("--bucket", bucket, "--max-delete-share", "1")
    assert allowed.exit_code == 0, allowed.output
    assert keys(seaweed, bucket) == [MANIFEST_KEY, "index.html"]


def test_a_bad_max_delete_share_says_what_to_write():
    from masthead.deploy.run import resolve_target

    with pytest.raises(MastheadError, match=r"max_delete_share: expected a share of the bucket's objects from 0 to "
                                            r"1 \(0.25 is a quarter; 1 allows deleting everything\), found 'half'"):
        resolve_target({"bucket": "b", "max_delete_share": "half"}, {})
    assert resolve_target({"bucket": "b", "max_delete_share": 0.5}, {})[1].max_delete_share == 0.5


def test_the_local_deploy_recipe_works_as_written(newsroom, tmp_path):
    """README's "Trying a deploy locally": a store, a bucket, a build, two deploys, the front page read
    back, with no cloud account and nothing sent anywhere else."""
    import os
    import subprocess
    import sys

    from conftest import REPO

    newsroom.article("story", title="Local story", slug="local-story")
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    done = subprocess.run([sys.executable, str(REPO / "tools" / "try_deploy.py"), "--newsroom", str(newsroom.root),
                           "--store", str(tmp_path / "store"), "--stop"], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    deploys = [line for line in lines if " uploaded (" in line]
    assert len(deploys) == 2 and not deploys[0].startswith("0 uploaded") and deploys[1].startswith("0 uploaded")
    assert any(line.startswith("The bucket holds ") and "'The Test Gazette'" in line for line in lines), lines
    assert any(line.startswith("Look at it: http://127.0.0.1:") for line in lines)
