"""The S3 side of a deploy: list, read the manifest, upload, delete, with boto3.

Storage is a narrow seam (list / get manifest / put / delete); the plan never sees boto3.
Checksums are 'when_required': boto3 1.36+ otherwise sends aws-chunked bodies and checksum
headers that Backblaze B2, Cloudflare R2 and older MinIO reject (and some stores keep
'aws-chunked' in Content-Encoding, breaking pre-gzipped files).
"""

from __future__ import annotations

import hashlib
import io
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Callable, Iterable

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

from ..errors import MastheadError
from .plan import MANIFEST_KEY, Headers, RemoteObject

LIST_PAGE = 1000  # keys per listing request


class DeployError(MastheadError):
    """A deploy could not talk to the store as configured; the live site was left as it was."""


@dataclass(frozen=True)
class Target:
    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    addressing_style: str = "auto"
    profile: str | None = None
    workers: int = 8
    attempts: int = 6  # per request, with backoff, on 5xx, throttling, timeouts and lost connections


def explain(exc: Exception, target: Target) -> DeployError:
    """One line a person can act on, for the errors a deploy meets most."""
    where = target.endpoint_url or "AWS S3"
    if isinstance(exc, EndpointConnectionError):
        return DeployError(f"cannot reach {where}: check --endpoint-url and the network")
    if isinstance(exc, NoCredentialsError):
        return DeployError("no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or --profile")
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("NoSuchBucket", "404"):
            return DeployError(f"bucket {target.bucket!r} does not exist at {where}: create it or check --bucket")
        if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "403", "InvalidToken"):
            return DeployError(f"{where} refused the credentials ({code}): check AWS_ACCESS_KEY_ID, "
                               "AWS_SECRET_ACCESS_KEY or --profile")
        message = exc.response.get("Error", {}).get("Message", exc)
        return DeployError(f"{where} answered {code or 'an error'}: {message}")
    return DeployError(f"talking to {where} failed: {exc}")


class S3Store:
    """The bucket under one prefix."""

    def __init__(self, target: Target):
        self.target = target
        session = boto3.session.Session(profile_name=target.profile) if target.profile else boto3.session.Session()
        config = Config(
            s3={"addressing_style": target.addressing_style},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            retries={"mode": "standard", "max_attempts": target.attempts},
            connect_timeout=10, read_timeout=60,
            max_pool_connections=max(10, target.workers * 2),
        )
        self.client = session.client("s3", endpoint_url=target.endpoint_url, region_name=target.region,
                                     config=config)
        self.transfer = TransferConfig(multipart_threshold=16 * 1024 * 1024, use_threads=False)
        self.requests: Counter[str] = Counter()  # HTTP method -> count, for reports and tests
        self.client.meta.events.register("before-send.s3", self._count)

    def _count(self, request, **_) -> None:
        self.requests[request.method] += 1

    def _key(self, rel: str) -> str:
        return self.target.prefix + rel

    def list(self, expected: Iterable[str] = ()) -> dict[str, RemoteObject]:
        """Every object under the prefix, by path relative to it: one listing pass.

        A listing is a chain of 1,000-key pages, each waiting for the last. With `expected` (the
        keys the last deploy recorded) the key space is cut into ranges at those keys and the
        ranges are listed side by side; any object, recorded or not, falls in one of them."""
        bounds = sorted(expected)
        step = max(LIST_PAGE, len(bounds) // self.target.workers + 1)
        cuts = [self._key(key) for key in bounds[step::step]]
        ranges = list(zip([""] + cuts, cuts + [None]))
        try:
            if len(ranges) == 1:
                return self._list_range("", None)
            with ThreadPoolExecutor(max_workers=len(ranges)) as pool:
                found = {}
                for part in pool.map(lambda r: self._list_range(*r), ranges):
                    found.update(part)
                return found
        except (BotoCoreError, ClientError) as exc:
            raise explain(exc, self.target) from None

    def _list_range(self, after: str, last: str | None) -> dict[str, RemoteObject]:
        """Objects with keys in (after, last]; to the end when `last` is None."""
        found = {}
        extra = {"StartAfter": after} if after else {}
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.target.bucket, Prefix=self.target.prefix, **extra)
        for page in pages:
            for item in page.get("Contents", []):
                if last is not None and item["Key"] > last:
                    return found
                rel = item["Key"][len(self.target.prefix):]
                found[rel] = RemoteObject(rel, item["Size"])
        return found

    def read_manifest(self) -> bytes | None:
        try:
            return self.client.get_object(Bucket=self.target.bucket, Key=self._key(MANIFEST_KEY))["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise explain(exc, self.target) from None
        except BotoCoreError as exc:
            raise explain(exc, self.target) from None

    def put(self, rel: str, data: bytes, headers: Headers, metadata: dict[str, str]) -> None:
        extra = {"ContentType": headers.content_type, "CacheControl": headers.cache_control, "Metadata": metadata}
        if headers.content_encoding:
            extra["ContentEncoding"] = headers.content_encoding
        if headers.redirect:
            extra["WebsiteRedirectLocation"] = headers.redirect
        try:
            self.client.upload_fileobj(io.BytesIO(data), self.target.bucket, self._key(rel), ExtraArgs=extra,
                                       Config=self.transfer)
        except (BotoCoreError, ClientError) as exc:
            raise explain(exc, self.target) from None

    def put_many(self, items: Iterable[tuple[str, Callable[[], tuple[bytes, Headers, dict]]]],
                 done: Callable[[str], None]) -> None:
        """Upload in parallel; each item's bytes are produced by its loader when its turn comes."""
        pool = ThreadPoolExecutor(max_workers=self.target.workers)
        try:
            futures = {pool.submit(self._put_loaded, rel, load): rel for rel, load in items}
            for future in as_completed(futures):
                future.result()
                done(futures[future])
        except BaseException:
            # Stop at the first failure: the uploads not yet started would meet the same fault.
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)

    def _put_loaded(self, rel: str, load) -> None:
        data, headers, metadata = load()
        self.put(rel, data, headers, metadata)

    def invalidate(self, distribution: str, paths: list[str]) -> None:
        """Ask CloudFront to drop its copies of the changed paths (AWS credentials as for S3)."""
        profile = {"profile_name": self.target.profile} if self.target.profile else {}
        session = boto3.session.Session(**profile)
        cloudfront = session.client("cloudfront")
        try:
            cloudfront.create_invalidation(DistributionId=distribution, InvalidationBatch={
                "Paths": {"Quantity": len(paths), "Items": paths},
                "CallerReference": hashlib.sha256("\n".join(paths).encode()).hexdigest()[:32] + str(time.time_ns()),
            })
        except (BotoCoreError, ClientError) as exc:
            raise DeployError(f"the site is deployed, but CloudFront refused the invalidation: {exc}") from None

    def delete(self, rels: list[str]) -> None:
        try:
            for start in range(0, len(rels), 1000):
                batch = [{"Key": self._key(rel)} for rel in rels[start:start + 1000]]
                answer = self.client.delete_objects(Bucket=self.target.bucket, Delete={"Objects": batch, "Quiet": True})
                if answer.get("Errors"):
                    first = answer["Errors"][0]
                    raise DeployError(f"could not delete {first.get('Key')}: {first.get('Message')}")
        except (BotoCoreError, ClientError) as exc:
            raise explain(exc, self.target) from None
