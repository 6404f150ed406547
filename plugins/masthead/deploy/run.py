"""`masthead deploy`: plan, show, apply. Uploads in order, group by group; the manifest; deletes last.

A failure at any point stops before the manifest is written and before anything is deleted, so
the live site only ever gains files; the next deploy sees what is missing and finishes the job.
"""

from __future__ import annotations

import fnmatch
import gc
import hashlib
import json
import marshal
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Callable

from ..errors import MastheadError
from ..outputs import DEPLOY_HASHES_FILE, NOTES_DIR, OLD_DEPLOY_HASHES_FILE, REDIRECTS_FILE
from .headers import DEFAULT_CACHE_RULES, prepare
from .plan import (
    DEFAULT_DELETE_CAP,
    DEFAULT_DELETE_SHARE,
    GROUPS,
    MANIFEST_KEY,
    Headers,
    LocalFile,
    Plan,
    PlanError,
    invalidation_paths,
    manifest_bytes,
    parse_manifest,
    plan_deploy,
)
from .presets import PRESETS
from .s3 import S3Store, Target


@dataclass(frozen=True)
class DeployOptions:
    cache_rules: tuple = DEFAULT_CACHE_RULES
    precompress: str = ""  # "" or "gzip"
    max_deletes: int = DEFAULT_DELETE_CAP
    max_delete_share: float = DEFAULT_DELETE_SHARE  # of the objects the bucket holds
    keep: tuple[str, ...] = ("previews/*",)  # never deleted by a deploy to this prefix
    cloudfront_distribution: str = ""  # invalidate the changed paths there after a deploy
    # Between listings the deployed manifest stands for the bucket; list again after this long.
    verify_every_hours: float = 24.0


def redirects_of(output: Path) -> dict[str, str]:
    """Old address -> new URL, as the build wrote them (front matter `aliases`)."""
    path = Path(output) / REDIRECTS_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


HASH_THREADS = max(2, min(8, os.cpu_count() or 1))  # reading and SHA-256 let go of the GIL
HASH_IN_THREADS_FROM = 64  # fewer files to hash than this are hashed here: starting threads costs more


def local_files(output: Path, options: DeployOptions) -> list[LocalFile]:
    """Every file of the built site with the hash of the bytes that would be uploaded.

    Hashes are remembered in output/.masthead/ by each file's size, modification time and inode
    (see _same_file): an incremental build leaves unchanged files as they were, so a deploy after
    it reads and hashes only what the build wrote. Many files to hash (a first deploy, an output
    restored without its times) are hashed by several threads."""
    output = Path(output)
    _require_output(output)
    redirects = redirects_of(output)
    rules = hashlib.sha256(repr((options.cache_rules, options.precompress)).encode()).hexdigest()
    remembered = _read_hashes(output / DEPLOY_HASHES_FILE, rules)
    known: dict[str, list] = {}
    stale = []
    for rel, path, stat in _site_files(str(output)):
        redirect = redirects.get(rel, "")
        entry = remembered.get(rel)
        if entry is None or entry[3] != redirect or not _same_file(entry, stat):
            stale.append((rel, path, stat, redirect))
        else:
            known[rel] = entry

    def hashed(item: tuple) -> list:
        rel, path, stat, redirect = item
        data, headers = prepare(rel, Path(path).read_bytes(), options.cache_rules, options.precompress, redirect)
        return [stat.st_size, stat.st_mtime_ns, stat.st_ino, redirect, hashlib.sha256(data).hexdigest(),
                len(data), list(astuple(headers))]

    if len(stale) >= HASH_IN_THREADS_FROM:
        with ThreadPoolExecutor(HASH_THREADS, thread_name_prefix="masthead-hash") as pool:
            known.update(zip((item[0] for item in stale), pool.map(hashed, stale, chunksize=32)))
    else:
        known.update((item[0], hashed(item)) for item in stale)
    files = []
    headers_of: dict[tuple, Headers] = {}  # a site has a handful of header sets, one object each
    for rel, entry in known.items():
        fields = tuple(entry[6])
        headers = headers_of.get(fields)
        if headers is None:
            headers = headers_of[fields] = Headers(*fields)
        files.append(LocalFile(rel, entry[4], entry[5], headers))
    if known != remembered:
        _write_hashes(output / DEPLOY_HASHES_FILE, rules, known)
    return sorted(files, key=lambda f: f.key)


def _same_file(entry: list, stat: os.stat_result) -> bool:
    """Whether a remembered hash still describes the file: same size and modification time, and
    the same inode unless that time has its nanoseconds. A restored output (a CI runner's cache:
    GNU tar keeps times to the nanosecond) is in new inodes with the times it was hashed at; a
    time in whole seconds may have been set by a tool (a reproducible build, Python's tarfile),
    and then only the inode tells one file from another of the same size."""
    if entry[0] != stat.st_size or entry[1] != stat.st_mtime_ns:
        return False
    return entry[2] == stat.st_ino or stat.st_mtime_ns % 1_000_000_000 != 0


