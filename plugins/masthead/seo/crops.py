"""Crops of a featured image for search results: 16:9, 4:3 and 1:1, as large as the photo allows."""

from __future__ import annotations

from pathlib import PurePosixPath

RATIOS = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
MIN_WIDTH = 1200  # what search engines ask of article images
MAX_WIDTH = 2000  # larger crops are scaled down: no reader needs more


def crop_box(width: int, height: int, ratio: tuple[int, int]) -> tuple[int, int, int, int]:
    """The largest box of the ratio inside the image, centred, a little above the middle."""
    w, h = ratio
    if width * h >= height * w:  # wider than the ratio: keep the full height
        box_width, box_height = round(height * w / h), height
    else:
        box_width, box_height = width, round(width * h / w)
    left = (width - box_width) // 2
    top = int((height - box_height) * 0.4)
    return left, top, left + box_width, top + box_height


def crop_size(width: int, height: int, ratio: tuple[int, int]) -> tuple[int, int]:
    left, top, right, bottom = crop_box(width, height, ratio)
    box_width, box_height = right - left, bottom - top
    if box_width > MAX_WIDTH:
        return MAX_WIDTH, round(box_height * MAX_WIDTH / box_width)
    return box_width, box_height


def crop_path(source: str, name: str) -> str:
    """'images/2026/photo.jpg' -> 'images/crops/2026/photo-16x9.jpg'."""
    path = PurePosixPath(source)
    inner = path.relative_to("images") if path.parts[0] == "images" else path
    return f"images/crops/{inner.with_suffix('').as_posix()}-{name}.jpg"
