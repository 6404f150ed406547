"""Draw one card with Pillow: shaped text (raqm), font chains with glyph fallback, PNG or JPEG.

Fonts come from the theme's fonts/ folder only. Each script has a chain of fonts; a character
the first font lacks is drawn with the first font in the chain that has it.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps, features

from ..errors import MastheadError
from ..pictures import TURNED, orientation
from .layout import CardText, ellipsize, layout_headline
from .runs import Run, visual_runs

# Font chains per role and writing system: data, not code. Files live in theme/fonts/.
_SERIF, _SANS, _SANS_BOLD = "NotoSerif-Bold.ttf", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"
_NASKH, _NASKH_REGULAR = "NotoNaskhArabic-Bold.ttf", "NotoNaskhArabic-Regular.ttf"
_NASTALIQ = "NotoNastaliqUrdu-Bold.ttf"
_HEBREW, _HEBREW_REGULAR, _CJK = "NotoSansHebrew-Bold.ttf", "NotoSansHebrew-Regular.ttf", "DroidSansFallbackFull.ttf"
FONT_CHAINS: dict[str, dict[str, tuple[str, ...]]] = {
    "headline": {
        "latin": (_SERIF, _NASKH, _HEBREW, _CJK),
        "arabic": (_NASKH, _SERIF, _HEBREW, _CJK),
        "urdu": (_NASTALIQ, _NASKH, _SERIF, _CJK),
        "hebrew": (_HEBREW, _SERIF, _NASKH, _CJK),
        "cjk": (_CJK, _SERIF, _NASKH, _HEBREW),
    },
    "label": {
        "latin": (_SANS_BOLD, _NASKH, _HEBREW, _CJK),
        "arabic": (_NASKH, _SANS_BOLD, _HEBREW, _CJK),
        "urdu": (_NASKH, _SANS_BOLD, _HEBREW, _CJK),
        "hebrew": (_HEBREW, _SANS_BOLD, _NASKH, _CJK),
        "cjk": (_CJK, _SANS_BOLD, _NASKH, _HEBREW),
    },
    "body": {
        "latin": (_SANS, _NASKH_REGULAR, _HEBREW_REGULAR, _CJK),
        "arabic": (_NASKH_REGULAR, _SANS, _HEBREW_REGULAR, _CJK),
        "urdu": (_NASKH_REGULAR, _SANS, _HEBREW_REGULAR, _CJK),
        "hebrew": (_HEBREW_REGULAR, _SANS, _NASKH_REGULAR, _CJK),
        "cjk": (_CJK, _SANS, _NASKH_REGULAR, _HEBREW_REGULAR),
    },
}
SYSTEMS = {"ar": "arabic", "fa": "arabic", "ps": "arabic", "ckb": "arabic", "sd": "arabic", "ug": "arabic",
           "ur": "urdu", "he": "hebrew", "iw": "hebrew", "yi": "hebrew", "zh": "cjk", "ja": "cjk", "ko": "cjk"}


SAFETY = 3


class CardError(MastheadError):
    """Cards cannot be drawn on this machine as they must be."""


def require_raqm() -> None:
    """Without raqm, Persian, Urdu and Arabic letters would be drawn disjoined: refuse instead."""
    if not features.check("raqm"):
        raise CardError(
            "social cards need Pillow's raqm text layout (FriBiDi and HarfBuzz) to shape Persian, "
            "Urdu, Arabic and Hebrew headlines, and it is not available here.\n"
            "Install FriBiDi and rebuild: Debian/Ubuntu 'apt-get install libfribidi0', "
            "Fedora 'dnf install fribidi', macOS 'brew install fribidi'.")


def writing_system(lang: str) -> str:
    return SYSTEMS.get(lang.split("-")[0].lower(), "latin")


@functools.lru_cache(maxsize=None)
def _coverage(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


@functools.lru_cache(maxsize=256)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)


@dataclass(frozen=True)
class TextStyle:
    """One role's fonts for one card: a chain of files, the card's language and direction."""

    paths: tuple[str, ...]
    lang: str
    rtl: bool

    def font_index(self, ch: str) -> int:
        code = ord(ch)
        for i, path in enumerate(self.paths):
            if code in _coverage(path):
                return i
        return 0

    def runs(self, text: str) -> list[Run]:
        return _runs(self, text)

    def run_width(self, run: Run, size: int) -> float:
        return _run_width(self.paths[run.font], size, run.text, run.rtl, self.lang)

    def width(self, text: str, size: int) -> float:
        return sum(self.run_width(run, size) for run in self.runs(text))

    def draw(self, draw: ImageDraw.ImageDraw, text: str, edge: float, baseline: float, size: int,
             fill: str, align_right: bool) -> None:
        """Draw text on a baseline, starting at `edge` (its right end when align_right)."""
        runs = self.runs(text)
        widths = [self.run_width(run, size) for run in runs]
        x = edge - sum(widths) if align_right else edge
        for run, width in zip(runs, widths):
            draw.text((x, baseline), run.text, font=_font(self.paths[run.font], size), fill=fill,
                      anchor="ls", direction="rtl" if run.rtl else "ltr", language=self.lang)
            x += width


@functools.lru_cache(maxsize=4096)
def _runs(style: TextStyle, text: str) -> list[Run]:
    """A headline is measured at several sizes and drawn after: its runs are found once
    (callers never change the list)."""
    return visual_runs(text, style.rtl, style.font_index)


@functools.lru_cache(maxsize=16384)
def _run_width(path: str, size: int, text: str, rtl: bool, lang: str) -> float:
    return _font(path, size).getlength(text, direction="rtl" if rtl else "ltr", language=lang)


def font_chains(overrides: dict | None = None) -> dict[str, dict[str, tuple[str, ...]]]:
    """The default chains with the newsroom's replacements (layout key "fonts")."""
    chains = {role: dict(systems) for role, systems in FONT_CHAINS.items()}
    for role, systems in (overrides or {}).items():
        for system, files in systems.items():
            chains[role][system] = tuple(files)
    return chains


