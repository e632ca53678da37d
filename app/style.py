"""Look and feel: a dark Fusion palette as in DAWs, and the colours of track kinds."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

KIND_COLOURS = {
    "ambience": QColor("#3aa39a"),
    "effects": QColor("#d9853b"),
    "music": QColor("#9a7ad6"),
    "speech": QColor("#4a8fd8"),
}
STATE_COLOURS = {
    "planned": QColor("#8a8f98"),
    "queued": QColor("#4fc3f7"),
    "rendering": QColor("#4fc3f7"),
    "rendered": QColor("#7bd88f"),
    "stale": QColor("#f2c14e"),
    "failed": QColor("#ef5350"),
}
BACKGROUND = QColor("#1e2026")
LANE_EVEN = QColor("#23262d")
LANE_ODD = QColor("#272a32")
GRID = QColor("#343844")
GRID_MAJOR = QColor("#444958")
TEXT = QColor("#e6e8ee")
TEXT_DIM = QColor("#9aa0ac")
PLAYHEAD = QColor("#ff5a5f")
LOOP = QColor(80, 160, 255, 50)
SCENE_LINE = QColor(210, 190, 120, 120)
SCENE_LINE_STYLE = Qt.PenStyle.DashLine
SCENE_BANDS = (QColor("#3b3550"), QColor("#2f4150"))  # alternate scenes on the ruler
SCENE_SELECTED = QColor("#5a4f86")
SELECTION = QColor("#ffffff")
LANE_HEIGHT = 72
RULER_HEIGHT = 44
SCENE_BAND_HEIGHT = 17  # the top of the ruler: one block per scene
HEADER_WIDTH = 168


def apply_dark_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2e36", QPalette.ColorRole.WindowText: "#e6e8ee",
        QPalette.ColorRole.Base: "#1e2026", QPalette.ColorRole.AlternateBase: "#262930",
        QPalette.ColorRole.ToolTipBase: "#32363f", QPalette.ColorRole.ToolTipText: "#e6e8ee",
        QPalette.ColorRole.Text: "#e6e8ee", QPalette.ColorRole.Button: "#353944",
        QPalette.ColorRole.ButtonText: "#e6e8ee", QPalette.ColorRole.BrightText: "#ff5a5f",
        QPalette.ColorRole.Highlight: "#3d7bd9", QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: "#7c828e", QPalette.ColorRole.Link: "#6aa7ff",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b707c"))
    app.setPalette(palette)
    app.setStyleSheet("""
        QToolTip { border: 1px solid #4a4f5c; padding: 4px; }
        QGroupBox { font-weight: 600; border: 1px solid #3a3e49; border-radius: 6px;
                    margin-top: 14px; padding-top: 6px; }
        QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; }
        QPushButton { padding: 5px 12px; border-radius: 4px; border: 1px solid #4a4f5c;
                      background: #3a3f4b; }
        QPushButton:hover { background: #444a58; }
        QPushButton:pressed { background: #2f333d; }
        QPushButton#primary { background: #3d7bd9; border-color: #4d8be9; color: white;
                              font-weight: 600; }
        QPushButton#primary:hover { background: #4a88e6; }
        QPushButton:disabled, QPushButton#primary:disabled { background: #2c2f37;
                              border-color: #383c46; color: #6b707c; }
        QToolButton { border-radius: 4px; padding: 3px; }
        QToolButton:checked { background: #3d7bd9; color: white; }
        QDockWidget::title { padding: 6px; background: #30343d; }
        QStatusBar { background: #25282f; }
        QSplitter::handle { background: #1a1c21; }
    """)
