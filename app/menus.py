"""Menus, actions and DAW-style shortcuts of the main window."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu


@dataclass
class Actions:
    new: QAction
    open: QAction
    save: QAction
    save_as: QAction
    export: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    delete: QAction
    duplicate: QAction
    select_all: QAction
    preferences: QAction
    regenerate: QAction
    render_selected: QAction
    render_all: QAction
    cancel: QAction
    play: QAction
    stop: QAction
    loop: QAction
    home: QAction
    zoom_in: QAction
    zoom_out: QAction
    zoom_fit: QAction
    snapping: QAction
    takes: list[QAction]
    recent_menu: QMenu | None = None


def _action(window: QMainWindow, text: str, slot, shortcuts=(), tip: str = "",
            checkable: bool = False) -> QAction:
    action = QAction(text, window)
    action.setShortcuts([QKeySequence(s) for s in shortcuts])
    action.setToolTip(tip or text)
    action.setStatusTip(tip)
    action.setCheckable(checkable)
    (action.toggled if checkable else action.triggered).connect(slot)
    window.addAction(action)  # shortcuts work wherever the focus is in the window
    return action


def build_actions(window) -> Actions:
    stack_undo = window.undo_group.createUndoAction(window, "Undo")
    stack_undo.setShortcut(QKeySequence.StandardKey.Undo)
    stack_redo = window.undo_group.createRedoAction(window, "Redo")
    stack_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    for action in (stack_undo, stack_redo):
        window.addAction(action)
    a = Actions(
        new=_action(window, "&New", window.new_story, ["Ctrl+N"], "Start a new story"),
        open=_action(window, "&Open…", window.open_dialog, ["Ctrl+O"], "Open a story folder"),
        save=_action(window, "&Save", window.save, ["Ctrl+S"], "Save the story"),
        save_as=_action(window, "Save &As…", window.save_as, ["Ctrl+Shift+S"]),
        export=_action(window, "&Export…", window.export_dialog, ["Ctrl+E"],
                       "Export the master, stems, markers and timeline"),
        quit=_action(window, "&Quit", window.close, ["Ctrl+Q"]),
        undo=stack_undo,
        redo=stack_redo,
        delete=_action(window, "&Delete", window.delete_selected, ["Delete", "Backspace"],
                       "Delete the selected clips"),
        duplicate=_action(window, "D&uplicate", window.duplicate_selected, ["Ctrl+D"],
                          "Duplicate the selected clips after themselves"),
        select_all=_action(window, "Select &All", window.select_all, ["Ctrl+A"]),
        preferences=_action(window, "&Preferences…", window.preferences_dialog, ["Ctrl+,"],
                            "Backends, model folder, loudness target, audio device"),
        regenerate=_action(window, "&Regenerate", window.regenerate_selected, ["R"],
                           "Render the selected clips again with new seeds, as new takes"),
        render_selected=_action(window, "Render &Selected", window.render_selected,
                                ["Shift+R"], "Render the selected clips with their seeds"),
        render_all=_action(window, "Render A&ll", window.render_all, ["Ctrl+R"],
                           "Render every planned, stale or failed clip"),
        cancel=_action(window, "&Cancel Jobs", window.cancel_jobs, ["Escape"],
                       "Cancel planning and rendering"),
        play=_action(window, "&Play / Pause", window.toggle_play, ["Space"]),
        stop=_action(window, "&Stop", window.stop, ["Ctrl+Space"]),
        loop=_action(window, "&Loop", window.set_looping, ["L"], checkable=True),
        home=_action(window, "Go to &Start", window.go_to_start, ["Home"]),
        zoom_in=_action(window, "Zoom &In", window.timeline.view.zoom_in, ["+", "=", "Ctrl++"]),
        zoom_out=_action(window, "Zoom &Out", window.timeline.view.zoom_out, ["-", "Ctrl+-"]),
        zoom_fit=_action(window, "Zoom to &Fit", window.timeline.view.zoom_to_fit, ["F"]),
        snapping=_action(window, "&Snapping", window.set_snapping, ["N"],
                         "Snap clips to other clips, the playhead and the grid",
                         checkable=True),
        takes=[_action(window, f"Use Take {n}", lambda _=False, n=n: window.use_take(n),
                       [str(n)]) for n in range(1, 10)],
    )
    a.snapping.setChecked(True)
    return a


def build_menus(window, a: Actions) -> None:
    bar = window.menuBar()
    file = bar.addMenu("&File")
    file.addActions([a.new, a.open])
    a.recent_menu = file.addMenu("Open &Recent")
    file.addSeparator()
    file.addActions([a.save, a.save_as])
    file.addSeparator()
    file.addAction(a.export)
    file.addSeparator()
    file.addAction(a.quit)
    edit = bar.addMenu("&Edit")
    edit.addActions([a.undo, a.redo])
    edit.addSeparator()
    edit.addActions([a.delete, a.duplicate, a.select_all])
    edit.addSeparator()
    edit.addAction(a.preferences)
    clip = bar.addMenu("&Clip")
    clip.addActions([a.regenerate, a.render_selected, a.render_all, a.cancel])
    takes = clip.addMenu("&Takes")
    takes.addActions(a.takes)
    view = bar.addMenu("&View")
    view.addActions([a.zoom_in, a.zoom_out, a.zoom_fit])
    view.addSeparator()
    view.addAction(a.snapping)
    transport = bar.addMenu("&Transport")
    transport.addActions([a.play, a.stop, a.loop, a.home])
    window.docks_menu = bar.addMenu("&Window")