def styles(fonts_dir: Path, lang: str, rtl: bool, overrides: dict | None = None) -> dict[str, TextStyle]:
    system = writing_system(lang)
    return {role: TextStyle(tuple(str(fonts_dir / f) for f in chains[system]), lang, rtl)
            for role, chains in font_chains(overrides).items()}


def chain_files(fonts_dir: Path, overrides: dict | None = None) -> list[Path]:
    """Every font file a card may use, for the cache key; a missing one is a user error."""
    files = sorted({fonts_dir / f for chains in font_chains(overrides).values()
                    for chain in chains.values() for f in chain})
    missing = [f for f in files if not f.is_file()]
    if missing:
        raise CardError(f"font file {missing[0]} not found: put it in {fonts_dir}, or change "
                        "MASTHEAD['cards']['fonts'] in pelicanconf.py")
    return files


def _cover(path: str, width: int, height: int, centering: tuple[float, float] = (0.5, 0.5)) -> Image.Image:
    """The picture as shown (turned by its EXIF orientation), cropped to fill width x height (a
    little above centre for photos). A JPEG is decoded at the smallest scale that still covers
    the card (libjpeg's DCT scaling: a 2,400 px photo is read at half size, four times less
    work), then resized from the crop alone, with a box reduction first (reducing_gap)."""
    with Image.open(path) as source:
        shown = orientation(source)
        if source.format == "JPEG":
            # the card's size along the stored axes: a photo stored on its side is turned after
            along_w, along_h = (height, width) if shown in TURNED else (width, height)
            scale = min(source.width / along_w, source.height / along_h)
            source.draft("RGB", (max(along_w, int(source.width / scale)), max(along_h, int(source.height / scale))))
        image = (source if shown == 1 else ImageOps.exif_transpose(source)).convert("RGB")
    ratio = width / height
    crop_w, crop_h = (image.width, image.width / ratio) if image.width / image.height < ratio \
        else (image.height * ratio, image.height)
    left = (image.width - crop_w) * centering[0]
    top = (image.height - crop_h) * centering[1]
    return image.resize((width, height), Image.LANCZOS, box=(left, top, left + crop_w, top + crop_h),
                        reducing_gap=3.0)


@functools.lru_cache(maxsize=16)
def _backdrop_of(path: str, stamp: tuple[int, int], width: int, height: int, background: str,
                 overlay: float) -> Image.Image:
    """A photo cropped and shaded for cards, made once per file version: articles that share a
    photo (a file picture, a section's standing image) share it (never changed; copied from)."""
    shade = Image.new("RGB", (width, height), background)
    return Image.blend(_cover(path, width, height, (0.5, 0.4)), shade, overlay)


def _stamp(path: str) -> tuple[int, int]:
    found = Path(path).stat()
    return found.st_mtime_ns, found.st_size


@functools.lru_cache(maxsize=8)
def _circle(size: int) -> Image.Image:
    mask = Image.new("L", (size * 4, size * 4), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, size * 4 - 1, size * 4 - 1), fill=255)
    return mask.resize((size, size), Image.LANCZOS)


