"""Which cards a site has, where each lives, and the cache key that says when to redraw one."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from .layout import LAYOUT_VERSION, CardText

SIZE = (1200, 630)


def card_path(kind: str, key: str = "", photo: bool = False) -> str:
    """The card's path in the output: JPEG over a photograph (far smaller), PNG otherwise."""
    extension = "jpg" if photo else "png"
    return {
        "article": f"cards/articles/{key}.{extension}",
        "author": f"cards/authors/{key}.png",
        "section": f"cards/sections/{key}.png",
        "site": "cards/site.png",
    }[kind]


@dataclass(frozen=True)
class CardJob:
    """One card to have in the output: what it says and where it goes."""

    path: str
    text: CardText

    @property
    def fmt(self) -> str:
        return "jpeg" if self.path.endswith(".jpg") else "png"


def cache_key(job: CardJob, layout: dict, file_hash, fonts: list[str], logo: str, versions: dict) -> str:
    """A hash of every input of a card: its text, the layout, and the bytes of each file it draws.

    `file_hash(path)` gives a file's content hash, so a changed photo, avatar, logo or font file
    redraws the cards that use it, whatever its name or modification time.
    """
    text = asdict(job.text)
    text["image"] = file_hash(job.text.image) if job.text.image else ""
    text["people"] = [[name, file_hash(avatar) if avatar else ""] for name, avatar in job.text.people]
    material = {
        "layout_version": LAYOUT_VERSION,
        "layout": layout,
        "format": job.fmt,
        "card": text,
        "fonts": [file_hash(f) for f in fonts],
        "logo": file_hash(logo) if logo else "",
        "versions": versions,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
