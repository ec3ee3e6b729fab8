"""The application icon: resources/icons/collecta.svg, with PNG and ICO renderings made from it.

`python -m app.views.icons` renders collecta.png (256 px) and collecta.ico (16–256 px) with Qt,
so the installer and platforms without SVG support have raster versions of the same drawing.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from app.config import resources_dir

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def icons_dir() -> Path:
    return resources_dir() / "icons"


def app_icon() -> QIcon:
    icon = QIcon()
    svg, png = icons_dir() / "collecta.svg", icons_dir() / "collecta.png"
    if png.is_file():
        icon.addFile(str(png), QSize(256, 256))
    if svg.is_file():
        for size in ICON_SIZES:
            icon.addPixmap(QIcon(str(svg)).pixmap(size, size))
    return icon


def render(svg: Path, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    return image


def render_icon_files(folder: Path) -> list[Path]:
    """Write collecta.png and collecta.ico next to collecta.svg; returns the written paths."""
    svg = folder / "collecta.svg"
    png, ico = folder / "collecta.png", folder / "collecta.ico"
    if not render(svg, 256).save(str(png)):  # the format follows the .png suffix
        raise OSError(f"Qt could not write {png}")
    ico.write_bytes(ico_bytes([_png_bytes(render(svg, size)) for size in ICON_SIZES],
                              ICON_SIZES))
    return [png, ico]


def _png_bytes(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub wants bytes, Qt str
    return bytes(buffer.data().data())


def ico_bytes(pngs: list[bytes], sizes: tuple[int, ...]) -> bytes:
    """A Windows .ico holding one PNG-compressed image per size (Vista and later read these);
    Qt's own ICO writer stores a single uncompressed image."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in zip(sizes, pngs, strict=True):
        side = 0 if size >= 256 else size  # 0 means 256 in the ICO directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


if __name__ == "__main__":
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication(sys.argv[:1])
    for written in render_icon_files(icons_dir()):
        print(written)
