"""Share links: plain URLs to each network's own share page. No scripts, no tracking."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

LABELS = {
    "email": "Email", "x": "X", "facebook": "Facebook", "linkedin": "LinkedIn",
    "whatsapp": "WhatsApp", "telegram": "Telegram", "bluesky": "Bluesky",
}


@dataclass(frozen=True)
class ShareLink:
    network: str
    label: str
    url: str


def share_links(networks: tuple[str, ...], url: str, title: str) -> list[ShareLink]:
    """One link per network, in the configured order, each opening that network's composer."""
    text = f"{title} {url}"
    targets = {
        "email": "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote),
        "x": "https://x.com/intent/post?" + urlencode({"url": url, "text": title}),
        "facebook": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        "linkedin": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
        "whatsapp": "https://wa.me/?" + urlencode({"text": text}),
        "telegram": "https://t.me/share/url?" + urlencode({"url": url, "text": title}),
        "bluesky": "https://bsky.app/intent/compose?" + urlencode({"text": text}),
    }
    return [ShareLink(n, LABELS[n], targets[n]) for n in networks]
