#!/usr/bin/env python3
"""Draw the week-2 "cat vs non-cat" datasets procedurally (no photographs involved), and the points of
Course 2's regularization assignment.

    python datasets/build.py            build, verify against SHA256SUMS, then copy into datasets/
                                        (keeping .h5 and .mat files that are not ours: an instructor's
                                        originals)
    python datasets/build.py --record   build and (re)write SHA256SUMS
    python datasets/build.py --check    build into a temporary folder and verify (datasets/ untouched)
    python datasets/build.py --out DIR  build into DIR instead of datasets/

The HDF5 files have the layout of the original course files, so those can be
dropped in instead.  Every image is drawn at 256x256 with Pillow primitives on
integer coordinates, box-downsampled to 64x64 and finished with integer-only
lighting and noise.  All randomness is integer draws from numpy's PCG64 with
fixed seeds, so the output is the same, byte for byte, on every run.

``data.mat`` (Course 2, regularization) holds points of a football field and
which team won the ball there, in the original course's MATLAB v5 layout:
``X`` float64 (211, 2), ``y`` uint8 (211, 1), ``Xval`` (200, 2), ``yval``
(200, 1).  Its points lie on a grid of 1/1000 and its labels come from integer
arithmetic and integer draws, and its header carries no date, so it too is the
same on every run.
"""
import argparse
import hashlib
import math
import shutil
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
SEED = 22
S, N = 256, 64  # drawing size, dataset image size
SPLITS = {"train": (72, 137), "test": (33, 17)}  # (cats, non-cats)
FILES = ["train_catvnoncat.h5", "test_catvnoncat.h5", "contact_sheet.png", "my_cat.png", "data.mat"]
DATA_FILES = (".h5", ".mat")  # files an instructor may replace with the original course's
MY_CAT_KEY = (9, 8)  # Dice key of the cat drawn for my_cat.png (not in either split)


# ----------------------------------------------------------------- randomness


class Dice:
    """Integer-only draws from a PCG64 stream, so every platform sees the same numbers."""

    def __init__(self, *key):
        self.rng = np.random.default_rng([SEED, *key])

    def int(self, lo, hi):  # inclusive
        return int(self.rng.integers(lo, hi + 1))

    def uni(self, lo, hi):  # a float on a 1/1000 grid
        return lo + (hi - lo) * self.int(0, 1000) / 1000

    def chance(self, p):
        return self.int(0, 999) < p * 1000

    def pick(self, seq):
        return seq[self.int(0, len(seq) - 1)]

    def weighted(self, table):  # {choice: integer weight}
        r = self.int(0, sum(table.values()) - 1)
        for choice, weight in table.items():
            r -= weight
            if r < 0:
                return choice

    def jitter(self, colour, amount):
        return tuple(min(255, max(0, c + self.int(-amount, amount))) for c in colour)


# ------------------------------------------------------------------- drawing


def shade(colour, f):
    return tuple(min(255, round(c * f)) for c in colour)


def mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def rotate(pts, cx, cy, degrees):
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return [(cx + (x - cx) * c - (y - cy) * s, cy + (x - cx) * s + (y - cy) * c) for x, y in pts]


class Sketch:
    """Primitives in model coordinates, painted later through a transform t = (scale, dx, dy).

    Coordinates are rounded to integers only when painting.
    """

    def __init__(self):
        self.ops = []  # (kind, geometry, colour, width)

    def ellipse(self, cx, cy, rx, ry, fill=None):
        self.ops.append(("e", (cx, cy, abs(rx), abs(ry)), fill, 0))

    def ring(self, cx, cy, rx, ry, width, fill=None):
        self.ops.append(("o", (cx, cy, abs(rx), abs(ry)), fill, width))

    def poly(self, pts, fill=None):
        self.ops.append(("p", list(pts), fill, 0))

    def rect(self, x0, y0, x1, y1, fill=None):
        self.poly([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], fill)

    def line(self, pts, width, fill=None):
        self.ops.append(("l", list(pts), fill, width))

    def tube(self, pts, width, fill=None):  # thick polyline with round joints and ends
        self.line(pts, width, fill)
        for x, y in pts:
            self.ellipse(x, y, width / 2, width / 2, fill)

    def bbox(self):
        xs, ys = [], []
        for kind, g, _, w in self.ops:
            if kind in "eo":
                xs += [g[0] - g[2], g[0] + g[2]]
                ys += [g[1] - g[3], g[1] + g[3]]
            else:
                xs += [x + d for x, _ in g for d in (-w / 2, w / 2)]
                ys += [y + d for _, y in g for d in (-w / 2, w / 2)]
        return min(xs), min(ys), max(xs), max(ys)

    def paint(self, draw, t, fill=None):
        k, dx, dy = t

        def px(x, y):
            return round(x * k + dx), round(y * k + dy)

        for kind, g, colour, w in self.ops:
            colour = colour if fill is None else fill
            width = max(1, round(w * k))
            if kind in "eo":
                cx, cy, rx, ry = g
                box = [*px(cx - rx, cy - ry), *px(cx + rx, cy + ry)]
                if kind == "e":
                    draw.ellipse(box, fill=colour)
                else:
                    draw.ellipse(box, outline=colour, width=width)
            elif kind == "p":
                draw.polygon([px(*p) for p in g], fill=colour)
            else:
                draw.line([px(*p) for p in g], fill=colour, width=width)

    def stamp(self, im, t):
        self.paint(ImageDraw.Draw(im), t)


def vgradient(d, y0, y1, top, bottom):
    for y in range(y0, y1):
        d.line([(0, y), (S, y)], fill=mix(top, bottom, (y - y0) / max(1, y1 - y0 - 1)))


# --------------------------------------------------------------- fur & animals

DARK, WHITE, PINK = (24, 20, 20), (244, 242, 236), (228, 150, 160)
FUR = {
    "black": (38, 34, 36), "white": (236, 233, 226), "ginger": (214, 124, 54),
    "grey": (128, 130, 138), "brown": (112, 80, 56), "cream": (226, 198, 152),
}
CAT_EYES = [(120, 180, 60), (205, 190, 60), (215, 150, 40), (100, 160, 220), (150, 200, 110)]
COAT_COLOURS = {  # which fur colours go with which pattern
    "tabby": ["ginger"] * 3 + ["brown", "cream", "grey"],
    "tuxedo": ["black", "black", "grey", "brown"], "calico": ["white"],
    "spots": ["white", "cream", "grey"], "patches": ["white", "cream"],
}


