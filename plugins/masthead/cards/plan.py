"""Which cards a site has, where each lives, and the cache key that says when to redraw one."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .layout import LAYOUT_VERSION, CardText

SIZE = (1200, 630)


def card_path(kind: str, key: str = "", photo: bool = False) -> str:
    """The card's path in the output: JPEG over a photograph (far smaller), PNG otherwise."""
    extension = "jpg" if photo else "png"
    if kind == "article":  # one per story: the others are a handful
        return f"cards/articles/{key}.{extension}"
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


class CardKeys:
    """The cache key of each card: a hash of every input of it, its text, the layout, and the bytes
    of each file it draws.

    `file_hash(path)` gives a file's content hash, so a changed photo, avatar, logo or font file
    redraws the cards that use it, whatever its name or modification time. The key is the SHA-256
    of one JSON document (sorted keys); the parts every card shares are serialized once."""

    def __init__(self, layout: dict, file_hash, fonts: list[str], logo: str, versions: dict):
        self.file_hash = file_hash
        self._fonts = _json([file_hash(f) for f in fonts])
        self._tail = (f', "layout": {_json(layout)}, "layout_version": {_json(LAYOUT_VERSION)}, '
                      f'"logo": {_json(file_hash(logo) if logo else "")}, "versions": {_json(versions)}}}')

    def __call__(self, job: CardJob) -> str:
        text = job.text
        card = {"date": text.date, "direction": text.direction, "headline": text.headline,
                "image": self.file_hash(text.image) if text.image else "", "label": text.label, "lang": text.lang,
                "people": [[name, self.file_hash(avatar) if avatar else ""] for name, avatar in text.people]}
        document = f'{{"card": {_json(card)}, "fonts": {self._fonts}, "format": {_json(job.fmt)}{self._tail}'
        return hashlib.sha256(document.encode()).hexdigest()


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
