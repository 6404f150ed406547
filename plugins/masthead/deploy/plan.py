"""The deploy plan: from the built files and the bucket's state, what to upload, in which order,
and what to delete. Pure: no boto3, no network; every upload carries its reason.

"Changed" is decided by the SHA-256 of the bytes we would upload and a fingerprint of the
headers, both recorded by masthead in the deployed manifest; never by mtimes or ETags. What the
bucket holds comes from a listing, or from the manifest itself between listings (`trusted`).
"""

from __future__ import annotations

import fnmatch
import gzip
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .. import __version__

MANIFEST_KEY = ".masthead/deployed.json.gz"  # gzipped: at 10,000 files it is re-sent on every change
DEFAULT_DELETE_CAP = 256
# A deploy that would remove more than this share of what the bucket holds is refused too: an
# empty or half-built output/ must not take a small site down (the absolute cap alone would let a
# 192-object site lose 191). Up to SHARE_FLOOR deletes are always allowed, so a tiny site can
# still remove a story.
DEFAULT_DELETE_SHARE = 0.25
SHARE_FLOOR = 16

# Upload groups, in order: nothing a reader can load links to a file that is not there yet.
GROUPS = ("assets", "articles", "listings", "feeds")
_ARTICLE_PAGE = re.compile(r"^\d{4}/\d{2}/[^/]+/index\.html$")
_FEEDS = ("feeds/*", "sitemap.xml", "sitemaps/*", "news-sitemap*.xml", "robots.txt")


@dataclass(frozen=True)
class Headers:
    content_type: str
    cache_control: str
    content_encoding: str = ""
    redirect: str = ""  # x-amz-website-redirect-location

    def fingerprint(self) -> str:
        return _fingerprint(self.content_type, self.cache_control, self.content_encoding, self.redirect)


@lru_cache(maxsize=4096)  # a site has a handful of header sets, and tens of thousands of files
def _fingerprint(content_type: str, cache_control: str, content_encoding: str, redirect: str) -> str:
    fields = [content_type, cache_control, content_encoding] + ([redirect] if redirect else [])
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class LocalFile:
    """A file to publish: its key under the prefix, the bytes' hash and size, and its headers."""

    key: str
    sha256: str
    size: int
    headers: Headers


@dataclass(frozen=True)
class RemoteObject:
    key: str
    size: int


@dataclass(frozen=True)
class Deployed:
    """What the manifest says masthead uploaded for a key."""

    sha256: str
    headers: str  # Headers.fingerprint()
    size: int


@dataclass(frozen=True)
class Upload:
    file: LocalFile
    reason: str  # "new", "content changed", "headers changed", "not recorded"
    group: str


@dataclass(frozen=True)
class Plan:
    uploads: tuple[Upload, ...]
    deletes: tuple[str, ...]
    unchanged: int
    manifest: dict = field(default_factory=dict)

    @property
    def upload_bytes(self) -> int:
        return sum(u.file.size for u in self.uploads)

    @property
    def is_empty(self) -> bool:
        return not self.uploads and not self.deletes


class PlanError(Exception):
    """The plan is refused as it stands; the message says how to go on."""


def group_of(key: str) -> str:
    """assets (images, CSS, cards...) < article pages < listing pages < feeds, sitemaps, robots."""
    if any(fnmatch.fnmatchcase(key, pattern) for pattern in _FEEDS):
        return "feeds"
    if key.endswith(".html"):
        return "articles" if _ARTICLE_PAGE.match(key) else "listings"
    return "assets"


