"""Starting the editor: the QApplication, the theme, the main window."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from . import style
from .main_window import MainWindow
from .settings import APP_NAME, AppSettings

ICON = Path(__file__).resolve().parent.parent / "resources" / "icons" / "audiostory.svg"


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))
    style.apply_dark_theme(app)
    return app


def run(project: str | None = None) -> int:
    app = make_application()
    window = MainWindow(AppSettings(), project)
    window.show()
    return app.exec()
