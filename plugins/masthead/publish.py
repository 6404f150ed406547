"""`masthead publish`: the whole chain, as the newsroom's CI runs it on main and every 15 minutes.

check -> build -> deploy -> WebSub pings for the feeds that changed -> the digests that are due.
Each step is idempotent, so the chain is: a second run in a row builds the same bytes, uploads
nothing, pings nothing, and finds every digest already in the journal.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from .errors import ContentError, MastheadError, Problem
from .i18n import plural
from .themes import theme_of

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FEED_FILE = re.compile(r"^feeds/.*\.(xml|json)$")


def digest_due(frequency: str, spec: str, now: datetime, zone: ZoneInfo) -> bool:
    """Whether this period's edition may go out: daily at 'HH:MM', weekly at 'monday HH:MM', local time.
    Once due it stays due for the rest of the period; the journal keeps it to one edition."""
    match = re.fullmatch(r"(?:(\w+)\s+)?(\d{1,2}):(\d{2})", spec.strip().lower())
    if not match or (match.group(1) and match.group(1) not in DAYS) or (frequency == "weekly") != bool(match.group(1)):
        example = "'monday 07:00'" if frequency == "weekly" else "'07:00'"
        raise MastheadError(f"MASTHEAD['digest']['schedule']['{frequency}'] is {spec!r}: expected a time such as "
                            f"{example}, in the site's TIMEZONE")
    local = now.astimezone(zone)
    at = (int(match.group(2)), int(match.group(3)))
    if frequency == "daily":
        return (local.hour, local.minute) >= at
    day = DAYS.index(match.group(1))
    return (local.weekday(), local.hour, local.minute) >= (day, *at)


def ping_hub(hub: str, feed_urls: list[str], timeout: float = 10) -> list[str]:
    """Tell a WebSub hub that feeds changed (hub.mode=publish); returns the failures, one line each."""
    failures = []
    for url in feed_urls:
        body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": url}).encode()
        request = urllib.request.Request(hub, data=body, method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                if answer.status >= 300:
                    failures.append(f"{url}: the hub answered {answer.status}")
        except (urllib.error.URLError, OSError) as exc:
            failures.append(f"{url}: {getattr(exc, 'reason', exc)}")
    return failures


@dataclass
class PublishReport:
    steps: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return "published: " + "; ".join(self.steps)


def publish(settings_file: Path, now: datetime, say: Callable[[str], None], database: Path | str | None = None,
            sender_factory: Callable | None = None, verify: bool = False) -> PublishReport:
    """Run the chain; a failing step stops it (nothing after it runs) with a MastheadError.
    `verify`: the deploy lists the bucket even when its deployed manifest is recent."""
    from .build import build_site, load_settings
    from .config import site_config
    from .content.editorial import editorial_findings, located
    from .deploy.run import BucketView, deploy, resolve_target
    from .parsecache import read_newsroom
    from .workers import Workers

    report = PublishReport()
    settings = load_settings(settings_file)
    config = site_config(settings, source=str(settings_file))

    with Workers() as workers:
        newsroom = read_newsroom(Path(settings["PATH"]), config, now, Path(settings["CACHE_PATH"]),
                                 theme=theme_of(settings), workers=workers)
    found = editorial_findings(newsroom, config.site_url, removes_expired=config.expired == "remove")
    errors = [f for f in located(found, lambda path: Path(path).read_text(encoding="utf-8")) if f.level == "error"]
    if errors:
        raise ContentError([Problem(f.path, f.line, f.field, "no editorial errors", f.message) for f in errors])
    report.steps.append(f"checked {plural(len(newsroom.published), 'article', 'articles')} "
                        f"({len(newsroom.scheduled)} scheduled)")

    bucket = None
    if config.deploy.get("bucket"):
        target, options = resolve_target(config.deploy, {})
        # read the bucket while the site builds: it is what a deploy waits on
        bucket = BucketView(target, options.verify_every_hours * 3600, verify)
    built = build_site(settings_file, now=now, newsroom=newsroom)
    report.steps.append(f"built {plural(built.published, 'article', 'articles')}, "
                        f"{plural(built.files, 'file', 'files')}")

    if bucket is not None:
        deployed = deploy(Path(settings["OUTPUT_PATH"]), target, options, say=say, bucket=bucket)
        plan = deployed.plan
        report.steps.append(f"deployed {len(plan.uploads)} files, deleted {len(plan.deletes)}")
        changed_feeds = sorted(u.file.key for u in plan.uploads if FEED_FILE.match(u.file.key))
        if config.websub_hub and changed_feeds:
            urls = [f"{config.public_url}/{key}" for key in changed_feeds]
            failures = ping_hub(config.websub_hub, urls)
            report.warnings += [f"WebSub ping failed: {line}" for line in failures]
            report.steps.append(f"pinged {config.websub_hub} for {len(urls) - len(failures)} feeds")
        else:
            report.steps.append("no feed changed" if config.websub_hub else "no WebSub hub set")
    else:
        report.steps.append("not deployed (no MASTHEAD['deploy']['bucket'])")

    schedule = config.digest.get("schedule") or {}
    for frequency in ("daily", "weekly"):
        if frequency not in schedule:
            continue
        if not digest_due(frequency, str(schedule[frequency]), now, config.timezone):
            report.steps.append(f"{frequency} digest not due until {schedule[frequency]}")
            continue
        sent, rate_warnings = _send(frequency, settings, settings_file, config, now, say, database, sender_factory)
        report.steps.append(f"{frequency} digest: {sent}")
        for warning in rate_warnings:  # in the summary line itself: a rate over a provider's threshold
            if warning not in report.warnings:
                report.warnings.append(warning)
                report.steps.append(f"WARNING {warning}")
    return report


def _send(frequency, settings, settings_file, config, now, say, database, sender_factory) -> tuple[str, list[str]]:
    """What was sent, and the warnings of the last 30 days' bounce and complaint rates."""
    from .digest.send import send_digests
    from .digest.transports import sender_factory as configured_sender
    from .subscribers.database import database_target
    from .subscribers.rates import totals
    from .subscribers.store import SubscriberStore

    store = SubscriberStore(database or database_target(config.database, Path(settings_file).resolve().parent))
    try:
        sent = send_digests(frequency, now, Path(settings["OUTPUT_PATH"]), store, config, theme_of(settings),
                            sender_factory or configured_sender(config.digest),
                            rate=float(config.digest.get("rate", 0)), workers=int(config.digest.get("workers", 4)),
                            say=say)
        since = (now - timedelta(days=30)).isoformat()
        rates = totals("digests of the last 30 days", store.edition_counts(since), store.unsubscribed_since(since))
    finally:
        store.close()
    if sent.stopped:
        raise MastheadError(f"the {frequency} digest stopped: {sent.stopped}")
    return f"{sent.sent} sent, {sent.skipped_already_sent} already sent, {sent.deferred} deferred", rates.warnings()
