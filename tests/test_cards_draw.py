"""Real Pillow output: card size, ink inside the margins, right-to-left alignment, reference images.

Reference images live in tests/references/cards/; after an intended change to the drawing,
rewrite them with MASTHEAD_UPDATE_REFERENCES=1 and look at them before committing.
"""

from __future__ import annotations

import os

import pytest
from PIL import Image, ImageChops, ImageStat

from masthead.cards import draw as card_draw
from masthead.cards.draw import CardError, draw_card, encode, require_raqm
from masthead.cards.layout import CardText, layout_settings

from conftest import REPO

FONTS = REPO / "theme" / "fonts"
REFERENCES = REPO / "tests" / "references" / "cards"
FLAT = layout_settings({"use_image": False})
M = FLAT["margin"]

SCRIPTS = {
    "latin": CardText("Europe", "Ministers back a civilian monitoring mission but leave its size open",
                      "en", "ltr", (("Tomas Lindqvist", ""),), "24 November 2026"),
    "persian": CardText("خاورمیانه", "کمیسیون مرزی ایران و پاکستان پس از یک سال دوباره تشکیل جلسه داد",
                        "fa", "rtl", (("فرح رحیمی", ""),), "۵ آذر ۱۴۰۵"),
    "urdu": CardText("جنوبی ایشیا", "ایران اور پاکستان نے سرحدی کمیشن بحال کر دیا", "ur", "rtl",
                     (("ثنا قریشی", ""),), "26 نومبر 2026"),
    "arabic": CardText("العالم", "استئناف محادثات وقف إطلاق النار في الدوحة الأسبوع المقبل", "ar", "rtl"),
    "hebrew": CardText("עולם", "שיחות הפסקת האש יתחדשו בשבוע הבא בדוחא", "he", "rtl"),
    "cyrillic": CardText("Мир", "Переговоры о прекращении огня возобновятся на следующей неделе", "ru", "ltr"),
    "greek": CardText("Κόσμος", "Οι συνομιλίες για την εκεχειρία ξαναρχίζουν την επόμενη εβδομάδα", "el", "ltr"),
    "cjk": CardText("世界", "伊朗和巴基斯坦恢复边境委员会会议，双方同意联合巡逻", "zh", "ltr"),
    "mixed": CardText("خاورمیانه", "دیدار Kaja Kallas با وزیران در بروکسل 2026", "fa", "rtl"),
}


def ink_box(image: Image.Image, layout=FLAT):
    """The bounding box of everything drawn on a flat background."""
    background = Image.new("RGB", image.size, layout["background"])
    return ImageChops.difference(image.convert("RGB"), background).getbbox()


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_every_script_stays_inside_the_margins(name):
    card = draw_card(SCRIPTS[name], FLAT, FONTS)
    assert card.size == (1200, 630)
    left, top, right, bottom = ink_box(card)
    assert left >= M and top >= M and right <= 1200 - M and bottom <= 630 - M, (name, (left, top, right, bottom))


def headline_ink(card: Image.Image):
    band = card.crop((0, FLAT["headline_top"], 1200, FLAT["headline_bottom"] + 20))
    return ink_box(band)


def test_right_to_left_headlines_start_at_the_right_margin():
    for name in ("persian", "urdu", "arabic", "hebrew", "mixed"):
        left, _, right, _ = headline_ink(draw_card(SCRIPTS[name], FLAT, FONTS))
        assert 1200 - M - 14 <= right <= 1200 - M, (name, right)
    for name in ("latin", "cyrillic", "greek", "cjk"):
        left, _, right, _ = headline_ink(draw_card(SCRIPTS[name], FLAT, FONTS))
        assert M <= left <= M + 14, (name, left)


def test_a_long_rtl_headline_fills_lines_from_the_right_and_ends_near_the_left_margin():
    card = draw_card(CardText("خبر", "گفت‌وگو " * 40, "fa", "rtl"), FLAT, FONTS)
    left, _, right, _ = headline_ink(card)
    assert left <= M + 150 and right >= 1200 - M - 12


