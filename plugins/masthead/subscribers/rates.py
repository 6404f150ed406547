"""The rates a bulk sender must watch, beside the thresholds the large mailbox providers publish.

Pure: counts in, lines out. Since February 2024 Gmail and Yahoo hold bulk senders to a spam
complaint rate under 0.3% (and advise under 0.1%); Amazon SES puts an account under review at a
5% bounce rate or a 0.1% complaint rate. A rate is of the messages sent: a bounce or complaint
counts against the edition it is about.
"""

from __future__ import annotations

from dataclasses import dataclass

COMPLAINT_LIMIT = 0.003  # Gmail and Yahoo's bulk sender rules: under 0.3%
COMPLAINT_ADVISED = 0.001  # their advice, and SES's review threshold: under 0.1%
BOUNCE_LIMIT = 0.05  # Amazon SES reviews an account at 5% (pauses it at 10%)


@dataclass(frozen=True)
class Rates:
    label: str
    sent: int
    permanent: int
    transient: int
    complaints: int
    unsubscribes: int | None = None  # over a period; not counted per edition

    @property
    def bounce_rate(self) -> float:
        return self.permanent / self.sent if self.sent else 0.0

    @property
    def complaint_rate(self) -> float:
        return self.complaints / self.sent if self.sent else 0.0

    def warnings(self) -> list[str]:
        found = []
        if self.complaint_rate >= COMPLAINT_LIMIT:
            found.append(f"{self.label}: complaint rate {self.complaint_rate:.2%}, over the {COMPLAINT_LIMIT:.1%} "
                         "Gmail and Yahoo allow bulk senders")
        elif self.complaint_rate >= COMPLAINT_ADVISED:
            found.append(f"{self.label}: complaint rate {self.complaint_rate:.2%}, over the {COMPLAINT_ADVISED:.1%} "
                         "Gmail and Yahoo advise (and SES reviews at)")
        if self.bounce_rate >= BOUNCE_LIMIT:
            found.append(f"{self.label}: bounce rate {self.bounce_rate:.2%}, over the {BOUNCE_LIMIT:.0%} at which "
                         "Amazon SES reviews a sender")
        return found


def totals(label: str, editions: list[dict], unsubscribes: int) -> Rates:
    return Rates(label, sum(e["sent"] for e in editions), sum(e["permanent"] for e in editions),
                 sum(e["transient"] for e in editions), sum(e["complaints"] for e in editions), unsubscribes)


def table(editions: list[dict], period: Rates | None) -> list[str]:
    """One line per edition, then the period's totals and the thresholds."""
    lines = [f"{'edition':<30} {'sent':>7} {'bounced':>8} {'transient':>9} {'complaints':>10} {'bounce rate':>11} "
             f"{'complaint rate':>14}"]
    rows = [Rates(e["edition"], e["sent"], e["permanent"], e["transient"], e["complaints"]) for e in editions]
    for rates in rows + ([period] if period else []):
        lines.append(f"{rates.label:<30} {rates.sent:>7,} {rates.permanent:>8,} {rates.transient:>9,} "
                     f"{rates.complaints:>10,} {rates.bounce_rate:>11.2%} {rates.complaint_rate:>14.3%}")
    if period is not None and period.unsubscribes is not None:
        lines.append(f"unsubscribes in the period: {period.unsubscribes:,}")
    lines.append(f"thresholds: complaints under {COMPLAINT_LIMIT:.1%} (Gmail, Yahoo; advised under "
                 f"{COMPLAINT_ADVISED:.1%}), bounces under {BOUNCE_LIMIT:.0%} (Amazon SES)")
    return lines