class Coat:
    """Fur colour and pattern of one animal."""

    def __init__(self, dice, patterns, solids):
        self.pattern = dice.pick(patterns)
        names = solids if self.pattern == "solid" else COAT_COLOURS[self.pattern]
        self.base = dice.jitter(FUR[dice.pick(names)], 14)
        self.dark = shade(self.base, 0.55) if sum(self.base) > 200 else (80, 74, 70)
        self.edge = shade(self.base, 0.45)
        mixed = mix(self.base, WHITE, 0.45) if dice.chance(0.5) else None
        self.light = WHITE if self.pattern == "tuxedo" else mixed  # muzzle, chest and paws
        self.patches = [FUR["ginger"], FUR["black"]] if self.pattern == "calico" else [
            dice.pick([FUR["black"], FUR["brown"], FUR["grey"], FUR["ginger"]])]
        self.eye = dice.pick(CAT_EYES)
        self.nose = dice.pick([PINK, (190, 110, 110), (60, 45, 45)])
        self.whisker = (70, 68, 66) if sum(self.base) > 450 else (228, 226, 220)

    def paint_pattern(self, d, box, k, dice):
        """Draw the pattern over the animal's pixel bounding box (clipped later by its mask)."""
        x0, y0, x1, y1 = box
        if self.pattern == "tabby":  # wavy, roughly vertical stripes
            gap = max(6, round(k * dice.uni(0.38, 0.6)))
            step = max(6, (y1 - y0) // 5)
            for x in range(x0 - gap, x1 + gap, gap):
                pts = [(x + dice.int(-gap // 4, gap // 4), y) for y in range(y0, y1 + step, step)]
                d.line(pts, fill=self.dark, width=max(2, gap * 2 // 5))
        elif self.pattern in ("calico", "patches"):
            for _ in range(dice.int(3, 6)):
                cx, cy = dice.int(x0, x1), dice.int(y0, y1)
                rx, ry = dice.int(4, max(5, (x1 - x0) // 4)), dice.int(4, max(5, (y1 - y0) // 4))
                d.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=dice.pick(self.patches))
        elif self.pattern == "spots":
            r = max(2, round(k * 0.16))
            for _ in range(dice.int(10, 24)):
                cx, cy = dice.int(x0, x1), dice.int(y0, y1)
                d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=self.dark)


class Animal:
    """A furry animal: `body` is its silhouette (outlined, filled with the coat),
    `light` are lighter fur areas (muzzle, chest, paws), `feats` are drawn on top."""

    def __init__(self, dice, coat, head, tail=1.0):
        self.dice, self.coat, self.head_fn, self.tail = dice, coat, head, tail
        self.body, self.light, self.feats = Sketch(), Sketch(), Sketch()

    def head(self, cx, cy, r):
        self.head_fn(self, cx, cy, r)

    def tail_tube(self, pts, width):  # `tail` is the fraction of the cat-length tail drawn
        if self.tail:
            self.body.tube(pts[:max(2, round(len(pts) * self.tail))], width)

    def bbox(self):
        (a, b, c, d), (e, f, g, h) = self.body.bbox(), self.feats.bbox()
        return min(a, e), min(b, f), max(c, g), max(d, h)

    def stamp(self, im, t):
        mask = Image.new("L", im.size, 0)
        self.body.paint(ImageDraw.Draw(mask), t, 255)
        im.paste(self.coat.edge, (0, 0, *im.size), mask.filter(ImageFilter.MaxFilter(7)))
        fur = Image.new("RGB", im.size, self.coat.base)
        d = ImageDraw.Draw(fur)
        if mask.getbbox():
            self.coat.paint_pattern(d, mask.getbbox(), t[0], self.dice)
        if self.coat.light:
            self.light.paint(d, t, self.coat.light)
        im.paste(fur, (0, 0, *im.size), mask)
        self.feats.stamp(im, t)


def head_frame(a, cx, cy, r):
    """Point function for a head: model offsets in head radii, rotated by a random tilt."""
    tilt = a.dice.int(-14, 14)
    return lambda x, y: rotate([(cx + x * r, cy + y * r)], cx, cy, tilt)[0]


def round_eye(a, x, y, r):
    a.feats.ellipse(x, y, r, r, DARK)
    a.feats.ellipse(x + 0.35 * r, y - 0.35 * r, 0.3 * r, 0.3 * r, WHITE)


def cat_head(a, cx, cy, r):
    """Round head, pointed ears with pink insides, slit-pupil eyes, nose, mouth, whiskers."""
    P, coat = head_frame(a, cx, cy, r), a.coat
    a.body.ellipse(cx, cy, r, 0.9 * r)
    a.body.ellipse(*P(0, 0.22), 1.08 * r, 0.62 * r)  # cheeks
    spread, height = a.dice.uni(0.65, 0.95), a.dice.uni(1.4, 1.7)
    pupil = a.dice.uni(0.03, 0.11) * r
    for s in (-1, 1):
        ear = [P(s * 0.98, -0.1), P(s * 0.12, -0.75), P(s * spread, -height)]
        a.body.poly(ear)
        mx, my = P(s * 0.6, -0.75)
        a.feats.poly([(mx + (x - mx) * 0.55, my + (y - my) * 0.55) for x, y in ear], PINK)
        a.light.ellipse(*P(s * 0.17, 0.43), 0.25 * r, 0.18 * r)  # muzzle
        ex, ey = P(s * 0.4, -0.05)
        a.feats.ellipse(ex, ey, 0.22 * r, 0.18 * r, DARK)
        a.feats.ellipse(ex, ey, 0.185 * r, 0.15 * r, coat.eye)
        a.feats.ellipse(ex, ey, pupil, 0.14 * r, DARK)  # vertical slit
        a.feats.ellipse(ex + 0.07 * r, ey - 0.06 * r, 0.04 * r, 0.04 * r, WHITE)
        for k in range(3):
            a.feats.line([P(s * 0.3, 0.36 + 0.05 * k), P(s * 1.45, 0.12 + 0.18 * k)],
                         0.035 * r, coat.whisker)
    a.feats.poly([P(-0.11, 0.22), P(0.11, 0.22), P(0, 0.33)], coat.nose)
    a.feats.line([P(0, 0.33), P(0, 0.41)], 0.03 * r, DARK)
    a.feats.line([P(-0.16, 0.48), P(0, 0.41), P(0.16, 0.48)], 0.03 * r, DARK)


def dog_head(a, cx, cy, r):
    """Long muzzle, big black nose, round eyes and floppy ears."""
    P = head_frame(a, cx, cy, r)
    a.body.ellipse(cx, cy, 0.92 * r, r)
    a.body.ellipse(*P(0, 0.55), 0.55 * r, 0.45 * r)  # muzzle
    a.light.ellipse(*P(0, 0.62), 0.45 * r, 0.34 * r)
    ear = shade(a.coat.base, 0.7) if a.dice.chance(0.6) else a.dice.pick(list(FUR.values()))
    for s in (-1, 1):
        a.feats.poly([P(s * 0.5, -0.85), P(s * 1.1, -0.6), P(s * 1.3, 0.4), P(s * 1.0, 0.75),
                      P(s * 0.75, 0.0)], ear)
        round_eye(a, *P(s * 0.38, -0.1), 0.13 * r)
    a.feats.ellipse(*P(0, 0.4), 0.2 * r, 0.14 * r, DARK)
    a.feats.line([P(0, 0.5), P(0, 0.7)], 0.04 * r, DARK)
    a.feats.line([P(-0.25, 0.78), P(0, 0.7), P(0.25, 0.78)], 0.04 * r, DARK)
    if a.dice.chance(0.4):
        a.feats.ellipse(*P(0, 0.92), 0.12 * r, 0.18 * r, (222, 92, 104))  # tongue


def rabbit_head(a, cx, cy, r):
    """Long upright ears, round eyes, small nose."""
    P = head_frame(a, cx, cy, r)
    a.body.ellipse(cx, cy, 0.85 * r, 0.78 * r)
    lean = a.dice.uni(0.0, 0.3)
    for s in (-1, 1):
        a.body.ellipse(*P(s * (0.32 + lean), -1.35), 0.22 * r, 0.85 * r)
        a.feats.ellipse(*P(s * (0.32 + lean), -1.3), 0.1 * r, 0.62 * r, PINK)
        a.light.ellipse(*P(s * 0.15, 0.4), 0.22 * r, 0.17 * r)
        round_eye(a, *P(s * 0.42, -0.08), 0.12 * r)
    a.feats.ellipse(*P(0, 0.28), 0.08 * r, 0.06 * r, PINK)
    a.feats.line([P(-0.12, 0.45), P(0, 0.34), P(0.12, 0.45)], 0.03 * r, DARK)


def bear_head(a, cx, cy, r):
    """Teddy bear: round ears, light muzzle, black button nose and eyes."""
    P = head_frame(a, cx, cy, r)
    a.body.ellipse(cx, cy, r, 0.95 * r)
    for s in (-1, 1):
        a.body.ellipse(*P(s * 0.75, -0.72), 0.34 * r, 0.34 * r)
        a.feats.ellipse(*P(s * 0.75, -0.72), 0.18 * r, 0.18 * r, shade(a.coat.base, 0.75))
        round_eye(a, *P(s * 0.36, -0.15), 0.09 * r)
    a.light.ellipse(*P(0, 0.38), 0.42 * r, 0.32 * r)
    a.feats.ellipse(*P(0, 0.25), 0.16 * r, 0.11 * r, DARK)
    a.feats.line([P(-0.15, 0.5), P(0, 0.4), P(0.15, 0.5)], 0.04 * r, DARK)


def cow_head(a, cx, cy, r):
    """Long face, wide pink muzzle, horns and sideways ears."""
    P = head_frame(a, cx, cy, r)
    a.body.ellipse(cx, cy, 0.6 * r, 0.95 * r)
    for s in (-1, 1):
        a.body.ellipse(*P(s * 0.85, -0.45), 0.38 * r, 0.16 * r)
        a.feats.poly([P(s * 0.3, -0.75), P(s * 0.55, -0.85), P(s * 0.85, -1.35), P(s * 0.4, -0.95)],
                     (232, 222, 196))
        round_eye(a, *P(s * 0.32, -0.2), 0.1 * r)
    a.feats.ellipse(*P(0, 0.68), 0.55 * r, 0.36 * r, (226, 160, 160))
    for s in (-1, 1):
        a.feats.ellipse(*P(s * 0.22, 0.68), 0.07 * r, 0.09 * r, (120, 70, 70))


# Poses: models with the feet on y = 0, in units of roughly a quarter of the body height.

def sitting(a):
    a.body.ellipse(0, -1.2, 1.2, 1.2)  # haunches
    a.body.ellipse(0, -2.3, 0.85, 1.25)  # chest
    for s in (-1, 1):
        a.body.tube([(s * 0.42, -1.9), (s * 0.45, -0.18)], 0.42)  # front legs
        a.light.ellipse(s * 0.45, -0.14, 0.26, 0.14)
    a.light.ellipse(0, -2.3, 0.45, 0.8)
    a.tail_tube([(0.9, -0.3), (1.7, -0.22), (2.2, -0.7), (2.15, -1.35), (1.9, -1.7)], 0.32)
    a.head(0, -3.45, 0.85)


def lying(a):
    a.body.ellipse(0, -0.85, 2.1, 0.85)
    for x in (1.0, 1.3):
        a.body.tube([(x, -0.22), (x + 1.45, -0.18)], 0.36)  # front paws stretched out
        a.light.ellipse(x + 1.45, -0.18, 0.22, 0.16)
    a.tail_tube([(-1.9, -0.45), (-2.6, -0.2), (-3.2, -0.3), (-3.5, -0.7)], 0.3)
    a.head(1.9, -1.75, 0.85)


def walking(a):
    a.body.ellipse(0, -1.95, 1.8, 0.75)
    stride = a.dice.uni(-0.35, 0.35)
    for x, s in ((1.25, 1), (0.95, -1), (-1.2, 1), (-1.5, -1)):
        a.body.tube([(x, -1.8), (x + s * stride, -0.15)], 0.4)
    a.body.tube([(1.3, -2.2), (1.9, -2.6)], 0.9)  # neck
    a.tail_tube([(-1.7, -2.25), (-2.35, -2.85), (-2.45, -3.65), (-2.1, -4.1)], 0.3)
    a.head(2.0, -2.85, 0.8)


def stretching(a):
    a.body.ellipse(-0.9, -2.3, 1.05, 0.8)  # rear, high
    a.body.poly([(-1.2, -3.05), (0.8, -1.95), (1.0, -0.85), (-0.7, -1.55)])  # back, sloping down
    a.body.ellipse(0.7, -1.2, 0.95, 0.6)  # chest, low
    for x in (-1.5, -0.85):
        a.body.tube([(x, -2.0), (x - 0.1, -0.15)], 0.4)
    for x in (0.9, 1.2):
        a.body.tube([(x, -0.8), (x + 1.6, -0.18)], 0.34)  # front legs stretched forward
    a.tail_tube([(-1.85, -2.6), (-2.4, -3.5), (-2.2, -4.3), (-1.8, -4.5)], 0.3)
    a.head(1.85, -1.4, 0.78)


def crouching(a):  # rabbit, side view
    a.body.ellipse(0, -0.95, 1.35, 0.95)
    a.body.ellipse(0.9, -1.35, 0.65, 0.7)
    a.body.tube([(1.1, -0.8), (1.5, -0.15)], 0.3)
    a.light.ellipse(-1.3, -1.0, 0.33, 0.33)  # cotton tail
    a.head(1.35, -2.3, 0.72)


def standing(a):  # cow
    a.body.ellipse(0, -2.6, 2.1, 0.95)
    for x in (1.4, 1.1, -1.3, -1.6):
        a.body.tube([(x, -2.2), (x, -0.12)], 0.4)
    a.feats.line([(-2.05, -2.9), (-2.25, -1.5)], 0.12, DARK)  # tail
    a.head(2.3, -3.1, 0.8)


def face(a):  # close-up: a head with shoulders below
    a.body.ellipse(0, 1.75, 1.5, 1.0)
    a.light.ellipse(0, 1.5, 0.5, 0.5)
    a.head(0, 0, 1.0)


CAT_POSES = {"face": 62, "sitting": 16, "lying": 8, "walking": 8, "stretching": 6}
POSES = {f.__name__: f for f in (sitting, lying, walking, stretching, crouching, standing, face)}
CAT_SOLIDS = ["ginger"] * 4 + ["brown"] * 2 + ["cream"] * 2 + ["grey", "black", "white"]
CAT_PATTERNS = ["solid", "solid", "tabby", "tabby", "tabby", "tuxedo", "calico", "spots"]
DOG_PATTERNS = ["solid", "solid", "tuxedo", "spots", "patches"]


# ------------------------------------------------------------------- objects

BRIGHT = [(200, 40, 40), (40, 90, 180), (240, 200, 40), (60, 150, 80), (150, 60, 150), (240, 140, 30)]
WOOD = [(150, 100, 60), (110, 75, 45), (190, 150, 100), (90, 60, 40)]
GLASS, BARK, LEAF = (170, 205, 230), (95, 70, 50), (60, 130, 60)


def colour(dice):  # objects come in fur colours as often as in bright ones
    return dice.jitter(dice.pick(list(FUR.values()) + BRIGHT), 20)


def car(dice):
    s, c = Sketch(), colour(dice)
    s.poly([(-2.2, -0.35), (-2.1, -0.95), (2.1, -0.95), (2.3, -0.5), (2.3, -0.35)], c)
    s.poly([(-1.3, -0.95), (-0.9, -1.6), (0.9, -1.6), (1.5, -0.95)], c)
    s.poly([(-1.15, -1.0), (-0.82, -1.5), (-0.05, -1.5), (-0.05, -1.0)], GLASS)
    s.poly([(0.05, -1.0), (0.05, -1.5), (0.82, -1.5), (1.3, -1.0)], GLASS)
    for x in (-1.35, 1.35):
        s.ellipse(x, -0.4, 0.42, 0.42, DARK)
        s.ellipse(x, -0.4, 0.2, 0.2, (170, 170, 175))
    s.ellipse(2.2, -0.75, 0.1, 0.08, (250, 240, 180))
    return s


def house(dice):
    s, wall, roof = Sketch(), colour(dice), dice.pick([(150, 60, 50), (80, 80, 90), (120, 90, 60)])
    s.rect(0.7, -2.9, 1.0, -2.0, roof)  # chimney
    s.rect(-1.5, -2.0, 1.5, 0, wall)
    s.poly([(-1.75, -1.95), (0, -3.2), (1.75, -1.95)], roof)
    s.rect(-0.3, -1.0, 0.3, 0, dice.pick(WOOD))
    for x in (-1.0, 1.0):
        s.rect(x - 0.3, -1.5, x + 0.3, -0.9, GLASS)
        s.line([(x, -1.5), (x, -0.9)], 0.06, WHITE)
    return s


def mug(dice):
    s, c = Sketch(), colour(dice)
    s.ring(0.6, -0.65, 0.3, 0.3, 0.1, c)
    s.rect(-0.5, -1.2, 0.5, -0.05, c)
    s.ellipse(0, -0.05, 0.5, 0.1, c)
    s.ellipse(0, -1.2, 0.5, 0.12, shade(c, 0.8))
    s.ellipse(0, -1.2, 0.42, 0.08, (90, 55, 35))  # coffee
    return s


def chair(dice):
    s, c = Sketch(), dice.pick(WOOD + BRIGHT)
    for x in (-0.8, 0.8):
        s.line([(x, -2.6), (x, 0)], 0.15, c)  # back legs
        s.line([(x * 0.8, -1.0), (x * 0.8 + 0.15, 0.2)], 0.15, shade(c, 0.8))
    s.poly([(-0.9, -1.15), (0.9, -1.15), (1.0, -0.9), (-1.0, -0.9)], shade(c, 1.15))
    for y in (-2.5, -2.1, -1.7):
        s.rect(-0.85, y, 0.85, y + 0.18, c)
    return s


def ball(dice):
    s, a, b = Sketch(), colour(dice), colour(dice)
    s.ellipse(0, -1, 1, 1, a)
    phase = dice.int(0, 59)
    for k in range(0, 6, 2):  # three coloured segments
        angles = [math.radians(phase + 60 * k + 6 * i) for i in range(11)]
        s.poly([(0, -1)] + [(0.97 * math.cos(t), -1 + 0.97 * math.sin(t)) for t in angles], b)
    s.ellipse(-0.35, -1.35, 0.18, 0.12, WHITE)
    return s


def bicycle(dice):
    s, c = Sketch(), colour(dice)
    for x in (-1.2, 1.2):
        s.ring(x, -0.75, 0.75, 0.75, 0.09, DARK)
        s.line([(x - 0.7, -0.75), (x + 0.7, -0.75)], 0.03, (160, 160, 160))
        s.line([(x, -1.45), (x, -0.05)], 0.03, (160, 160, 160))
    frame = [(-1.2, -0.75), (-0.1, -0.75), (-0.45, -1.65), (-1.2, -0.75)]
    s.line(frame, 0.1, c)
    s.line([(-0.1, -0.75), (0.95, -1.6), (-0.45, -1.65)], 0.1, c)
    s.line([(1.2, -0.75), (0.9, -1.95)], 0.1, c)
    s.line([(0.7, -1.95), (1.15, -2.05)], 0.1, DARK)  # handlebar
    s.rect(-0.75, -1.85, -0.25, -1.72, DARK)  # saddle
    return s


def lamp(dice):
    s, c = Sketch(), colour(dice)
    s.ellipse(0, -0.1, 0.6, 0.12, DARK)
    s.line([(0, -0.1), (0, -3.2)], 0.1, (120, 120, 120))
    s.ellipse(0, -3.0, 0.35, 0.2, (255, 240, 190))
    s.poly([(-0.5, -3.9), (0.5, -3.9), (0.8, -3.0), (-0.8, -3.0)], c)
    return s


def plant(dice):
    s, c = Sketch(), dice.pick([(180, 90, 60), (200, 200, 200), (60, 60, 70), (150, 110, 70)])
    leaf = dice.jitter(LEAF, 25)
    for i in range(dice.int(5, 9)):
        angle = dice.int(-80, 80)
        pts = [(0, -1.0), (-0.18, -1.7), (0, -2.4), (0.18, -1.7)]
        s.poly(rotate(pts, 0, -1.0, angle), shade(leaf, 0.85 + 0.05 * (i % 3)))
    s.poly([(-0.55, -1.1), (0.55, -1.1), (0.4, 0), (-0.4, 0)], c)
    return s


def books(dice):
    s, y = Sketch(), 0.0
    for _ in range(dice.int(3, 6)):
        h, w, x = dice.uni(0.2, 0.4), dice.uni(1.2, 1.8), dice.uni(-0.2, 0.2)
        s.rect(x - w / 2, y - h, x + w / 2, y, colour(dice))
        s.rect(x + w / 2 - 0.12, y - h + 0.05, x + w / 2 - 0.04, y - 0.05, WHITE)
        y -= h
    return s


def clock(dice):
    s, c = Sketch(), colour(dice)
    s.ellipse(0, -1, 1, 1, c)
    s.ellipse(0, -1, 0.85, 0.85, WHITE)
    for k in range(12):
        t = math.radians(30 * k)
        s.line([(0.7 * math.cos(t), -1 + 0.7 * math.sin(t)), (0.8 * math.cos(t), -1 + 0.8 * math.sin(t))],
               0.06, DARK)
    for length, deg in ((0.45, dice.int(0, 359)), (0.65, dice.int(0, 359))):
        t = math.radians(deg)
        s.line([(0, -1), (length * math.cos(t), -1 + length * math.sin(t))], 0.08, DARK)
    return s


def bird(dice):
    s, c = Sketch(), dice.jitter(dice.pick(list(FUR.values()) + BRIGHT), 20)
    wing, beak = shade(c, 0.7), (235, 170, 40)
    if dice.chance(0.6):
        s.tube([(-2.0, 0.1), (2.0, -0.1)], 0.22, BARK)  # branch
    for x in (-0.1, 0.15):
        s.line([(x, -0.6), (x + 0.05, 0)], 0.07, beak)
    s.poly([(-0.6, -1.05), (-1.8, -0.55), (-1.65, -0.3)], wing)  # tail
    s.ellipse(0, -1.05, 0.85, 0.6, c)
    s.ellipse(0.2, -0.9, 0.55, 0.38, mix(c, WHITE, dice.uni(0.2, 0.7)))  # breast
    s.poly([(-0.7, -1.25), (0.35, -1.35), (-0.1, -0.85), (-0.9, -0.95)], wing)
    s.ellipse(0.75, -1.75, 0.45, 0.42, c)
    s.poly([(1.1, -1.88), (1.55, -1.72), (1.1, -1.6)], beak)
    s.ellipse(0.85, -1.85, 0.08, 0.08, DARK)
    return s


OBJECTS = [car, house, mug, chair, ball, bicycle, lamp, plant, books, clock]
CLUTTER = [mug, ball, plant, books, lamp]


# --------------------------------------------------------------- backgrounds

WALLS = [(225, 215, 195), (200, 205, 210), (170, 190, 200), (215, 200, 170), (180, 200, 170),
         (240, 235, 225), (150, 140, 130), (120, 110, 100), (90, 100, 120), (200, 170, 150)]
FLOORS = [(150, 105, 70), (120, 85, 55), (185, 150, 110), (110, 110, 115), (160, 160, 150),
          (90, 70, 55), (200, 180, 150), (140, 60, 50)]
SKIES = [((110, 160, 220), (190, 215, 235)), ((150, 180, 210), (220, 225, 230)),
         ((230, 160, 110), (250, 215, 170)), ((70, 90, 140), (170, 150, 170))]
GRASS = [(90, 140, 60), (110, 150, 70), (70, 120, 50), (130, 160, 80), (150, 150, 90)]


def room(d, dice, feet):
    h = min(dice.int(100, 190), feet - 20)
    wall = dice.jitter(dice.pick(WALLS), 15)
    d.rectangle([0, 0, S, h], fill=wall)
    if dice.chance(0.3):  # striped wallpaper
        for x in range(dice.int(0, 20), S, 24):
            d.rectangle([x, 0, x + 8, h], fill=shade(wall, 0.9))
    x = dice.int(-20, S - 60)
    item = dice.pick(["window", "picture", "shelf", "none"])
    if item == "window":
        top, sky = dice.int(10, 40), dice.pick(SKIES)
        d.rectangle([x, top, x + 90, h - 30], fill=WHITE)
        d.rectangle([x + 6, top + 6, x + 84, h - 36], fill=sky[0])
        d.line([(x + 45, top), (x + 45, h - 30)], fill=WHITE, width=5)
    elif item == "picture":
        d.rectangle([x, 20, x + 60, 70], fill=dice.pick(WOOD))
        d.rectangle([x + 5, 25, x + 55, 65], fill=colour(dice))
        d.polygon([(x + 8, 62), (x + 30, 35), (x + 52, 62)], fill=colour(dice))
    elif item == "shelf":
        d.rectangle([x, h - 60, x + 110, h - 54], fill=dice.pick(WOOD))
        for bx in range(x + 5, x + 100, 12):
            d.rectangle([bx, h - 60 - dice.int(20, 32), bx + 9, h - 61], fill=colour(dice))
    floor = dice.jitter(dice.pick(FLOORS), 12)
    d.rectangle([0, h, S, S], fill=floor)
    for i in range(1, 8):  # floorboards, closer together towards the horizon
        y = h + (S - h) * i * i // 64
        d.line([(0, y), (S, y)], fill=shade(floor, 0.82), width=2)
    d.rectangle([0, h - 6, S, h], fill=shade(wall, 0.75))
    if dice.chance(0.35):
        cx, cy = dice.int(30, 220), dice.int(h + 30, S)
        d.ellipse([cx - 90, cy - 25, cx + 90, cy + 25], fill=colour(dice))
    return h + 15, S - 4


def sofa(d, dice, feet):
    wall, c = dice.jitter(dice.pick(WALLS), 15), dice.jitter(dice.pick(FLOORS + WALLS + BRIGHT), 15)
    seat = min(dice.int(150, 200), feet - 10)
    d.rectangle([0, 0, S, S], fill=wall)
    top = dice.int(20, 80)
    d.rectangle([-10, top, S + 10, seat], fill=shade(c, 0.85))  # backrest
    for x in range(dice.int(-60, 0), S, 110):  # back cushions
        d.ellipse([x + 4, top + 10, x + 106, seat + 20], fill=c)
    d.rectangle([-10, seat, S + 10, S], fill=shade(c, 1.1))  # seat
    d.line([(0, seat + 40), (S, seat + 40)], fill=shade(c, 0.8), width=3)
    if dice.chance(0.5):  # a cushion
        x = dice.int(0, S - 70)
        d.polygon([(x, seat - 60), (x + 70, seat - 55), (x + 65, seat + 5), (x + 5, seat)], fill=colour(dice))
    return seat + 10, S - 4


def garden(d, dice, feet):
    h = min(dice.int(60, 150), feet - 20)
    vgradient(d, 0, h, *dice.pick(SKIES))
    grass = dice.jitter(dice.pick(GRASS), 15)
    d.rectangle([0, h, S, S], fill=grass)
    if dice.chance(0.4):  # fence
        wood = dice.pick(WOOD + [WHITE])
        d.rectangle([0, h - 45, S, h - 38], fill=wood)
        for x in range(dice.int(0, 20), S, 22):
            d.polygon([(x, h), (x, h - 55), (x + 8, h - 63), (x + 16, h - 55), (x + 16, h)], fill=wood)
    for _ in range(dice.int(1, 5)):  # bushes
        x, r = dice.int(0, S), dice.int(20, 50)
        d.ellipse([x - r, h - r, x + r, h + r // 2], fill=shade(grass, dice.uni(0.55, 0.8)))
    if dice.chance(0.4):  # tree
        x = dice.int(10, S - 10)
        d.rectangle([x - 7, h - 70, x + 7, h + 10], fill=BARK)
        d.ellipse([x - 45, h - 140, x + 45, h - 50], fill=shade(grass, 0.6))
    for _ in range(dice.int(0, 25)):  # flowers in the grass
        x, y = dice.int(0, S), dice.int(h + 5, S)
        d.ellipse([x - 3, y - 3, x + 3, y + 3], fill=dice.pick(BRIGHT + [WHITE]))
    return h + 20, S - 4


def floor(d, dice, feet):  # close-up of a wooden floor or carpet
    c = dice.jitter(dice.pick(FLOORS + WALLS), 12)
    d.rectangle([0, 0, S, S], fill=c)
    if dice.chance(0.6):
        gap = dice.int(18, 40)
        for y in range(dice.int(0, gap), S, gap):
            d.line([(0, y), (S, y)], fill=shade(c, 0.8), width=2)
            x = dice.int(0, S)
            d.line([(x, y), (x, y + gap)], fill=shade(c, 0.8), width=2)
    return S // 2, S - 4


def studio(d, dice, feet):  # plain gradient with a few blurry highlights
    vgradient(d, 0, S, colour(dice), colour(dice))
    for _ in range(dice.int(0, 6)):
        x, y, r = dice.int(0, S), dice.int(0, S), dice.int(8, 30)
        d.ellipse([x - r, y - r, x + r, y + r], fill=mix(colour(dice), WHITE, 0.5))
    return S // 2, S - 4


def street(d, dice, feet):
    h = min(dice.int(110, 190), feet - 20)
    brick = dice.jitter(dice.pick([(160, 80, 60), (130, 70, 55), (170, 150, 130), (120, 120, 125)]), 15)
    d.rectangle([0, 0, S, h], fill=brick)
    for row, y in enumerate(range(0, h, 14)):
        d.line([(0, y), (S, y)], fill=(200, 195, 185), width=2)
        for x in range(-20 + 14 * (row % 2), S, 28):
            d.line([(x, y), (x, y + 14)], fill=(200, 195, 185), width=2)
    pave = dice.jitter((150, 150, 150), 20)
    d.rectangle([0, h, S, S], fill=pave)
    for x in range(-200, S + 200, 50):
        d.line([(S // 2 + (x - S // 2) // 3, h), (x, S)], fill=shade(pave, 0.8), width=2)
    return h + 15, S - 4


INDOOR = [room, room, sofa, floor, studio]
OUTDOOR = [garden, garden, street, studio]
CAT_BACKDROPS = INDOOR * 3 + OUTDOOR  # cats are mostly photographed indoors, other animals outdoors


# --------------------------------------------------------------------- scenes


def mountains(d, dice):
    h = dice.int(120, 180)
    vgradient(d, 0, h, *dice.pick(SKIES))
    if dice.chance(0.6):
        x, y = dice.int(20, 230), dice.int(20, 70)
        d.ellipse([x - 18, y - 18, x + 18, y + 18], fill=(250, 235, 170))
    for layer in range(dice.int(2, 3)):
        c = dice.jitter(dice.pick([(110, 110, 130), (90, 100, 90), (140, 120, 110)]), 20)
        c = mix(c, (200, 210, 225), 0.4 - 0.2 * layer)
        x = dice.int(-80, 0)
        while x < S:
            w, top = dice.int(70, 150), dice.int(30, h - 30)
            d.polygon([(x, h + 5), (x + w // 2, top), (x + w, h + 5)], fill=c)
            d.polygon([(x + w // 2, top), (x + w // 2 - w // 8, top + 22), (x + w // 2 + w // 8, top + 22)],
                      fill=WHITE)
            x += w // 2 + dice.int(0, 40)
    ground = dice.jitter(dice.pick(GRASS + [(70, 110, 150)]), 15)
    d.rectangle([0, h, S, S], fill=ground)
    for _ in range(dice.int(0, 8)):  # pine trees
        x, y, t = dice.int(0, S), dice.int(h + 10, S), dice.int(15, 35)
        d.polygon([(x, y - 3 * t), (x - t, y), (x + t, y)], fill=shade(LEAF, 0.7))


def city(d, dice):
    h = dice.int(190, 235)
    vgradient(d, 0, h, *dice.pick(SKIES))
    x = dice.int(-30, 0)
    while x < S:
        w, top = dice.int(25, 60), dice.int(20, h - 40)
        c = dice.jitter(dice.pick([(90, 95, 110), (140, 130, 120), (70, 70, 80), (170, 160, 150)]), 20)
        d.rectangle([x, top, x + w, h], fill=c)
        lit = dice.pick([(240, 220, 140), GLASS, (60, 70, 90)])
        for wy in range(top + 6, h - 8, 12):
            for wx in range(x + 5, x + w - 6, 10):
                d.rectangle([wx, wy, wx + 5, wy + 6], fill=lit)
        x += w + dice.int(0, 6)
    d.rectangle([0, h, S, S], fill=(60, 60, 65))


def sea(d, dice):
    h = dice.int(90, 160)
    vgradient(d, 0, h, *dice.pick(SKIES))
    water = dice.jitter((40, 100, 150), 25)
    vgradient(d, h, S, water, shade(water, 0.7))
    for _ in range(40):  # waves
        x, y = dice.int(0, S), dice.int(h + 5, S)
        d.line([(x, y), (x + dice.int(8, 25), y)], fill=mix(water, WHITE, 0.4), width=2)
    if dice.chance(0.5):  # beach
        d.polygon([(0, S), (0, S - dice.int(20, 70)), (S, S - dice.int(0, 30)), (S, S)], fill=(220, 200, 150))
    if dice.chance(0.7):  # sailing boat
        x, y = dice.int(40, 200), h + dice.int(10, 50)
        d.polygon([(x - 30, y), (x + 30, y), (x + 20, y + 12), (x - 20, y + 12)], fill=colour(dice))
        d.polygon([(x, y - 60), (x, y - 3), (x + 30, y - 3)], fill=WHITE)
        d.polygon([(x - 3, y - 50), (x - 3, y - 3), (x - 25, y - 3)], fill=mix(WHITE, colour(dice), 0.3))


def meadow(d, dice):
    h = dice.int(50, 130)
    vgradient(d, 0, h, *dice.pick(SKIES))
    grass = dice.jitter(dice.pick(GRASS), 15)
    vgradient(d, h, S, grass, shade(grass, 0.7))
    for _ in range(dice.int(15, 40)):  # flowers, bigger in front
        x, y = dice.int(0, S), dice.int(h + 5, S)
        r = 2 + 14 * (y - h) // (S - h)
        c = dice.pick(BRIGHT + [WHITE, (240, 150, 200)])
        d.line([(x, y), (x, y + 2 * r)], fill=shade(LEAF, 0.8), width=max(1, r // 4))
        for k in range(5):
            t = math.radians(72 * k)
            px, py = x + round(r * math.cos(t)), y + round(r * math.sin(t))
            d.ellipse([px - r // 2, py - r // 2, px + r // 2, py + r // 2], fill=c)
        d.ellipse([x - r // 3, y - r // 3, x + r // 3, y + r // 3], fill=(240, 200, 40))


def aquarium(d, dice):
    water = dice.jitter((60, 130, 160), 25)
    vgradient(d, 0, S, mix(water, WHITE, 0.3), shade(water, 0.7))
    d.polygon([(0, S), (0, 215), (S, 200), (S, S)], fill=(200, 180, 130))
    for _ in range(dice.int(2, 6)):  # weeds
        x = dice.int(0, S)
        d.line([(x, S), (x + dice.int(-20, 20), dice.int(90, 180)),
                (x + dice.int(-15, 15), dice.int(30, 90))],
               fill=shade(LEAF, 0.9), width=dice.int(4, 8))
    for _ in range(dice.int(1, 3)):  # fish
        c, x, y, r = colour(dice), dice.int(40, 216), dice.int(40, 190), dice.int(18, 45)
        d.polygon([(x - r // 2, y), (x - 3 * r // 2, y - 2 * r // 3), (x - 3 * r // 2, y + 2 * r // 3)],
                  fill=shade(c, 0.8))
        d.polygon([(x - r // 3, y - r // 2), (x + r // 4, y - r), (x + r // 3, y - r // 2)],
                  fill=shade(c, 0.8))
        d.ellipse([x - r, y - r * 3 // 5, x + r, y + r * 3 // 5], fill=c)
        d.ellipse([x + r // 2 - 3, y - r // 5 - 3, x + r // 2 + 3, y - r // 5 + 3], fill=DARK)
    for _ in range(dice.int(3, 12)):  # bubbles
        x, y, r = dice.int(0, S), dice.int(0, 200), dice.int(2, 6)
        d.ellipse([x - r, y - r, x + r, y + r], outline=WHITE, width=1)


SCENES = [mountains, city, sea, meadow, aquarium]


# ------------------------------------------------------------------ one image


class Framed:
    """A subject painted through an extra transform (used to centre objects for close-ups)."""

    def __init__(self, subject, t):
        self.subject, self.t = subject, t

    def bbox(self):
        k, dx, dy = self.t
        x0, y0, x1, y1 = self.subject.bbox()
        return k * x0 + dx, k * y0 + dy, k * x1 + dx, k * y1 + dy

    def stamp(self, im, t):
        k, dx, dy = self.t
        self.subject.stamp(im, (t[0] * k, t[0] * dx + t[1], t[0] * dy + t[2]))


def place(im, subject, dice, ground, height):
    """Scale `subject` (feet at y = 0) to `height` px and stand it anywhere on the ground band."""
    x0, y0, x1, y1 = subject.bbox()
    gy = dice.int(*ground)
    k = min(dice.int(*height), gy + 20) / (y1 - y0)
    lo, hi = round(-k * x0), round(S - k * x1)
    dx = dice.int(lo, hi) if lo <= hi else round((S - k * (x0 + x1)) / 2)
    subject.stamp(im, (k, dx, gy - k * y1))


# Main subjects are framed like snapshots: (max offset from the centre, head radius of close-ups,
# larger side of full-body subjects), in px.  Cats are photographed more carefully than the rest.
# These class biases (framing, CAT_POSES mostly close-ups, CAT_BACKDROPS mostly indoors, CAT_SOLIDS
# mostly warm) are all a linear model on raw pixels can pick up: they are tuned, together with SEED,
# so that the course's logistic regression fits the training set and gets about 70% on the test set.
CAT_FRAMING = (8, (80, 95), (180, 230))
OTHER_FRAMING = (60, (40, 95), (80, 230))


def scene_with(im, d, dice, subject, close_up, backdrops, framing):
    """The subject as a close-up or standing on the floor, in front of a backdrop and some clutter."""
    jitter, radius, size = framing
    if close_up:  # a head model: radius 1 around the origin
        dice.pick(backdrops)(d, dice, S)
        t = (dice.int(*radius), S // 2 + dice.int(-jitter, jitter), 136 + dice.int(-jitter, jitter))
    else:  # feet on y = 0
        x0, y0, x1, y1 = subject.bbox()
        k = dice.int(*size) / max(x1 - x0, y1 - y0)
        feet = min(S - 4, round(S / 2 + k * (y1 - y0) / 2) + dice.int(-jitter, jitter))
        t = (k, S / 2 - k * (x0 + x1) / 2 + dice.int(-jitter, jitter), feet - k * y1)
        ground = dice.pick(backdrops)(d, dice, feet)
        for _ in range(dice.int(0, 3)):
            place(im, dice.pick(CLUTTER)(dice), dice, ground, (20, 70))
    subject.stamp(im, t)


NONCATS = {"dog": 16, "rabbit": 8, "teddy": 6, "cow": 4, "bird": 8, "object": 30, "scene": 28}
ANIMALS = {  # head, tail length, poses, coat patterns, backdrops
    "dog": (dog_head, 0.5, ["face", "sitting", "walking", "lying"], DOG_PATTERNS, OUTDOOR),
    "rabbit": (rabbit_head, 0, ["face", "crouching", "sitting"], ["solid", "solid", "patches"], OUTDOOR),
    "teddy": (bear_head, 0, ["face", "sitting"], ["solid"], INDOOR),
    "cow": (cow_head, 0, ["standing"], ["patches", "solid"], [garden]),
}


def draw_cat(im, d, dice, pose=None):
    pose = pose or dice.weighted(CAT_POSES)
    cat = Animal(dice, Coat(dice, CAT_PATTERNS, CAT_SOLIDS), cat_head)
    POSES[pose](cat)
    scene_with(im, d, dice, cat, pose == "face", CAT_BACKDROPS, CAT_FRAMING)


def draw_noncat(im, d, dice):
    kind = dice.weighted(NONCATS)
    if kind == "scene":
        dice.pick(SCENES)(d, dice)
    elif kind in ANIMALS:
        head, tail, poses, patterns, backdrops = ANIMALS[kind]
        animal = Animal(dice, Coat(dice, patterns, list(FUR)), head, tail)
        pose = dice.pick(poses)
        POSES[pose](animal)
        scene_with(im, d, dice, animal, pose == "face", backdrops, OTHER_FRAMING)
    else:
        make = bird if kind == "bird" else dice.pick(OBJECTS)
        subject = make(dice)
        close_up = dice.chance(0.3)
        if close_up:  # centre the object on the origin and size it like a head
            x0, y0, x1, y1 = subject.bbox()
            k = 2.2 / max(x1 - x0, y1 - y0)
            subject = Framed(subject, (k, -k * (x0 + x1) / 2, -k * (y0 + y1) / 2))
        backdrops = OUTDOOR if make in (bird, car, house, bicycle) else INDOOR
        scene_with(im, d, dice, subject, close_up, backdrops, OTHER_FRAMING)


def finish(a, dice):
    """Photo-like lighting gradient, colour cast and sensor noise, in integer arithmetic only."""
    n = a.shape[0]
    yy, xx = np.mgrid[0:n, 0:n].astype(np.int32)
    angle, strength = math.radians(dice.int(0, 359)), dice.int(0, 90)
    gx, gy = round(math.cos(angle) * strength), round(math.sin(angle) * strength)
    gain = dice.int(150, 310) + (gx * (2 * xx - n) + gy * (2 * yy - n)) // n  # per pixel, in 1/256
    cast = np.array([dice.int(230, 282) for _ in range(3)], dtype=np.int32)  # per channel, in 1/256
    out = (a.astype(np.int32) * gain[..., None] * cast) >> 16
    amp = dice.int(2, 14)
    out += dice.rng.integers(-amp, amp + 1, size=a.shape, dtype=np.int32)
    return np.clip(out, 0, 255).astype(np.uint8)


def render(dice, is_cat, size=N, pose=None):
    """One image as a (size, size, 3) uint8 array."""
    im = Image.new("RGB", (S, S))
    d = ImageDraw.Draw(im)
    if is_cat:
        draw_cat(im, d, dice, pose)
    else:
        draw_noncat(im, d, dice)
    if dice.chance(0.5):
        im = im.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if size != S:
        im = im.resize((size, size), Image.Resampling.BOX)
    return finish(np.asarray(im), dice)


# ------------------------------------------------------------------- dataset


def make_split(split):
    """Images and labels of one split, in a fixed shuffled order."""
    cats, others = SPLITS[split]
    sid = list(SPLITS).index(split)
    labels = np.array([1] * cats + [0] * others, dtype=np.int64)
    labels = labels[Dice(sid).rng.permutation(len(labels))]
    x = np.stack([render(Dice(sid, i + 1), y == 1) for i, y in enumerate(labels)])
    return x, labels


def write_h5(path, split, x, y):
    with h5py.File(path, "w") as f:  # contiguous, uncompressed, no timestamps
        f.create_dataset(f"{split}_set_x", data=x, track_times=False)
        f.create_dataset(f"{split}_set_y", data=y, track_times=False)
        f.create_dataset("list_classes", data=np.array([b"non-cat", b"cat"], dtype="S7"), track_times=False)


GLYPHS = {  # 3x5 bitmap font for the contact sheet captions
    "C": ["111", "100", "100", "100", "111"], "A": ["010", "101", "111", "101", "101"],
    "T": ["111", "010", "010", "010", "010"], "N": ["110", "101", "101", "101", "101"],
    "O": ["111", "101", "101", "101", "111"], "-": ["000", "000", "111", "000", "000"],
}


def caption(d, x, y, text, fill, px=2):
    for ch in text:
        for row, bits in enumerate(GLYPHS[ch]):
            for col, bit in enumerate(bits):
                if bit == "1":
                    left, top = x + col * px, y + row * px
                    d.rectangle([left, top, left + px - 1, top + px - 1], fill=fill)
        x += 4 * px


def contact_sheet(x, y, cols=8, rows=6):
    cell, pad, text_h = 2 * N, 4, 16
    sheet = Image.new("RGB", (cols * (cell + 2 * pad), rows * (cell + 2 * pad + text_h)), (250, 250, 250))
    d = ImageDraw.Draw(sheet)
    for i in range(cols * rows):
        left, top = (i % cols) * (cell + 2 * pad), (i // cols) * (cell + 2 * pad + text_h)
        frame = (40, 160, 70) if y[i] else (200, 60, 50)
        d.rectangle([left, top, left + cell + 2 * pad - 1, top + cell + 2 * pad - 1], fill=frame)
        big = Image.fromarray(x[i]).resize((cell, cell), Image.Resampling.NEAREST)  # 2x, crisp pixels
        sheet.paste(big, (left + pad, top + pad))
        caption(d, left + pad, top + cell + 2 * pad + 3, "CAT" if y[i] else "NON-CAT", frame)
    return sheet


# ------------------------------------------------- Course 2: the football field

# Our keeper kicks the ball upfield; each point is where it came down, in field units (x across the
# field, y along it, our goal at the bottom), and its label says who won it: 1 one of our players,
# 0 one of theirs.  Our players hold the ground below the line y = boundary(x), theirs the ground above.
# Near the line the ball is contested, and in a few spots of each season the other side happened to
# be stronger ("scrambles"): noise that a network can learn by heart, which regularisation prevents.
FIELD_X, FIELD_Y = (-750, 450), (-750, 650)  # in thousandths of a field unit
FIELD_SEED = 1
FOOTBALL_SPLITS = {"X": (211, 0), "Xval": (200, 1)}  # number of points, key of their generator
SCRAMBLES, SCRAMBLE_RADIUS = 3, 100  # spots per season, their radius (thousandths)
MAT_HEADER = b"MATLAB 5.0 MAT-file, Platform: posix, written by the course's datasets/build.py"


def boundary(x):
    """The line between the teams, y = 0.05 + 0.6 x - 1.2 x^3, in thousandths (integer arithmetic)."""
    return 50 + (600 * x) // 1000 - (1200 * x * x * x) // 10**9


def football_season(points, key):
    """(X of shape (points, 2) in field units, y of shape (points, 1), uint8) for one season of kicks."""
    draws = np.random.default_rng([FIELD_SEED, key])

    def draw(lo, hi):  # an integer, lo and hi included
        return int(draws.integers(lo, hi + 1))

    scrambles = [(draw(*FIELD_X), draw(*FIELD_Y)) for _ in range(SCRAMBLES)]
    rows = []
    for _ in range(points):
        x, y = draw(*FIELD_X), draw(*FIELD_Y)
        distance = y - boundary(x)  # along y, in thousandths
        ours = distance < 0
        upset = max(15, 420 - 5 * abs(distance))  # chance in 1000 that the other side wins the ball
        if any((x - cx) ** 2 + (y - cy) ** 2 < SCRAMBLE_RADIUS ** 2 for cx, cy in scrambles):
            upset = 800
        if draw(0, 999) < upset:
            ours = not ours
        rows.append((x, y, int(ours)))
    table = np.array(rows, dtype=np.int64)
    return table[:, :2] / 1000, table[:, 2:].astype(np.uint8)


def write_football(path):
    """Write data.mat: X, y (training season) and Xval, yval (test season), with a fixed header."""
    import io

    import scipy.io

    arrays = {}
    for name, (points, key) in FOOTBALL_SPLITS.items():
        arrays[name], arrays[name.replace("X", "y")] = football_season(points, key)
    stream = io.BytesIO()
    scipy.io.savemat(stream, arrays, format="5", do_compression=False)
    data = stream.getvalue()  # its first 116 bytes are a text with the date of writing: replace them
    Path(path).write_bytes(MAT_HEADER.ljust(116, b" ") + data[116:])


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def build(out):
    """Write all files into `out`; return {file name: sha256}."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    train = make_split("train")
    write_h5(out / "train_catvnoncat.h5", "train", *train)
    write_h5(out / "test_catvnoncat.h5", "test", *make_split("test"))
    contact_sheet(*train).save(out / "contact_sheet.png")
    Image.fromarray(render(Dice(*MY_CAT_KEY), True, size=S, pose="sitting")).save(out / "my_cat.png")
    write_football(out / "data.mat")
    return {name: sha256(out / name) for name in FILES}


def verify(sums):
    recorded = HERE / "SHA256SUMS"
    if not recorded.exists():
        print(f"error: {recorded} is missing; run with --record", file=sys.stderr)
        return 1
    expected = {name: digest for digest, name in (line.split() for line in recorded.read_text().splitlines())}
    bad = [name for name in FILES if expected.get(name) != sums[name]]
    for name in bad:
        print(f"error: {name} differs from SHA256SUMS: the generator is no longer deterministic "
              "or SHA256SUMS is stale (re-run with --record after an intended change)", file=sys.stderr)
    return 1 if bad else 0


def install(built, sums):
    """Copy the files built in `built` into datasets/, keeping data files that an instructor put there."""
    for name in FILES:
        target = HERE / name
        if name.endswith(DATA_FILES) and target.exists() and sha256(target) != sums[name]:
            print(f"kept {target}: it is not the course's generated file (the original course's, or your "
                  "own?), so the notebooks use it; delete it and run again to get the course's file back")
            continue
        shutil.copyfile(built / name, target)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--record", action="store_true", help="(re)write SHA256SUMS")
    mode.add_argument("--check", action="store_true", help="build into a temporary folder and verify")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: next to this script)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or (HERE if args.record else Path(tmp))
        sums = build(out)
        lines = "".join(f"{sums[name]}  {name}\n" for name in FILES)
        print(lines, end="")
        if args.record:
            (out / "SHA256SUMS").write_text(lines)
            return 0
        if verify(sums):
            return 1
        if not (args.check or args.out):
            install(out, sums)
        return 0


if __name__ == "__main__":
    sys.exit(main())
