"""The main window: it composes the panels and routes user commands; the work lives in the
controllers (engine, project, import, clip editing, playback) and the model changes in undo
commands."""
from __future__ import annotations

import os
import random
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QFrame,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QWidget,
)

from app.audio.mix_player import MixPlayer
from app.audio.peak_cache import PeakCache
from app.audio.playback import Player
from app.controllers.clip_editing import FRAME_S, ClipEditor
from app.controllers.engine_controller import EngineController
from app.controllers.import_controller import ImportController
from app.controllers.playback_controller import PlaybackController
from app.controllers.project_controller import ProjectController
from app.controllers.workers import Job, JobLane, ProcessLane, QuickPool
from app.document.edits import AddEvents, RemoveEvents
from app.document.story_document import StoryDocument
from app.document.timeline_edits import RetimeScene, SetSceneFields
from app.heap import settle_heap
from app.menus import build_actions, build_menus
from app.panels.inspector import Inspector
from app.panels.library_panel import LibraryPanel
from app.panels.scene_list import SceneList
from app.panels.story_panel import StoryPanel
from app.panels.transport import TransportBar
from app.regions import install_regions
from app.settings import AppSettings
from app.timeline.snapping import grid_step_samples
from app.timeline.widget import TimelineWidget
from engine.locations import APP_NAME
from engine.model.story import TrackKind
from engine.render.pool import worker_count

LEFT_PANEL_MIN_PX = 170
INSPECTOR_MIN_PX = 196
TIMELINE_SHARE = 0.6  # the side panels give way so the timeline keeps this much of the width
SUMMARY_STATES = ("rendered", "rendering", "queued", "planned", "stale", "failed")


