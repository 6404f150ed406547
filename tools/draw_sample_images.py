"""Draw the sample newsroom's photographs and portraits (content/images/), so the sample site
looks like a real one without shipping anyone's photos. Run: python tools/draw_sample_images.py

Deterministic: a fixed seed per picture, so re-running gives the same files.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

OUT = Path(__file__).resolve().parent.parent / "content" / "images"
W, H = 1600, 900


def gradient(top, bottom, size=(W, H)):
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(size[1]):
        t = y / (size[1] - 1)
        draw.line([(0, y), (size[0], y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))
    return image


def grain(image, seed, amount=10):
    rnd = random.Random(seed)
    noise = Image.effect_noise(image.size, amount).convert("RGB")
    blended = Image.blend(image, noise, 0.06)
    return blended.filter(ImageFilter.GaussianBlur(0.6 + rnd.random() * 0.3))


def ridge(draw, rnd, base, height, colour, roughness=0.5):
    points, y = [], base
    for x in range(0, W + 40, 40):
        y = max(base - height, min(base, y + rnd.uniform(-height, height) * roughness))
        points.append((x, y))
    draw.polygon(points + [(W, H), (0, H)], fill=colour)


def harbour():
    rnd = random.Random(1)
    img = gradient((250, 160, 110), (60, 50, 90))
    d = ImageDraw.Draw(img)
    d.ellipse((1050, 380, 1190, 520), fill=(255, 210, 150))
    d.rectangle((0, 620, W, H), fill=(40, 40, 70))
    for i in range(9):  # container cranes
        x = 120 + i * 170 + rnd.randint(-20, 20)
        h = rnd.randint(260, 360)
        d.rectangle((x, 620 - h, x + 14, 620), fill=(25, 22, 40))
        d.rectangle((x - 60, 620 - h, x + 120, 620 - h + 16), fill=(25, 22, 40))
        d.line((x + 7, 620 - h, x + 110, 620 - h + 90), fill=(25, 22, 40), width=4)
    for _ in range(40):  # containers
        x, y = rnd.randint(0, W - 90), rnd.randint(560, 610)
        colour = rnd.choice([(120, 40, 40), (40, 80, 110), (150, 110, 40), (60, 60, 60)])
        d.rectangle((x, y, x + 90, y + 40), fill=colour)
    for y in range(640, H, 6):  # water reflections
        d.line((rnd.randint(900, 1100), y, rnd.randint(1140, 1350), y), fill=(200, 150, 120), width=2)
    return grain(img, 1)


def summit_flags():
    img = gradient((225, 228, 235), (150, 155, 170))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 700, W, H), fill=(90, 70, 60))
    palettes = [((0, 51, 153), (255, 204, 0)), ((200, 16, 46), (255, 255, 255)), ((0, 122, 61), (255, 255, 255)),
                ((0, 56, 147), (255, 255, 255)), ((237, 41, 57), (0, 0, 0)), ((255, 205, 0), (0, 0, 0))]
    for i in range(12):
        x = 80 + i * 125
        d.rectangle((x, 140, x + 8, 700), fill=(180, 160, 90))
        a, b = palettes[i % len(palettes)]
        for k in range(12):  # a draped flag, drawn in folds
            shade = 0.75 + 0.25 * math.sin(k * 1.3 + i)
            col = tuple(int(c * shade) for c in (a if (k // 2) % 3 else b))
            d.rectangle((x + 10, 150 + k * 30, x + 95, 180 + k * 30), fill=col)
    d.rectangle((500, 560, 1100, 720), fill=(70, 50, 40))  # lectern row
    for x in range(560, 1100, 110):
        d.line((x, 560, x + 20, 500), fill=(30, 30, 30), width=5)
    return grain(img, 2)


def border_mountains():
    rnd = random.Random(3)
    img = gradient((140, 180, 220), (240, 220, 190))
    d = ImageDraw.Draw(img)
    ridge(d, rnd, 430, 180, (150, 130, 120), 0.7)
    ridge(d, rnd, 560, 140, (170, 140, 105), 0.6)
    ridge(d, rnd, 700, 90, (195, 165, 120), 0.5)
    d.polygon([(760, H), (840, H), (805, 620), (795, 620)], fill=(90, 80, 70))  # the road
    for i in range(14):
        y = 640 + i * 18
        d.line((800 - i * 2, y, 800 + i * 2, y + 8), fill=(230, 220, 180), width=3)
    d.rectangle((1180, 590, 1260, 640), fill=(120, 110, 100))  # a checkpoint
    d.rectangle((1150, 580, 1290, 592), fill=(60, 60, 60))
    return grain(img, 3)


def parliament():
    img = gradient((120, 150, 190), (210, 220, 230))
    d = ImageDraw.Draw(img)
    d.polygon([(250, 260), (W - 250, 260), (W // 2, 120)], fill=(215, 205, 185))
    d.rectangle((250, 260, W - 250, 300), fill=(200, 190, 170))
    for i in range(10):
        x = 300 + i * 105
        d.rectangle((x, 300, x + 45, 720), fill=(228, 220, 200))
        for k in range(0, 45, 9):
            d.line((x + k, 300, x + k, 720), fill=(200, 192, 172), width=2)
    d.rectangle((200, 720, W - 200, 760), fill=(180, 170, 150))
    d.rectangle((150, 760, W - 150, H), fill=(160, 150, 135))
    return grain(img, 4)


def wind_farm():
    rnd = random.Random(5)
    img = gradient((170, 200, 225), (90, 130, 160))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 560, W, H), fill=(40, 80, 110))
    for i in range(7):
        x, scale = 120 + i * 220 + rnd.randint(-30, 30), 0.6 + (i % 3) * 0.2
        top = 560 - int(380 * scale)
        d.line((x, 560, x, top), fill=(235, 238, 240), width=int(8 * scale))
        angle = rnd.random() * math.tau
        for blade in range(3):
            a = angle + blade * math.tau / 3
            d.line((x, top, x + math.cos(a) * 150 * scale, top + math.sin(a) * 150 * scale),
                   fill=(245, 245, 245), width=int(6 * scale))
    for y in range(570, H, 9):
        d.line((0, y, W, y), fill=(50, 95, 125), width=1)
    return grain(img, 5)


def city_rain():
    rnd = random.Random(6)
    img = gradient((40, 45, 60), (20, 20, 30))
    d = ImageDraw.Draw(img)
    for i in range(16):  # buildings with lit windows
        x, w, h = i * 105, rnd.randint(80, 110), rnd.randint(250, 560)
        d.rectangle((x, H - 200 - h, x + w, H - 200), fill=(30, 32, 44))
        for wy in range(H - 190 - h, H - 210, 28):
            for wx in range(x + 8, x + w - 12, 22):
                if rnd.random() < 0.45:
                    d.rectangle((wx, wy, wx + 10, wy + 14), fill=(250, 200, 120))
    d.rectangle((0, H - 200, W, H), fill=(25, 25, 35))
    for _ in range(25):  # reflections on the wet street
        x = rnd.randint(0, W)
        d.line((x, H - 190, x + rnd.randint(-10, 10), H), fill=(140, 110, 70), width=rnd.randint(2, 6))
    rain = Image.new("L", (W, H), 0)
    rd = ImageDraw.Draw(rain)
    for _ in range(900):
        x, y = rnd.randint(0, W), rnd.randint(0, H)
        rd.line((x, y, x - 6, y + 28), fill=90, width=1)
    img.paste((200, 210, 230), (0, 0), rain)
    return grain(img, 6)


def press_room():
    rnd = random.Random(7)
    img = gradient((30, 50, 90), (15, 25, 45))
    d = ImageDraw.Draw(img)
    for i in range(8):  # backdrop logo tiles
        for k in range(4):
            d.rectangle((100 + i * 180, 80 + k * 140, 220 + i * 180, 160 + k * 140), outline=(70, 95, 140), width=3)
    d.polygon([(620, H), (980, H), (930, 520), (670, 520)], fill=(110, 80, 55))  # podium
    for i in range(9):  # microphones
        x, head = 650 + i * 35, 790 + rnd.randint(-40, 40)
        d.line((x, 520, head + 15, 430), fill=(20, 20, 20), width=4)
        d.ellipse((head, 400, head + 30, 435), fill=rnd.choice([(200, 30, 30), (30, 30, 30), (30, 90, 200)]))
    return grain(img, 7)


def portrait(seed, skin, shirt, background):
    rnd = random.Random(seed)
    img = gradient(background, tuple(max(0, c - 50) for c in background), (400, 400))
    d = ImageDraw.Draw(img)
    d.ellipse((70, 270, 330, 560), fill=shirt)
    d.rectangle((175, 220, 225, 290), fill=skin)
    d.ellipse((125, 90, 275, 260), fill=skin)
    hair = rnd.choice([(40, 30, 25), (90, 60, 30), (20, 20, 20), (150, 140, 130)])
    d.chord((118, 78, 282, 220), 180, 360, fill=hair)
    return img.filter(ImageFilter.GaussianBlur(1.2))


def logo():
    """The Meridian's mark: a globe with its meridian, on transparent ground."""
    size, scale = 512, 4
    big = Image.new("RGBA", (size * scale, size * scale), (0, 0, 0, 0))
    d = ImageDraw.Draw(big)
    s = size * scale
    d.ellipse((8 * scale, 8 * scale, s - 8 * scale, s - 8 * scale), fill=(155, 28, 28, 255))
    white, w = (255, 255, 255, 255), 14 * scale
    d.ellipse((s * 0.31, 8 * scale, s * 0.69, s - 8 * scale), outline=white, width=w)
    d.line((s / 2, 8 * scale, s / 2, s - 8 * scale), fill=white, width=w)
    for y in (0.37, 0.63):
        d.line((s * 0.06, s * y, s * 0.94, s * y), fill=white, width=w - 4 * scale)
    return big.resize((size, size), Image.LANCZOS)


