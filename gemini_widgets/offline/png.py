"""Real PNG images, written with ``zlib`` and ``struct`` only: a picture for an image prompt,
a bar chart for code that plots.

A drawing is a list of RGB rows; shapes are drawn a row span at a time (a slice assignment),
never a pixel at a time, so a 256x256 picture costs about a millisecond on the server's loop.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Sequence

__all__ = ["Canvas", "bar_chart", "picture_for"]

SIGNATURE = b"\x89PNG\r\n\x1a\n"
Colour = tuple[int, int, int]


class Canvas:
    """An RGB picture with a vertical gradient background."""

    def __init__(self, width: int, height: int, top: Colour, bottom: Colour) -> None:
        self.width, self.height = width, height
        self.rows = [bytearray(bytes(_mix(top, bottom, y / max(1, height - 1))) * width)
                     for y in range(height)]  # fmt: skip

    def rect(self, x0: int, y0: int, x1: int, y1: int, colour: Colour) -> None:
        """Fill [x0, x1) x [y0, y1), clipped to the canvas."""
        x0, x1 = max(0, x0), min(self.width, x1)
        for y in range(max(0, y0), min(self.height, y1)):
            if x0 < x1:
                self.rows[y][x0 * 3 : x1 * 3] = bytes(colour) * (x1 - x0)

    def circle(self, cx: int, cy: int, radius: int, colour: Colour) -> None:
        for y in range(cy - radius, cy + radius + 1):
            half = int((radius * radius - (y - cy) ** 2) ** 0.5)
            self.rect(cx - half, y, cx + half + 1, y + 1, colour)

    def png(self) -> bytes:
        # Filter type 0 (None) on every row: smaller files are not the point here.
        raw = b"".join(b"\x00" + bytes(row) for row in self.rows)
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)  # 8-bit RGB
        return (
            SIGNATURE
            + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 6))
            + (_chunk(b"IEND", b""))
        )


def picture_for(prompt: str, size: int = 256) -> bytes:
    """Sky, ground, a sun and a few shapes, in colours and places taken from the prompt's hash:
    the same prompt always draws the same picture."""
    seed = hashlib.sha256(prompt.encode()).digest()
    # Wrapped: five shapes read up to byte 34 of the 32 the hash has.
    colour = lambda i: tuple(seed[(i + k) % len(seed)] for k in range(3))  # noqa: E731
    canvas = Canvas(size, size, _mix(colour(0), (255, 255, 255), 0.5), colour(3))
    horizon = size // 2 + seed[6] % (size // 4)
    canvas.rect(0, horizon, size, size, _mix(colour(7), (0, 0, 0), 0.3))
    canvas.circle(size // 5 + seed[10] % (size // 2), size // 5, size // 10, (255, 214, 90))
    for i in range(3 + seed[11] % 3):
        x, width = seed[12 + i] % size, size // 8 + seed[17 + i] % (size // 6)
        canvas.rect(x, horizon - width, x + width, horizon, colour(20 + 3 * i))
    return canvas.png()


def bar_chart(values: Sequence[float], size: int = 256) -> bytes:
    """One bar per value on a light background, scaled to the largest magnitude (negative
    values hang below a middle axis)."""
    canvas = Canvas(size, size, (250, 250, 252), (236, 238, 244))
    margin, count = size // 16, max(1, len(values))
    biggest = max((abs(v) for v in values), default=1) or 1
    axis = size // 2 if any(v < 0 for v in values) else size - margin
    room = axis - margin
    slot = (size - 2 * margin) // count
    for i, value in enumerate(values):
        x = margin + i * slot + slot // 8
        height = round(abs(value) / biggest * room)
        top, bottom = (axis - height, axis) if value >= 0 else (axis, axis + height)
        canvas.rect(x, top, x + max(1, slot * 3 // 4), bottom, (66, 133, 244))
    canvas.rect(margin, axis, size - margin, axis + 1, (60, 64, 67))
    return canvas.png()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t),
            round(a[2] + (b[2] - a[2]) * t))  # fmt: skip
