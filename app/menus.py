"""Menus, actions and DAW-style shortcuts of the main window."""
from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from engine.model.story import TrackKind


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
    copy: QAction
    cut: QAction
    paste: QAction
    split: QAction
    nudge_left: QAction
    nudge_right: QAction
    nudge_frame_left: QAction
    nudge_frame_right: QAction
    preferences: QAction
    regenerate: QAction
    regenerate_scene: QAction
    render_selected: QAction
    render_all: QAction
    cancel: QAction
    play: QAction
    stop: QAction
    loop: QAction
    home: QAction
    audition: QAction
    audition_context: QAction
    follow: QAction
    zoom_in: QAction
    zoom_out: QAction
    zoom_fit: QAction
    taller: QAction
    shorter: QAction
    fit_tracks: QAction
    snapping: QAction
    takes: list[QAction]
    add_tracks: list[QAction] = field(default_factory=list)
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
    view = window.timeline.view
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
        copy=_action(window, "&Copy", window.copy_selected, ["Ctrl+C"], "Copy the selected clips"),
        cut=_action(window, "Cu&t", window.cut_selected, ["Ctrl+X"], "Cut the selected clips"),
        paste=_action(window, "&Paste", window.paste, ["Ctrl+V"],
                      "Paste clips at the playhead"),
        split=_action(window, "&Split at Playhead", window.split_at_playhead, ["S"],
                      "Split the selected clips (or every clip under the playhead) in two"),
        nudge_left=_action(window, "Nudge Left", lambda: window.nudge(-1, "grid"), ["Left"],
                           "Move the selected clips one grid step earlier"),
        nudge_right=_action(window, "Nudge Right", lambda: window.nudge(1, "grid"), ["Right"],
                            "Move the selected clips one grid step later"),
        nudge_frame_left=_action(window, "Nudge Left by a Frame",
                                 lambda: window.nudge(-1, "frame"), ["Ctrl+Left"],
                                 "Move the selected clips one frame (1/30 s) earlier"),
        nudge_frame_right=_action(window, "Nudge Right by a Frame",
                                  lambda: window.nudge(1, "frame"), ["Ctrl+Right"],
                                  "Move the selected clips one frame (1/30 s) later"),
        preferences=_action(window, "&Preferences…", window.preferences_dialog, ["Ctrl+,"],
                            "Backends, model folder, loudness target, audio device"),
        regenerate=_action(window, "&Regenerate", window.regenerate_selected, ["R"],
                           "Render the selected clips again with new seeds, as new takes"),
        regenerate_scene=_action(window, "Regenerate Sce&ne", window.regenerate_scene,
                                 ["Ctrl+G"], "New takes for every clip of the selected scene "
                                 "(or the scene of the selected clip), in context"),
        render_selected=_action(window, "Render &Selected", window.render_selected,
                                ["Shift+R"], "Render the selected clips with their seeds"),
        render_all=_action(window, "Render A&ll", window.render_all, ["Ctrl+R"],
                           "Render every planned, stale or failed clip"),
        cancel=_action(window, "&Cancel Jobs", window.cancel_jobs, ["Escape"],
                       "Cancel planning and rendering; stop an audition"),
        play=_action(window, "&Play / Pause", window.playback.toggle_play, ["Space"]),
        stop=_action(window, "&Stop", window.playback.stop, ["Ctrl+Space"]),
        loop=_action(window, "&Loop", window.playback.set_looping, ["L"], checkable=True),
        home=_action(window, "Go to &Start", window.playback.go_to_start, ["Home"]),
        audition=_action(window, "&Audition Clip", window.playback.audition_selected, ["A"],
                         "Play the selected clip alone"),
        audition_context=_action(window, "Audition with &Pre-roll",
                                 window.playback.audition_in_context, ["Shift+A"],
                                 "Play the mix from 2 s before the selected clip to its end"),
        follow=_action(window, "&Follow Playhead", window.playback.set_follow, ["Ctrl+F"],
                       "Page the view along with the playhead while playing", checkable=True),
        zoom_in=_action(window, "Zoom &In", view.zoom_in, ["+", "=", "Ctrl++"]),
        zoom_out=_action(window, "Zoom &Out", view.zoom_out, ["-", "Ctrl+-"]),
        zoom_fit=_action(window, "Zoom to &Fit", view.zoom_to_fit, ["F"]),
        taller=_action(window, "&Taller Tracks", lambda: window.change_track_height(1.25),
                       ["Ctrl+Up"]),
        shorter=_action(window, "S&horter Tracks", lambda: window.change_track_height(0.8),
                        ["Ctrl+Down"]),
        fit_tracks=_action(window, "Fit &All Tracks", view.fit_tracks, ["Shift+F"],
                           "Make every track fit in the timeline's height"),
        snapping=_action(window, "&Snapping", window.set_snapping, ["N"],
                         "Snap clips to other clips, the playhead, scenes and the grid",
                         checkable=True),
        takes=[_action(window, f"Use Take {n}", lambda _=False, n=n: window.use_take(n),
                       [str(n)]) for n in range(1, 10)],
    )
    a.add_tracks = [_action(window, f"Add {kind.value.capitalize()} Track",
                            lambda _=False, k=kind: window.add_track(k))
                    for kind in TrackKind]
    # the arrow keys nudge clips only while the timeline has the focus: elsewhere they move
    # sliders, cursors and list selections as usual
    for action in (a.nudge_left, a.nudge_right, a.nudge_frame_left, a.nudge_frame_right):
        window.removeAction(action)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        view.addAction(action)
    a.snapping.setChecked(True)
    a.follow.setChecked(True)
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
    edit.addActions([a.cut, a.copy, a.paste, a.delete, a.duplicate, a.select_all])
    edit.addSeparator()
    edit.addActions([a.split, a.nudge_left, a.nudge_right, a.nudge_frame_left,
                     a.nudge_frame_right])
    edit.addSeparator()
    edit.addAction(a.preferences)
    clip = bar.addMenu("&Clip")
    clip.addActions([a.regenerate, a.regenerate_scene, a.render_selected, a.render_all,
                     a.cancel])
    clip.addSeparator()
    clip.addActions([a.audition, a.audition_context])
    takes = clip.addMenu("&Takes")
    takes.addActions(a.takes)
    track = bar.addMenu("Trac&k")
    track.addActions(a.add_tracks)
    track.addSeparator()
    track.addActions([a.taller, a.shorter, a.fit_tracks])
    view = bar.addMenu("&View")
    view.addActions([a.zoom_in, a.zoom_out, a.zoom_fit])
    view.addSeparator()
    view.addActions([a.snapping, a.follow])
    transport = bar.addMenu("&Transport")
    transport.addActions([a.play, a.stop, a.loop, a.home])
    window.docks_menu = bar.addMenu("&Window")
