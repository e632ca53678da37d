#!/usr/bin/env python3
"""Draw the app icon's PNG sizes (desktop entry, window icon) and the Windows .ico from
resources/icons/audiostory.svg. Run after editing the SVG; the results are committed.

    .venv/bin/python installers/make_icons.py
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (needed)
    renderer = QSvgRenderer(str(ICONS / "audiostory.svg"))
    if not renderer.isValid():
        print("make_icons: the SVG does not parse", file=sys.stderr)
        return 1
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = ICONS / f"audiostory-{size}.png"
        if not image.save(str(path)):
            print(f"make_icons: cannot write {path}", file=sys.stderr)
            return 1
        written.append(path)
    from PIL import Image  # HPND licence; a dependency of the test tools, not of the app

    largest = Image.open(ICONS / "audiostory-256.png")
    largest.save(ICONS / "audiostory.ico", sizes=[(s, s) for s in SIZES if s <= 256])
    for path in [*written, ICONS / "audiostory.ico"]:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
