"""Starting the editor: the QApplication, the theme, the main window."""
from __future__ import annotations

import sys

from PySide6.QtGui import QIcon, QPixmapCache
from PySide6.QtWidgets import QApplication

from app import style
from app.main_window import MainWindow
from app.settings import AppSettings
from engine.locations import APP_NAME, resource_path
from engine.logs import log_to_file

ICON = resource_path("icons", "audiostory.svg")


PIXMAP_CACHE_KB = 256 * 1024  # rendered clips are cached as pixmaps (see ClipItem)
GIL_SWITCH_S = 0.001


def make_application(argv: list[str] | None = None) -> QApplication:
    # Worker threads (renders, peaks) run Python too; the GUI thread takes the GIL for every
    # Python paint or slot call, and waits up to the switch interval each time. A short
    # interval keeps those waits well under a frame.
    sys.setswitchinterval(GIL_SWITCH_S)
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    QPixmapCache.setCacheLimit(PIXMAP_CACHE_KB)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setWindowIcon(app_icon())
    style.apply_dark_theme(app)
    return app


def open_main_window(project: str | None = None, settings: AppSettings | None = None,
                     **options) -> MainWindow:
    """The editor's window, shown, with `project` open if it can be. Whatever went wrong
    on the way (a damaged project or autosave, missing takes) is shown in one message once
    the window is up: the editor always starts, on a new story if it has to."""
    window = MainWindow(settings or AppSettings(), project, **options)
    window.show()
    problems = window.projects.take_unheard()
    if problems:
        window.show_error("\n\n".join(problems))
    return window
def app_icon() -> QIcon:
    """The drawn sizes (no SVG plugin needed) and the SVG for any other size."""
    icon = QIcon()
    for png in sorted(ICON.parent.glob("audiostory-*.png")):
        icon.addFile(str(png))
    if ICON.exists():
        icon.addFile(str(ICON))
    return icon


def run(project: str | None = None) -> int:
    log_to_file("editor.log")  # worker tracebacks; the user sees one clear message
    app = make_application()
    window = open_main_window(project)  # noqa: F841 (kept alive while the app runs)
    return app.exec()