def test_long_text_is_shrunk_and_cut_never_drawn_outside():
    card = CardText("Europe", "Extraordinarily " * 60, "en", "ltr",
                    tuple((f"Correspondent number {i}", "") for i in range(6)), "1 January 2027")
    left, top, right, bottom = ink_box(draw_card(card, FLAT, FONTS))
    assert left >= M and top >= M and right <= 1200 - M and bottom <= 630 - M


def test_photo_cards_cover_the_frame_and_encode_as_jpeg(tmp_path):
    photo = tmp_path / "photo.jpg"
    Image.merge("RGB", [Image.effect_noise((1600, 1200), 60)] * 3).save(photo)  # grain, like a photo
    card = draw_card(CardText("World", "Headline", "en", "ltr", image=str(photo)), layout_settings({}), FONTS)
    assert ImageStat.Stat(card.crop((0, 0, 60, 60))).stddev[0] > 2  # the photo shows through
    data = encode(card, "jpeg")
    assert data[:3] == b"\xff\xd8\xff" and len(data) < len(encode(card, "png"))


def test_a_photo_shared_by_stories_is_prepared_once_and_a_replaced_one_is_seen(tmp_path):
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (1600, 900), (200, 40, 40)).save(photo)
    layout = layout_settings({})
    first = draw_card(CardText("World", "First story", "en", "ltr", image=str(photo)), layout, FONTS)
    second = draw_card(CardText("World", "Second story", "en", "ltr", image=str(photo)), layout, FONTS)
    # one photo, two cards: each has its own headline over the same backdrop, neither drawn on the other
    assert ImageChops.difference(first, second).getbbox() is not None
    assert first.getpixel((1190, 10)) == second.getpixel((1190, 10))
    assert first.getpixel((1190, 10))[0] > first.getpixel((1190, 10))[2]  # red shows through the shade

    Image.new("RGB", (1600, 900), (40, 40, 200)).save(photo)  # the same file name, a new picture
    os.utime(photo, ns=(photo.stat().st_mtime_ns + 10**9,) * 2)
    again = draw_card(CardText("World", "First story", "en", "ltr", image=str(photo)), layout, FONTS)
    assert again.getpixel((1190, 10))[2] > again.getpixel((1190, 10))[0]  # blue: not the remembered red


def test_a_photo_stored_on_its_side_is_turned_as_browsers_show_it(tmp_path):
    shown = Image.new("RGB", (1600, 900), (220, 30, 30))
    shown.paste((30, 30, 220), (800, 0, 1600, 900))  # red on the left, blue on the right, as shown
    exif = Image.Exif()
    exif[0x0112] = 6  # stored a quarter turned: shown after turning it clockwise
    shown.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "phone.jpg", exif=exif, quality=95)
    card = draw_card(CardText("World", "Headline", "en", "ltr", image=str(tmp_path / "phone.jpg")),
                     layout_settings({}), FONTS)
    left, right = card.getpixel((10, 10)), card.getpixel((1190, 10))
    assert left[0] > left[2] and right[2] > right[0]


def test_without_raqm_cards_refuse_with_a_way_out(monkeypatch):
    monkeypatch.setattr(card_draw.features, "check", lambda name: False)
    with pytest.raises(CardError) as caught:
        require_raqm()
    assert "raqm" in str(caught.value) and "apt-get install libfribidi0" in str(caught.value)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_cards_match_their_reference_images(name):
    card = draw_card(SCRIPTS[name], FLAT, FONTS, str(REPO / "content/images/meridian-logo.png"))
    reference = REFERENCES / f"{name}.png"
    if os.environ.get("MASTHEAD_UPDATE_REFERENCES") == "1":
        card.save(reference, optimize=True)
    with Image.open(reference) as expected:
        diff = ImageChops.difference(card, expected.convert("RGB")).convert("L")
    changed = sum(diff.histogram()[49:]) / (1200 * 630)
    assert ImageStat.Stat(diff).mean[0] < 1.5 and changed < 0.01, (name, changed)
