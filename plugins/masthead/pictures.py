"""How a picture is shown: its EXIF orientation, read one way by the site, its cards and its crops."""

from __future__ import annotations

from PIL import ExifTags, Image

TURNED = frozenset({5, 6, 7, 8})  # orientations that turn a picture a quarter: shown as tall as stored wide


def orientation(image: Image.Image) -> int:
    """The picture's EXIF orientation (1: shown as stored). Damaged EXIF counts as none, as in
    browsers."""
    try:
        return int(image.getexif().get(ExifTags.Base.Orientation) or 1)
    except Exception:  # noqa: BLE001 - Pillow raises what the damaged bytes make it raise
        return 1