def _site_files(root: str) -> list[tuple[str, str, os.stat_result]]:
    """(path under the site, path on disk, stat) of every file under root but the build's notes
    in .masthead/; symbolic links to folders are not followed (as os.walk)."""
    found = []
    folders = [(root, "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if rel + "/" != NOTES_DIR:
                        folders.append((entry.path, rel + "/"))
                elif entry.is_file():
                    found.append((rel, entry.path, entry.stat()))
    return found


def _require_output(output: Path) -> None:
    if not Path(output).is_dir() or not any(Path(output).iterdir()):
        raise MastheadError(f"{output} is missing or empty: build the site first (masthead build --production)")


HASHES_FORMAT = 1


def _read_hashes(path: Path, rules: str) -> dict[str, list]:
    """The remembered hashes, when they were taken under the same rules; else none. Kept with
    marshal: a large site's file reads and writes it ten times faster than JSON, and unlike
    pickle it makes nothing but plain values."""
    try:
        version, taken_under, files = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if version != HASHES_FORMAT or taken_under != rules or not isinstance(files, dict):
        return {}
    if not all(type(entry) is list and len(entry) == 7 for entry in files.values()):
        return {}  # not what _write_hashes writes: hash everything again
    return files


def _write_hashes(path: Path, rules: str, files: dict[str, list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(marshal.dumps((HASHES_FORMAT, rules, files)))
    os.replace(temporary, path)
    (path.parent.parent / OLD_DEPLOY_HASHES_FILE).unlink(missing_ok=True)


def describe(plan: Plan) -> list[str]:
    """The plan as lines: what a dry run prints and a real run ends with."""
    lines = [f"upload {u.file.key} ({u.reason}, {u.file.size:,} bytes)" for u in plan.uploads]
    lines += [f"delete {key}" for key in plan.deletes]
    lines.append(f"{len(plan.uploads)} to upload ({plan.upload_bytes:,} bytes), {len(plan.deletes)} to delete, "
                 f"{plan.unchanged} unchanged")
    return lines


@dataclass(frozen=True)
class DeployReport:
    plan: Plan
    requests: dict[str, int]  # HTTP method -> requests made
    listed: bool = True  # the bucket was listed; False: the deployed manifest stood for it


class BucketView:
    """What the bucket holds, read in a background thread: started early, it overlaps with hashing
    the output, or with a whole build (`masthead publish`).

    The deployed manifest is read first. Listing ~30,000 objects takes seconds; the manifest
    already says what masthead put there, so it stands in for the listing until the last listing
    is `verify_every` seconds old (or when `verify`, or when there is no readable manifest).
    Between listings, an object changed or removed by hand outside masthead goes unnoticed."""

    def __init__(self, target: Target, verify_every: float = DeployOptions.verify_every_hours * 3600,
                 verify: bool = False, clock: Callable[[], float] = time.time):
        self.store = S3Store(target)
        self.verify_every, self.verify, self.clock = verify_every, verify, clock
        self._answer: tuple | None = None
        self._error: BaseException | None = None
        # A daemon thread: a command that fails before it deploys exits without waiting for it.
        self._thread = threading.Thread(target=self._read, name="masthead-bucket", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            now = self.clock()
            deployed = parse_manifest(self.store.read_manifest())
            fresh = deployed.listed_at is not None and 0 <= now - deployed.listed_at < self.verify_every
            if fresh and not self.verify:
                self._answer = (deployed.files, deployed.trusted(), deployed.listed_at, False)
            else:
                self._answer = (deployed.files, self.store.list(deployed.files), now, True)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    def result(self):
        """(deployed files, the bucket's objects, when it was last listed, whether this read listed
        it); raises what reading the bucket raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._answer


def deploy(output: Path, target: Target, options: DeployOptions = DeployOptions(), dry_run: bool = False,
           say: Callable[[str], None] = print, bucket: BucketView | None = None,
           verify: bool = False) -> DeployReport:
    """Deploy output/ to the target. `bucket`: a view of the bucket started earlier (publish);
    `verify`: list the bucket even when the deployed manifest is recent."""
    _require_output(output)
    bucket = bucket or BucketView(target, options.verify_every_hours * 3600, verify)
    store = bucket.store
    # The site's files, the bucket's objects and the plan are records that live as long as the
    # deploy (hundreds of thousands at 50,000 articles): the collector walking them again and
    # again while they are made would take a third of the time making them.
    collecting = gc.isenabled()  # a caller that turned it off keeps it off
    gc.disable()
    try:
        local = local_files(output, options)
        deployed, remote, listed_at, listed = bucket.result()
        kept = _without_kept(remote, options.keep)
        plan = plan_deploy(local, kept, deployed, options.max_deletes, options.max_delete_share)
        writes_manifest = bool(plan.uploads or plan.deletes or MANIFEST_KEY not in remote or listed) and not dry_run
        # made here, with the collector still paused: encoding them makes an object per file
        pending = manifest_bytes(plan.manifest, listed_at, plan.deletes) if writes_manifest else b""
        final = manifest_bytes(plan.manifest, listed_at) if writes_manifest and plan.deletes else b""
    except PlanError as exc:
        raise MastheadError(str(exc)) from None
    finally:
        if collecting:
            gc.enable()
    if dry_run:
        for line in describe(plan):
            say(line)
        return DeployReport(plan, dict(store.requests), listed)

    by_key = {f.key: f for f in local}
    done = 0

    def uploaded(_key: str) -> None:
        nonlocal done
        done += 1
        if done % 200 == 0 or done == len(plan.uploads):
            say(f"uploaded {done}/{len(plan.uploads)}")

    redirects = redirects_of(output)

    def loader(rel: str):
        def load():
            data, headers = prepare(rel, (Path(output) / rel).read_bytes(), options.cache_rules, options.precompress,
                                    redirects.get(rel, ""))
            return data, headers, {"masthead-sha256": by_key[rel].sha256}
        return load

    for group in GROUPS:  # each group is complete before the next starts
        items = [(u.file.key, loader(u.file.key)) for u in plan.uploads if u.group == group]
        if items:
            store.put_many(items, uploaded)
    manifest_headers = Headers("application/gzip", "no-store")
    if writes_manifest:
        # Before the deletes, the manifest names them as pending: a deploy killed among them
        # leaves a manifest that still says they may be there, and the next one finishes them.
        store.put(MANIFEST_KEY, pending, manifest_headers, {})
    if plan.deletes:
        store.delete(list(plan.deletes))
        store.put(MANIFEST_KEY, final, manifest_headers, {})
    if options.cloudfront_distribution and not plan.is_empty:
        paths = invalidation_paths(plan)
        store.invalidate(options.cloudfront_distribution, [target.prefix.rstrip("/") + p if target.prefix else p
                                                           for p in paths])
        say(f"asked CloudFront to invalidate {len(paths)} path{'s' if len(paths) != 1 else ''}")
    say(describe(plan)[-1].replace("to upload", "uploaded").replace("to delete", "deleted")
        + ("" if listed else f" (bucket as the deployed manifest says, listed {_ago(time.time() - listed_at)} ago;"
                             " --verify lists it)"))
    return DeployReport(plan, dict(store.requests), listed)


def _without_kept(remote: dict, keep: tuple[str, ...]) -> dict:
    """The bucket's objects but those a deploy never deletes (`keep` patterns, as fnmatch reads
    them): one expression for all patterns, matched once per object of a large bucket."""
    if not keep:
        return dict(remote)
    kept = re.compile("|".join(f"(?:{fnmatch.translate(pattern)})" for pattern in keep))
    return {key: value for key, value in remote.items() if not kept.match(key)}


def _ago(seconds: float) -> str:
    minutes = max(0, int(seconds // 60))
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def resolve_target(configured: dict, flags: dict) -> tuple[Target, DeployOptions]:
    """Flags over MASTHEAD['deploy'] over the provider preset; credentials never come from here."""
    chosen = {**configured, **{k: v for k, v in flags.items() if v is not None}}
    preset = PRESETS.get(chosen.get("preset") or "", {})
    values = {**preset, **{k: v for k, v in chosen.items() if v not in (None, "")}}
    if not values.get("bucket"):
        raise MastheadError("no bucket: pass --bucket or set MASTHEAD['deploy']['bucket'] in publishconf.py")
    endpoint = values.get("endpoint_url")
    if endpoint and "{" in endpoint:
        try:
            endpoint = endpoint.format(region=values.get("region", ""), account=values.get("account", ""))
        except (KeyError, IndexError):
            raise MastheadError(f"preset endpoint {endpoint} needs 'region' and 'account' "
                                "in MASTHEAD['deploy']") from None
    prefix = values.get("prefix", "")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    target = Target(bucket=values["bucket"], prefix=prefix.lstrip("/"), endpoint_url=endpoint or None,
                    region=values.get("region"), addressing_style=values.get("addressing_style", "auto"),
                    profile=values.get("profile"), workers=int(values.get("workers", 8)))
    options = DeployOptions(
        cache_rules=(tuple(tuple(rule) for rule in values["cache_rules"]) if values.get("cache_rules")
                     else DeployOptions().cache_rules),
        precompress=values.get("precompress", ""), max_deletes=int(values.get("max_deletes", DEFAULT_DELETE_CAP)),
        max_delete_share=_share(values.get("max_delete_share", DEFAULT_DELETE_SHARE)),
        keep=tuple(values.get("keep", ("previews/*",))),
        cloudfront_distribution=values.get("cloudfront_distribution", ""),
        verify_every_hours=_hours(values.get("verify_every_hours", DeployOptions.verify_every_hours)))
    return target, options


def _share(value) -> float:
    try:
        share = float(value)
    except (TypeError, ValueError):
        share = -1.0
    if not 0 <= share <= 1:
        raise MastheadError(f"max_delete_share: expected a share of the bucket's objects from 0 to 1 (0.25 is a "
                            f"quarter; 1 allows deleting everything), found {value!r}")
    return share


def _hours(value) -> float:
    try:
        hours = float(value)
    except (TypeError, ValueError):
        hours = -1.0
    if hours < 0:
        raise MastheadError(f"MASTHEAD['deploy']['verify_every_hours']: expected a number of hours (0: list the "
                            f"bucket on every deploy), found {value!r}")
    return hours