def plan_deploy(local: list[LocalFile], remote: dict[str, RemoteObject], deployed: dict[str, Deployed],
                delete_cap: int = DEFAULT_DELETE_CAP, delete_share: float = DEFAULT_DELETE_SHARE) -> Plan:
    """Compare the built files with the bucket; raise PlanError when deletes exceed the cap, or
    the share of the bucket's objects."""
    uploads, unchanged = [], 0
    for file in sorted(local, key=lambda f: f.key):
        record = deployed.get(file.key)
        if file.key not in remote:
            reason = "new"
        elif record is None or record.size != remote[file.key].size:
            reason = "not recorded" if record is None else "content changed"
        elif record.sha256 != file.sha256:
            reason = "content changed"
        elif record.headers != file.headers.fingerprint():
            reason = "headers changed"
        else:
            unchanged += 1
            continue
        uploads.append(Upload(file, reason, group_of(file.key)))
    uploads.sort(key=lambda u: (GROUPS.index(u.group), u.file.key))
    keep = {f.key for f in local} | {MANIFEST_KEY}
    deletes = tuple(sorted(key for key in remote if key not in keep))
    if len(deletes) > delete_cap:
        raise PlanError(f"this deploy would delete {len(deletes)} objects, more than the cap of {delete_cap} "
                        f"(first: {deletes[0]}); if that is intended, run again with --max-deletes {len(deletes)}")
    held = len(set(remote) - {MANIFEST_KEY})
    if len(deletes) > SHARE_FLOOR and len(deletes) > delete_share * held:
        needed = -(-len(deletes) * 100 // held) / 100  # rounded up to the hundredth that allows it
        raise PlanError(f"this deploy would delete {len(deletes)} of the {held} objects in the bucket "
                        f"({len(deletes) / held:.0%}), more than the share of {delete_share:.0%} (first: "
                        f"{deletes[0]}); is the built site complete? If that is intended, run again with "
                        f"--max-delete-share {needed:g}")
    manifest = {f.key: {"sha256": f.sha256, "headers": f.headers.fingerprint(), "size": f.size} for f in local}
    return Plan(tuple(uploads), deletes, unchanged, manifest)


@dataclass(frozen=True)
class DeployedManifest:
    """The manifest the last deploy left in the bucket: every file it uploaded or found unchanged,
    and when a deploy last listed the bucket (epoch seconds; None: never, or an older manifest)."""

    files: dict[str, Deployed] = field(default_factory=dict)
    listed_at: float | None = None
    pending: tuple[str, ...] = ()  # deletes a deploy had begun: still in the bucket until one finishes them

    def trusted(self) -> dict[str, RemoteObject]:
        """The bucket as the manifest describes it, in place of a listing: its files, and the
        deletes a deploy that died did not finish (so the next deploy plans them again)."""
        return ({key: RemoteObject(key, 0) for key in self.pending}
                | {key: RemoteObject(key, d.size) for key, d in self.files.items()}
                | {MANIFEST_KEY: RemoteObject(MANIFEST_KEY, 0)})


def parse_manifest(data: bytes | None) -> DeployedManifest:
    if not data:
        return DeployedManifest()
    try:
        raw = json.loads(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
        files = {key: Deployed(v["sha256"], v["headers"], v["size"]) for key, v in raw.get("files", {}).items()}
        listed_at = raw.get("listed_at")
        pending = tuple(str(key) for key in raw.get("pending_deletes", ()))
        return DeployedManifest(files, float(listed_at) if isinstance(listed_at, (int, float)) else None, pending)
    except (ValueError, KeyError, TypeError, AttributeError, OSError, EOFError):
        return DeployedManifest()  # an unreadable manifest only costs a listing and re-uploads, never a wrong skip


def manifest_bytes(files: dict, listed_at: float | None = None, pending: tuple[str, ...] = ()) -> bytes:
    """The deployed manifest; `pending`: deletes about to be made (written before them, so a deploy
    killed among them leaves a manifest that still owns up to them)."""
    document = ({"version": 1, "masthead": __version__, "files": files}
                | ({"listed_at": listed_at} if listed_at is not None else {})
                | ({"pending_deletes": sorted(pending)} if pending else {}))
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode(), compresslevel=3, mtime=0)  # mostly digests: 6 takes twice as long for 6% less


INVALIDATION_LIMIT = 1000  # beyond this many paths, one wildcard costs less than the list


def invalidation_paths(plan: Plan) -> list[str]:
    """The CDN paths a deploy changed: each key, and a page's folder URL beside its index.html."""
    paths = set()
    for key in [u.file.key for u in plan.uploads] + list(plan.deletes):
        paths.add("/" + key)
        if key.endswith("index.html"):
            paths.add("/" + key[: -len("index.html")])
    return ["/*"] if len(paths) > INVALIDATION_LIMIT else sorted(paths)