class MainWindow(QMainWindow):
    def __init__(self, settings: AppSettings, project: str | Path | None = None,
                 scratch: Path | None = None, recover: bool = True, ask=None,
                 output_stream=None) -> None:
        super().__init__()
        self.settings = settings
        self.render_lane = JobLane("render-lane", self)
        self.file_lane = JobLane("file-lane", self)
        self.quick_pool = QuickPool(2, self)
        self.peaks = PeakCache(self.quick_pool, self)
        self.player = Player(settings.audio_device, self, stream_factory=output_stream)
        self.undo_group = QUndoGroup(self)
        self.projects = ProjectController(self, settings, self.file_lane, scratch)
        if ask is not None:  # how questions are put to the user (tests answer them)
            self.projects.ask = ask
        document = self._first_document(project, recover)
        self.processes = self._process_lane()
        self.engine = EngineController(document, self.render_lane, self, self.processes)
        self.engine.generator_name = settings.generator
        self.imports = ImportController(self.file_lane, self)
        self._apply_planner_settings()
        self._apply_model_folder()
        self.mix = MixPlayer(document, self.player, self.quick_pool, self)
        self._build_widgets(document)
        self.playback = PlaybackController(self.player, self.mix, self.timeline, self.transport,
                                           lambda: self.document, self.selected,
                                           self.show_message, self)
        self.actions = build_actions(self)
        build_menus(self, self.actions)
        self._build_window_menu()
        self._connect()
        self._set_document(document)
        self.regions = install_regions(self)  # regenerate a region, extend, vary
        self.resize(1280, 800)
        self.resizeDocks(self.docks, [LEFT_PANEL_MIN_PX + 40, INSPECTOR_MIN_PX + 60],
                         Qt.Orientation.Horizontal)
        if not self.player.available:
            self.transport.disable_playback(self.player.unavailable_reason)
            for action in (self.actions.play, self.actions.audition,
                           self.actions.audition_context):
                action.setEnabled(False)
        self.render_lane.submit(Job(self._warm_up, "Loading the sound engine",
                                    on_done=lambda _: settle_heap()))

    def _process_lane(self) -> ProcessLane | None:
        """Worker processes for renders where the machine has cores to spare for them."""
        count = self.settings.render_processes or worker_count(os.cpu_count() or 1)
        return ProcessLane(count, (self.settings.generator,), self) if count > 1 else None

    def _warm_up(self, progress, cancel) -> None:
        """Load the default generator and the embedding model before the first render needs
        them (in the render lane, so the window is usable meanwhile)."""
        from engine.generation import get_generator
        from engine.text.embeddings import encoder

        if self.processes is not None:  # first: the workers load the engine meanwhile, and
            self.processes.start()      # the first render never waits for them to start
        encoder()
        generator = get_generator(self.settings.generator)
        if hasattr(generator, "warm_up"):  # cheap backends prepare fully; models load on use
            generator.warm_up()

    def _first_document(self, project, recover: bool) -> StoryDocument:
        if project is not None:
            document = self.projects.open(project)
            if document is not None:
                return document
        if recover:
            document = self.projects.recover_scratch()
            if document is not None:
                return document
        return self.projects.new_document()

    # -- building ----------------------------------------------------------------------
    def _build_widgets(self, document: StoryDocument) -> None:
        self.timeline = TimelineWidget(document, self.peaks, self)
        self.timeline.scene.default_generator = self.settings.generator
        self.setCentralWidget(self.timeline)
        self.story_panel = StoryPanel()
        self.story_panel.select(self.settings.planner, self.settings.generator)
        self.scene_list = SceneList(document)
        left = self.left_tabs = QTabWidget()
        left.addTab(self.story_panel, "Story")
        left.addTab(self.scene_list, "Scenes")
        self.library_panel = LibraryPanel(self.quick_pool, self.settings.audio_device)
        left.addTab(self.library_panel, "Library")
        self.inspector = Inspector(document, self.peaks)
        self.story_dock = self._dock("Story", left, Qt.DockWidgetArea.LeftDockWidgetArea,
                                     LEFT_PANEL_MIN_PX)
        self.inspector_dock = self._dock("Inspector", VerticalScroll(self.inspector,
                                                                     INSPECTOR_MIN_PX),
                                         Qt.DockWidgetArea.RightDockWidgetArea)
        self.docks = [self.story_dock, self.inspector_dock]
        self.transport = TransportBar()
        toolbar = self.addToolBar("Transport")
        toolbar.setObjectName("transport")
        toolbar.setMovable(False)
        toolbar.addWidget(self.transport)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(200)
        self.progress.setTextVisible(False)
        self.progress_label = QLabel("")
        self.batch_label = QLabel("")
        self.batch_label.setStyleSheet("color: #4fc3f7; padding: 0 6px;")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Cancel planning and rendering (Esc)")
        self.cancel_button.clicked.connect(self.cancel_jobs)
        self.summary = QLabel("")
        self.summary.setStyleSheet("color: #9aa0ac; padding: 0 8px;")
        self.summary_timer = QTimer(self)
        self.summary_timer.setSingleShot(True)
        self.summary_timer.setInterval(200)
        self.summary_timer.timeout.connect(self._update_summary)
        status = self.statusBar()
        status.addPermanentWidget(self.summary)
        status.addPermanentWidget(self.batch_label)
        status.addPermanentWidget(self.progress_label)
        status.addPermanentWidget(self.progress)
        status.addPermanentWidget(self.cancel_button)
        self._show_busy(False)

    def _dock(self, title: str, widget: QWidget, area, width: int = 0) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        if width:
            widget.setMinimumWidth(width)
        self.addDockWidget(area, dock)
        return dock

    def _build_window_menu(self) -> None:
        for dock, shortcut in ((self.story_dock, "Ctrl+Alt+S"),
                               (self.inspector_dock, "Ctrl+Alt+I")):
            toggle = dock.toggleViewAction()
            toggle.setText(f"{dock.windowTitle()} Panel")
            toggle.setShortcut(QKeySequence(shortcut))
            toggle.setToolTip(f"Show or hide the {dock.windowTitle()} panel ({shortcut})")
            self.addAction(toggle)
            self.docks_menu.addAction(toggle)

    def _connect(self) -> None:
        self.projects.documentChanged.connect(self._set_document)
        self.projects.message.connect(self.show_message)
        self.projects.error.connect(self.show_error)
        self.engine.message.connect(self.show_message)
        self.engine.error.connect(self.show_error)
        self.engine.busyChanged.connect(self._show_busy)
        self.engine.progress.connect(self._show_progress)
        # at most 20 updates a second, never inside the click that queued the renders: a
        # progress bar repaints at once, and takes the timeline's pending paint with it
        self._batch_update = QTimer(self, singleShot=True, interval=50)
        self._batch_update.timeout.connect(self._show_batch)
        self.engine.batchChanged.connect(
            lambda: None if self._batch_update.isActive() else self._batch_update.start())
        self.engine.planApplied.connect(self._refit)
        self.engine.planApplied.connect(lambda: QTimer.singleShot(0, settle_heap))
        self.imports.imported.connect(lambda ids: self.timeline.scene.select_events(ids))
        self.imports.error.connect(self.show_error)
        self.imports.message.connect(self.show_message)
        self.mix.message.connect(self.show_message)
        self.story_panel.planRequested.connect(self.plan)
        self.story_panel.renderAllRequested.connect(self.render_all)
        self.story_panel.plannerChanged.connect(self._planner_changed)
        self.story_panel.generatorChanged.connect(self._generator_changed)
        scene = self.timeline.scene
        scene.selectionChanged.connect(self._selection_changed)
        scene.clipActivated.connect(self._focus_caption)
        scene.clipMenuRequested.connect(self._clip_menu)
        scene.message.connect(self.show_error)
        scene.filesDropped.connect(self._files_dropped)
        ruler = self.timeline.ruler
        ruler.sceneClicked.connect(self.select_scene)
        ruler.sceneActivated.connect(self.rename_scene)
        ruler.sceneBoundaryMoved.connect(self.move_scene_boundary)
        self.scene_list.eventActivated.connect(self.reveal_event)
        self.library_panel.message.connect(self.show_message)
        self.library_panel.attach(self.document, self.engine, self.timeline)
        self.scene_list.sceneSelected.connect(self.select_scene)
        self.scene_list.regenerateSceneRequested.connect(self.regenerate_scene)
        self.scene_list.renameSceneRequested.connect(self.rename_scene)
        self.inspector.regenerateRequested.connect(self.regenerate_selected)
        self.inspector.renderRequested.connect(self.render_selected)
        self.inspector.auditionRequested.connect(self.mix.audition)
        self.transport.loopToggled.connect(self.actions.loop.setChecked)

    # -- document ----------------------------------------------------------------------
    @property
    def document(self) -> StoryDocument:
        return self.projects.document

    def _set_document(self, document: StoryDocument) -> None:
        previous = getattr(self, "_shown_document", None)
        if previous is not None and previous is not document:
            for signal, slot in self._document_connections(previous):
                signal.disconnect(slot)
        self._shown_document = document
        self.undo_group.addStack(document.undo_stack)
        self.undo_group.setActiveStack(document.undo_stack)
        self.engine.set_document(document)
        self.timeline.set_document(document)
        self.inspector.set_document(document)
        self.scene_list.set_document(document)
        self.library_panel.set_document(document)
        self.mix.set_document(document)
        self.clips = ClipEditor(document)
        self.story_panel.set_story(document.story.prompt, document.story.duration_s)
        for signal, slot in self._document_connections(document):
            signal.connect(slot)
        self.actions.loop.setChecked(False)
        self.playback.reset()
        self._update_summary()
        self._update_title()
        self._refresh_recent()
        self._refit()
        QTimer.singleShot(0, settle_heap)  # once the story's items exist

    def _document_connections(self, document: StoryDocument):
        connections = [(document.modifiedChanged, self._update_title),
                       (document.projectChanged, self._update_title),
                       (document.storyReset, self._story_reset)]
        for signal in (document.storyReset, document.eventsAdded, document.eventsRemoved,
                       document.clipStateChanged, document.eventChanged):
            connections.append((signal, self.summary_timer.start))
        return connections

    def _story_reset(self) -> None:
        """A plan or a recovery replaced the timeline: length, transport and view follow."""
        story = self.document.story
        self.story_panel.set_story(story.prompt, story.duration_s)
        if self.player.position > story.duration:
            self.playback.seek(0)
        self.playback.position_changed(self.player.position)

    def _refit(self) -> None:
        """Show the whole story (after Plan, New, Open), once the layout has settled."""
        self.timeline.view.fitted = True
        QTimer.singleShot(0, self._fit_now)

    def _fit_now(self) -> None:
        self.timeline.view.fit_story()

    def _update_summary(self) -> None:
        """How many clips, and how many still need a render."""
        document = self.document
        counts: dict[str, int] = {}
        for event in document.story.events:
            state = document.state(event.id).value
            counts[state] = counts.get(state, 0) + 1
        parts = [f"{len(document.story.events)} clips"] + [
            f"{counts[s]} {s}" for s in SUMMARY_STATES if counts.get(s)]
        self.summary.setText(" · ".join(parts))

    def _update_title(self) -> None:
        document = self.document
        name = "Untitled" if document.untitled else document.project.folder.name
        self.setWindowTitle(f"{name}[*] — {APP_NAME}")
        self.setWindowModified(document.modified)

    def _refresh_recent(self) -> None:
        menu = self.actions.recent_menu
        menu.clear()
        for folder in self.settings.recent_projects():
            menu.addAction(folder, lambda f=folder: self.open_project(f))
        menu.setEnabled(bool(menu.actions()))

    # -- file --------------------------------------------------------------------------
    def new_story(self) -> None:
        if self.projects.confirm_close():
            self.projects.new_document()

    def open_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open story (a NAME.story folder)",
                                                  str(self.settings.start_folder()))
        if folder:
            self.open_project(folder)

    def open_project(self, folder: str) -> None:
        if self.projects.confirm_close():
            self.projects.open(folder)

    def save(self) -> None:
        self.projects.save()

    def save_as(self) -> None:
        self.projects.save_as()

    def export_dialog(self) -> None:
        from app.dialogs.export_dialog import ExportDialog

        ExportDialog(self.document, self.render_lane, self.settings.loudness_target, self,
                     folder=self.settings.start_folder()).exec()

    def preferences_dialog(self) -> None:
        from app.dialogs.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self)
        if dialog.exec():
            if dialog.library_changed:
                self.library_panel.rescan()
            self.story_panel.select(self.settings.planner, self.settings.generator)
            self._apply_planner_settings()
            self._apply_model_folder()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self._keep_timeline_share)

    def _keep_timeline_share(self) -> None:
        """Narrow windows: shrink the side panels (not below their minimum widths) so the
        timeline keeps at least 60 % of the window's width."""
        shown = [dock for dock in self.docks if dock.isVisible() and not dock.isFloating()]
        if not shown:
            return
        allowed = self.width() * (1 - TIMELINE_SHARE) - 8 * len(shown)
        widths = [dock.width() for dock in shown]
        if sum(widths) <= allowed:
            return
        minimums = [dock.widget().minimumWidth() for dock in shown]
        spare = max(sum(widths) - sum(minimums), 1)
        cut = sum(widths) - allowed
        targets = [max(int(w - cut * (w - m) / spare), m) for w, m in zip(widths, minimums)]
        self.resizeDocks(shown, targets, Qt.Orientation.Horizontal)

    def closeEvent(self, event) -> None:
        if not self.projects.confirm_close():
            event.ignore()
            return
        self.player.stop()
        self.clips.release_clipboard(QApplication.clipboard())
        self.library_panel.shutdown()
        self.render_lane.shutdown()
        if self.processes is not None:
            self.processes.shutdown()
        self.file_lane.shutdown()
        self.quick_pool.wait(3000)
        event.accept()

    # -- planning and rendering --------------------------------------------------------
    def plan(self, prompt: str, duration_s: float) -> None:
        story = self.document.story
        # the first plan is reproducible; planning again asks a sampling planner for another
        replanning = bool(story.events)
        if replanning and (self.document.modified or any(e.takes for e in story.events)):
            choice = self.projects.ask(
                "Replace the timeline?",
                f"Planning again replaces all {len(story.events)} clips on the timeline, "
                "with their edits and takes. Undo (Ctrl+Z) brings them back.",
                ("Replace", "Cancel"))
            if choice != "Replace":
                return
        seed = random.randrange(1, 2 ** 31) if replanning else story.seed or 1
        self.engine.plan(prompt, duration_s, seed)

    def render_all(self) -> None:
        if not self.engine.render_stale():
            self.show_message("Every clip is rendered and up to date")

    def render_selected(self) -> None:
        self.engine.render(self.selected())

    def regenerate_selected(self) -> None:
        self.engine.render(self.selected(), new_seed=True)

    def regenerate_scene(self, scene_id: str | None = None) -> None:
        """New takes for every clip of a scene (the one picked on the ruler, or the scene
        of the first selected clip)."""
        story = self.document.story
        if not isinstance(scene_id, str) or not scene_id:
            scene_id = self.timeline.ruler.selected_scene
            if scene_id is None and self.selected():
                scene_id = story.event(self.selected()[0]).scene_id
        if scene_id is None or not any(s.id == scene_id for s in story.scenes):
            self.show_message("Select a scene (click it on the ruler) or one of its clips")
            return
        jobs = self.engine.render_scene(scene_id)
        self.show_message(f"Regenerating “{story.scene(scene_id).title or 'scene'}”: "
                          f"{len(jobs)} clips")

    def cancel_jobs(self) -> None:
        """Esc: a drag in progress snaps back; else an audition stops, and planning and
        rendering are cancelled."""
        drag = self.timeline.scene.drag
        if drag.gesture is not None:
            drag.cancel()
            return
        if self.player.auditioning:
            self.player.stop()
        self.engine.cancel()

    def _planner_changed(self, name: str) -> None:
        self.settings.planner = name
        self._apply_planner_settings()

    def _apply_model_folder(self) -> None:
        """The models folder the user chose is where the engine looks for checkpoints."""
        from engine.checkpoints.resolve import MODELS_DIR_ENV

        if self.settings.model_folder:
            os.environ[MODELS_DIR_ENV] = self.settings.model_folder

    def _apply_planner_settings(self) -> None:
        self.engine.planner_name = self.settings.planner
        self.engine.planner_options = {"model": self.settings.planner_model,
                                       "base_url": self.settings.planner_base_url}

    def _generator_changed(self, name: str) -> None:
        self.engine.generator_name = name
        self.timeline.scene.default_generator = name
        self.settings.generator = name

    # -- scenes ------------------------------------------------------------------------
    def select_scene(self, scene_id: str, additive: bool = False) -> None:
        ids = [e.id for e in self.document.story.events_in(scene_id)]
        if additive:
            ids = list(dict.fromkeys(self.selected() + ids))
        self.timeline.scene.select_events(ids)
        self.timeline.ruler.set_selected_scene(scene_id)

    def rename_scene(self, scene_id: str, title: str | None = None) -> None:
        scene = self.document.story.scene(scene_id)
        if title is None:
            title, ok = QInputDialog.getText(self, "Rename scene", "Scene title:",
                                             text=scene.title)
            if not ok:
                return
        title = " ".join(title.split())[:120]
        if title and title != scene.title:
            self.document.undo_stack.push(SetSceneFields(self.document, scene_id,
                                                         {"title": title}, "Rename scene"))

    def move_scene_boundary(self, scene_id: str, side: str, position: int) -> None:
        self.document.undo_stack.push(RetimeScene(self.document, scene_id, side, position))

    # -- editing -----------------------------------------------------------------------
    def selected(self) -> list[str]:
        return self.timeline.scene.selected_event_ids()

    def delete_selected(self) -> None:
        ids = self.selected()
        if ids:
            self.document.undo_stack.push(RemoveEvents(
                self.document, ids, f"Delete {len(ids)} clip{'s' if len(ids) > 1 else ''}"))

    def duplicate_selected(self) -> None:
        story = self.document.story
        copies, taken = [], set()
        for event_id in self.selected():
            event = story.event(event_id)
            new_id = story.next_event_id(taken)
            taken.add(new_id)
            copies.append(event.model_copy(deep=True, update={"id": new_id,
                                                              "start": event.end}))
        if copies:
            self.document.undo_stack.push(AddEvents(self.document, copies, "Duplicate"))
            self.timeline.scene.select_events([e.id for e in copies])

    def select_all(self) -> None:
        self.timeline.scene.select_events([e.id for e in self.document.story.events])

    def copy_selected(self) -> None:
        mime = self.clips.copy(self.selected())
        if mime is not None:
            QApplication.clipboard().setMimeData(mime)

    def cut_selected(self) -> None:
        mime = self.clips.cut(self.selected())
        if mime is not None:
            QApplication.clipboard().setMimeData(mime)

    def paste(self) -> None:
        ids = self.clips.paste(QApplication.clipboard().mimeData(),
                               self.timeline.scene.playhead_samples())
        if ids:
            self.timeline.scene.select_events(ids)
        else:
            self.show_message("Nothing to paste: copy clips first (Ctrl+C)")

    def split_at_playhead(self) -> None:
        position = self.timeline.scene.playhead_samples()
        ids = self.selected() or [e.id for e in self.document.story.events
                                  if e.start < position < e.end]
        if not self.clips.split(ids, position):
            self.show_message("Nothing to split: put the playhead inside a clip")

    def nudge(self, direction: int, unit: str) -> None:
        scale = self.timeline.scale
        rate = self.document.story.sample_rate
        step = (grid_step_samples(scale.px_per_second, rate) if unit == "grid"
                else int(round(FRAME_S * rate)))
        self.clips.nudge(self.selected(), direction * step)

    def use_take(self, number: int) -> None:
        """A/B: number keys pick the Nth take of the selected clip."""
        ids = self.selected()
        if len(ids) != 1:
            return
        takes = self.document.story.event(ids[0]).takes
        if 1 <= number <= len(takes):
            self.inspector.pick_take(takes[number - 1].id)

    def set_snapping(self, on: bool) -> None:
        self.timeline.scene.snapping = on

    def change_track_height(self, factor: float) -> None:
        scene = self.timeline.scene
        scene.set_track_height(scene.track_height * factor)

    def add_track(self, kind: TrackKind) -> None:
        self.timeline.headers.add_track(kind)

    def reveal_event(self, event_id: str) -> None:
        self.timeline.scene.select_events([event_id])
        item = self.timeline.scene.item(event_id)
        self.timeline.view.ensureVisible(item)

    def _files_dropped(self, paths: list, track_id: str, start: int) -> None:
        self.imports.import_files(self.document, paths, track_id, start,
                                  self.timeline.scene.default_generator)

    def _clip_menu(self, event_id: str, screen_pos) -> None:
        if event_id not in self.selected():
            self.timeline.scene.select_events([event_id])
        menu = QMenu(self)
        a = self.actions
        menu.addActions([a.audition, a.audition_context])
        menu.addSeparator()
        menu.addActions([a.regenerate, a.render_selected, a.regenerate_scene,
                         *self.regions.clip_actions()])
        takes = self.document.story.event(event_id).takes
        if len(self.selected()) == 1 and takes:
            choose = menu.addMenu("Use Take")
            for action in a.takes[:len(takes)]:
                choose.addAction(action)
        menu.addSeparator()
        menu.addActions([a.split, a.cut, a.copy, a.duplicate, a.delete])
        menu.popup(screen_pos)

    def _selection_changed(self) -> None:
        ids = self.selected()
        self.inspector.show_events(ids)
        scene_ids = {self.document.story.event(i).scene_id for i in ids}
        ruler = self.timeline.ruler
        if ruler.selected_scene is not None and scene_ids != {ruler.selected_scene}:
            ruler.set_selected_scene(None)
        if ids and self.player.available:
            self.mix.prefetch(ids)

    def _focus_caption(self, event_id: str) -> None:
        self.timeline.scene.select_events([event_id])
        self.inspector.caption.setFocus()

    # -- status ------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    def show_error(self, text: str) -> None:
        """Errors never stop the window: a status line and a non-blocking message box."""
        self.statusBar().showMessage(text, 12000)
        if self.isVisible():
            box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, text,
                              QMessageBox.StandardButton.Ok, self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    def _show_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.progress_label.setVisible(busy)
        if hasattr(self, "story_panel"):
            self.story_panel.set_busy(busy)

    def _show_progress(self, fraction: float, message: str) -> None:
        if not self.engine.batch.active:  # planning: the job's own progress
            self.progress.setValue(int(fraction * 1000))
        self.progress_label.setText(message[:60])

    def _show_batch(self) -> None:
        """Renders in flight: how many, and about how long the rest will take."""
        batch = self.engine.batch
        self.batch_label.setText(batch.summary())
        self.batch_label.setVisible(batch.active)
        if batch.active:
            self.progress.setValue(int(batch.fraction() * 1000))


class VerticalScroll(QScrollArea):
    """A panel in a vertical scroll area: a tall panel (a generator's settings form, a speech
    clip's fields) scrolls inside its dock instead of making the window taller than the
    screen, and the dock is never narrower than the panel's fields."""

    def __init__(self, panel: QWidget, min_width: int) -> None:
        super().__init__()
        panel.setMinimumWidth(min_width - self.verticalScrollBar().sizeHint().width())
        self.setWidget(panel)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        panel.installEventFilter(self)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        panel = self.widget()
        if panel is not None:
            needed = (max(panel.minimumSizeHint().width(), panel.minimumWidth())
                      + self.verticalScrollBar().sizeHint().width())
            hint.setWidth(max(hint.width(), needed))
        return hint

    def eventFilter(self, watched, event) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the panel's fields changed: the dock may need to widen
        return super().eventFilter(watched, event)