PICTURES = {
    "harbour-dusk.jpg": harbour, "summit-flags.jpg": summit_flags,
    "border-mountains.jpg": border_mountains, "parliament-columns.jpg": parliament,
    "offshore-wind.jpg": wind_farm, "city-rain.jpg": city_rain, "press-room.jpg": press_room,
}
PORTRAITS = {
    "authors/amira-haddad.jpg": (11, (198, 150, 120), (120, 40, 60), (200, 190, 170)),
    "authors/tomas-lindqvist.jpg": (12, (235, 200, 180), (40, 60, 100), (170, 190, 200)),
    "authors/farah-rahimi.jpg": (13, (210, 165, 130), (30, 90, 80), (210, 200, 180)),
    "authors/daniel-okafor.jpg": (14, (120, 80, 55), (70, 70, 75), (190, 180, 200)),
    "authors/sana-qureshi.jpg": (15, (190, 140, 105), (140, 90, 30), (180, 200, 190)),
}

if __name__ == "__main__":
    (OUT / "authors").mkdir(parents=True, exist_ok=True)
    for name, draw in PICTURES.items():
        # Drawn at 1600×900, saved at 2400×1350: large enough for 1200 px square search crops.
        draw().resize((2400, 1350), Image.LANCZOS).save(OUT / name, quality=80, optimize=True, progressive=True)
    logo().save(OUT / "meridian-logo.png", optimize=True)
    for name, args in PORTRAITS.items():
        portrait(*args).save(OUT / name, quality=85, optimize=True)
    print(f"drew {len(PICTURES)} photographs and {len(PORTRAITS)} portraits into {OUT}")