@functools.lru_cache(maxsize=128)
def _avatar_of(path: str, size: int, stamp: tuple[int, int]) -> Image.Image:
    """An author's photo as a round avatar, made once per file version: every card of theirs
    shares it (never changed by a card; pasted from)."""
    square = _cover(path, size, size)
    square.putalpha(_circle(size))
    return square


def _avatar(path: str, size: int) -> Image.Image:
    return _avatar_of(path, size, _stamp(path))


@functools.lru_cache(maxsize=8)
def _logo_of(path: str, size: int, stamp: tuple[int, int]) -> Image.Image:
    with Image.open(path) as source:
        return ImageOps.contain(source.convert("RGBA"), (size, size), method=Image.LANCZOS)


def draw_card(card: CardText, layout: dict, fonts_dir: Path, logo: str = "") -> Image.Image:
    """The card as an RGB image; nothing is drawn outside layout['margin'] on any side."""
    require_raqm()
    width, height, margin = layout["width"], layout["height"], layout["margin"]
    rtl = card.direction == "rtl"
    style = styles(fonts_dir, card.lang, rtl, layout.get("fonts"))
    image = Image.new("RGB", (width, height), layout["background"])
    if layout["use_image"] and card.image:
        image = _backdrop_of(card.image, _stamp(card.image), width, height, layout["background"],
                             layout["image_overlay"]).copy()
    draw = ImageDraw.Draw(image)
    # Glyphs may reach a pixel or two past their advance (anti-aliasing, overhanging strokes):
    # text is set SAFETY px inside the margins so that no ink ever crosses them.
    inner = width - 2 * margin - 2 * SAFETY
    start = width - margin - SAFETY if rtl else margin + SAFETY

    # Label, with a short accent rule under it.
    label_size = layout["label_size"]
    label = ellipsize(card.label, inner, lambda t: style["label"].width(t, label_size))
    label_baseline = layout["label_top"] + label_size
    style["label"].draw(draw, label, start, label_baseline, label_size, layout["accent"], rtl)
    rule_y = label_baseline + 12
    draw.rectangle((start - 64 if rtl else start, rule_y, start - 1 if rtl else start + 63, rule_y + 3),
                   fill=layout["accent"])

    # Headline.
    system = writing_system(card.lang)
    headline_layout = {**layout, "line_height": layout["line_heights"].get(system, layout["line_height"])}
    headline = layout_headline(card.headline, headline_layout, lambda t, _role, s: style["headline"].width(t, s))
    for line in headline.lines:
        baseline = line.y + round(line.size * 1.02)
        style["headline"].draw(draw, line.text, start, baseline, line.size, layout["text"], rtl)

    # Footer: avatars, names and date on the reading side; the logo on the other.
    footer_top, avatar = layout["footer_top"], layout["avatar_size"]
    logo_size = layout["logo_size"] if logo else 0
    x = start
    for _, avatar_path in card.people[:3]:
        if avatar_path:
            face = _avatar(avatar_path, avatar)
            image.paste(face, (int(x - avatar) if rtl else int(x), footer_top), face)
            x = x - avatar - 16 if rtl else x + avatar + 16
    text_room = inner - abs(x - start) - (logo_size + 24 if logo else 0)
    names = ", ".join(name for name, _ in card.people)
    name_size, date_size = layout["name_size"], layout["date_size"]
    if names:
        shown = ellipsize(names, text_room, lambda t: style["label"].width(t, name_size))
        style["label"].draw(draw, shown, x, footer_top + name_size + 2, name_size, layout["text"], rtl)
    if card.date:
        # The date's descenders must stay above the bottom margin, level with the avatars' foot.
        date_baseline = footer_top + avatar - round(date_size * 0.35) if names else footer_top + date_size + 2
        shown = ellipsize(card.date, text_room, lambda t: style["body"].width(t, date_size))
        style["body"].draw(draw, shown, x, date_baseline, date_size, layout["muted"], rtl)
    if logo:
        mark = _logo_of(logo, logo_size, _stamp(logo))
        left = margin if rtl else width - margin - mark.width
        image.paste(mark, (left, height - margin - mark.height), mark)
    return image


def encode(image: Image.Image, fmt: str) -> bytes:
    """PNG for flat cards; JPEG (far smaller) for cards over a photograph. No metadata, no dates."""
    out = io.BytesIO()
    if fmt == "jpeg":
        image.save(out, "JPEG", quality=86, optimize=True)  # baseline: progressive took 5x as long
    else:
        image.save(out, "PNG", compress_level=6)  # 4% larger than optimize=True, 4x faster
    return out.getvalue()
