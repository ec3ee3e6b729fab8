"""Logo files for the company profile tests, drawn with Pillow: a real PNG and JPEG, and the
files a user might pick by mistake (a GIF, a truncated PNG, a photo of more than 1 MB)."""

from __future__ import annotations

import io
import os

from PIL import Image, ImageDraw

NAVY, GOLD = (31, 58, 95), (240, 180, 40)


def logo(fmt: str = "PNG", size: tuple[int, int] = (360, 120)) -> bytes:
    """A navy block with a gold disc and the firm's initials: what a small firm's logo is."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[1], size[1]), fill=NAVY)
    draw.ellipse((size[1] // 6, size[1] // 6, size[1] * 5 // 6, size[1] * 5 // 6), fill=GOLD)
    draw.text((size[1] + 16, size[1] // 2 - 6), "ATELIER DUPUIS", fill=NAVY)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def noise_png(side: int = 700) -> bytes:
    """Random pixels do not compress: a PNG of about 1.4 MB."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, format="PNG")
    return buffer.getvalue()
