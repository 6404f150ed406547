"""The deploy plan on its own: reasons, order, deletes and their cap, headers. No server."""

from __future__ import annotations

import gzip

import pytest

from masthead.deploy.headers import cache_control, content_type, prepare
from masthead.deploy.plan import (
    MANIFEST_KEY,
    Deployed,
    DeployedManifest,
    Headers,
    LocalFile,
    PlanError,
    RemoteObject,
    group_of,
    invalidation_paths,
    manifest_bytes,
    parse_manifest,
    plan_deploy,
)

HTML = Headers("text/html; charset=utf-8", "public, max-age=60, must-revalidate")


def local(key: str, sha: str = "a", size: int = 10, headers: Headers = HTML) -> LocalFile:
    return LocalFile(key, sha, size, headers)


def test_every_upload_has_its_reason_and_unchanged_files_are_skipped():
    files = [local("new.html"), local("same.html"), local("edited.html", sha="b"),
             local("headers.html", headers=Headers("text/html; charset=utf-8", "no-cache")), local("unknown.html")]
    remote = {k: RemoteObject(k, 10) for k in ("same.html", "edited.html", "headers.html", "unknown.html")}
    deployed = {k: Deployed("a", HTML.fingerprint(), 10) for k in ("same.html", "edited.html", "headers.html")}
    plan = plan_deploy(files, remote, deployed)
    assert {u.file.key: u.reason for u in plan.uploads} == {
        "new.html": "new", "edited.html": "content changed", "headers.html": "headers changed",
        "unknown.html": "not recorded"}
    assert plan.unchanged == 1 and plan.deletes == ()


def test_a_size_that_differs_from_the_record_is_a_change_even_with_the_same_hash():
    plan = plan_deploy([local("a.html")], {"a.html": RemoteObject("a.html", 99)},
                       {"a.html": Deployed("a", HTML.fingerprint(), 10)})
    assert [u.reason for u in plan.uploads] == ["content changed"]


def test_uploads_go_assets_then_articles_then_listings_then_feeds():
    keys = ["feeds/all.atom.xml", "index.html", "2026/11/story/index.html", "images/photo.jpg",
            "sitemap.xml", "theme/css/site.css", "sections/world/index.html", "robots.txt", "cards/site.png"]
    plan = plan_deploy([local(k) for k in keys], {}, {})
    assert [u.file.key for u in plan.uploads] == [
        "cards/site.png", "images/photo.jpg", "theme/css/site.css", "2026/11/story/index.html",
        "index.html", "sections/world/index.html", "feeds/all.atom.xml", "robots.txt", "sitemap.xml"]
    assert group_of("news-sitemap.xml") == "feeds" and group_of("sitemaps/pages-1.xml") == "feeds"


def test_deletes_come_from_the_listing_and_are_capped():
    remote = {k: RemoteObject(k, 1) for k in ("gone.html", "old.css", ".masthead/deployed.json.gz")}
    plan = plan_deploy([local("index.html")], remote, {})
    assert plan.deletes == ("gone.html", "old.css")
    with pytest.raises(PlanError, match=r"would delete 2 objects, more than the cap of 1 \(first: gone.html\); "
                                        r"if that is intended, run again with --max-deletes 2"):
        plan_deploy([local("index.html")], remote, {}, delete_cap=1)


def test_manifest_round_trip_and_an_unreadable_manifest_is_no_manifest():
    plan = plan_deploy([local("a.html")], {}, {})
    read = parse_manifest(manifest_bytes(plan.manifest, listed_at=1700000000.5))
    assert read.files == {"a.html": Deployed("a", HTML.fingerprint(), 10)} and read.listed_at == 1700000000.5
    assert read.trusted() == {"a.html": RemoteObject("a.html", 10), MANIFEST_KEY: RemoteObject(MANIFEST_KEY, 0)}
    assert parse_manifest(manifest_bytes(plan.manifest)).listed_at is None  # never listed: not to be trusted
    assert parse_manifest(b"{not json") == DeployedManifest() and parse_manifest(None) == DeployedManifest()


@pytest.mark.parametrize("key, expected", [
    ("index.html", "text/html; charset=utf-8"),
    ("theme/css/site.css", "text/css; charset=utf-8"),
    ("app.js", "text/javascript; charset=utf-8"),
    ("feeds/all.atom.xml", "application/atom+xml; charset=utf-8"),
    ("feeds/all.rss.xml", "application/rss+xml; charset=utf-8"),
    ("feeds/all.json", "application/feed+json; charset=utf-8"),
    ("sitemap.xml", "application/xml; charset=utf-8"),
    ("robots.txt", "text/plain; charset=utf-8"),
    ("LICENSE", "text/plain; charset=utf-8"),
    ("images/photo.jpg", "image/jpeg"),
    ("cards/site.png", "image/png"),
    ("theme/favicon.svg", "image/svg+xml; charset=utf-8"),
])
def test_content_types(key, expected):
    assert content_type(key) == expected


def test_cache_rules_first_match_wins():
    assert cache_control("2026/11/story/index.html") == "public, max-age=60, must-revalidate"
    assert cache_control("feeds/all.json") == "public, max-age=60, must-revalidate"
    assert cache_control("theme/site.3f2a9c1b.css") == "public, max-age=31536000, immutable"
    assert cache_control("images/photo.jpg") == "public, max-age=86400"
    assert cache_control("other.bin", rules=(("*.bin", "no-store"), ("*", "x"))) == "no-store"


def test_gzip_is_deterministic_and_only_for_text():
    first, headers = prepare("index.html", b"<p>hello</p>" * 50, precompress="gzip")
    second, _ = prepare("index.html", b"<p>hello</p>" * 50, precompress="gzip")
    assert first == second and headers.content_encoding == "gzip"
    assert gzip.decompress(first) == b"<p>hello</p>" * 50
    data, headers = prepare("images/photo.jpg", b"\xff\xd8jpeg", precompress="gzip")
    assert data == b"\xff\xd8jpeg" and headers.content_encoding == ""


def test_cdn_invalidation_names_each_changed_page_and_its_folder_url():
    plan = plan_deploy([local("2026/11/story/index.html"), local("images/a.jpg")], {"gone.css": RemoteObject("gone.css", 1)}, {})
    assert invalidation_paths(plan) == ["/2026/11/story/", "/2026/11/story/index.html", "/gone.css", "/images/a.jpg"]
    many = plan_deploy([local(f"images/{n}.jpg") for n in range(1001)], {}, {})
    assert invalidation_paths(many) == ["/*"]
