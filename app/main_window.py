"""The main window: it composes the panels and routes user commands; the work lives in the
controllers (engine, project, playback) and the model changes in undo commands."""
from __future__ import annotations

import os
import random
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QUndoGroup
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QWidget,
)

from app.audio.mix_player import MixPlayer
from app.audio.peak_cache import PeakCache
from app.audio.playback import Player
from app.controllers.engine_controller import EngineController
from app.controllers.project_controller import ProjectController
from app.controllers.workers import Job, JobLane, QuickPool
from app.document.edits import AddEvents, RemoveEvents
from app.document.story_document import StoryDocument
from app.menus import build_actions, build_menus
from app.panels.inspector import Inspector
from app.panels.library_panel import LibraryPanel
from app.panels.scene_list import SceneList
from app.panels.story_panel import StoryPanel
from app.panels.transport import TransportBar
from app.regions import install_regions
from app.settings import AppSettings
from app.timeline.widget import TimelineWidget
from engine.locations import APP_NAME


class MainWindow(QMainWindow):
    def __init__(self, settings: AppSettings, project: str | Path | None = None,
                 scratch: Path | None = None, recover: bool = True, ask=None) -> None:
        super().__init__()
        self.settings = settings
        self.render_lane = JobLane("render-lane", self)
        self.file_lane = JobLane("file-lane", self)
        self.quick_pool = QuickPool(2, self)
        self.peaks = PeakCache(self.quick_pool, self)
        self.player = Player(settings.audio_device, self)
        self.undo_group = QUndoGroup(self)
        self.projects = ProjectController(self, settings, self.file_lane, scratch)
        if ask is not None:  # how questions are put to the user (tests answer them)
            self.projects.ask = ask
        document = self._first_document(project, recover)
        self.engine = EngineController(document, self.render_lane, self)
        self.engine.generator_name = settings.generator
        self._apply_planner_settings()
        self._apply_model_folder()
        self.mix = MixPlayer(document, self.player, self.quick_pool, self)
        self._build_widgets(document)
        self.actions = build_actions(self)
        build_menus(self, self.actions)
        for dock in self.docks:
            self.docks_menu.addAction(dock.toggleViewAction())
        self._connect()
        self._set_document(document)
        self.regions = install_regions(self)  # regenerate a region, extend, vary
        self.resize(1280, 800)
        if not self.player.available:
            self.transport.disable_playback(self.player.unavailable_reason)
            self.actions.play.setEnabled(False)
        self.render_lane.submit(Job(self._warm_up, "Loading the sound engine"))

    def _warm_up(self, progress, cancel) -> None:
        """Load the default generator and the embedding model before the first render needs
        them (in the render lane, so the window is usable meanwhile)."""
        from engine.generation import get_generator
        from engine.text.embeddings import encoder

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
        self.inspector = Inspector(document)
        self.docks = [self._dock("Story", left, Qt.DockWidgetArea.LeftDockWidgetArea, 250),
                      self._dock("Inspector", self.inspector,
                                 Qt.DockWidgetArea.RightDockWidgetArea, 270)]
        self.transport = TransportBar()
        toolbar = self.addToolBar("Transport")
        toolbar.setObjectName("transport")
        toolbar.setMovable(False)
        toolbar.addWidget(self.transport)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(260)
        self.progress.setTextVisible(False)
        self.progress_label = QLabel("")
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
        status.addPermanentWidget(self.progress_label)
        status.addPermanentWidget(self.progress)
        status.addPermanentWidget(self.cancel_button)
        self._show_busy(False)
        self.meter_timer = QTimer(self)
        self.meter_timer.setInterval(33)
        self.meter_timer.timeout.connect(self._update_meter)

    def _dock(self, title: str, widget: QWidget, area, width: int) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        widget.setMinimumWidth(width)
        self.addDockWidget(area, dock)
        return dock

    def _connect(self) -> None:
        self.projects.documentChanged.connect(self._set_document)
        self.projects.message.connect(self.show_message)
        self.projects.error.connect(self.show_error)
        self.engine.message.connect(self.show_message)
        self.engine.error.connect(self.show_error)
        self.engine.busyChanged.connect(self._show_busy)
        self.engine.progress.connect(self._show_progress)
        self.story_panel.planRequested.connect(self.plan)
        self.story_panel.renderAllRequested.connect(self.render_all)
        self.story_panel.plannerChanged.connect(self._planner_changed)
        self.story_panel.generatorChanged.connect(self._generator_changed)
        self.timeline.scene.selectionChanged.connect(self._selection_changed)
        self.timeline.scene.clipActivated.connect(self._focus_caption)
        self.timeline.scene.clipMenuRequested.connect(self._clip_menu)
        self.timeline.scene.message.connect(self.show_error)
        self.timeline.ruler.seekRequested.connect(self.seek)
        self.timeline.ruler.loopChanged.connect(self._loop_region_changed)
        self.scene_list.eventActivated.connect(self.reveal_event)
        self.library_panel.message.connect(self.show_message)
        self.library_panel.attach(self.document, self.engine, self.timeline)
        self.inspector.regenerateRequested.connect(self.regenerate_selected)
        self.inspector.renderRequested.connect(self.render_selected)
        self.transport.playToggled.connect(self.toggle_play)
        self.transport.stopRequested.connect(self.stop)
        self.transport.loopToggled.connect(self.actions.loop.setChecked)
        self.player.positionChanged.connect(self._position_changed)
        self.player.stateChanged.connect(self._player_state_changed)

    # -- document ----------------------------------------------------------------------
    @property
    def document(self) -> StoryDocument:
        return self.projects.document

    def _set_document(self, document: StoryDocument) -> None:
        self.undo_group.addStack(document.undo_stack)
        self.undo_group.setActiveStack(document.undo_stack)
        self.engine.set_document(document)
        self.timeline.set_document(document)
        self.inspector.set_document(document)
        self.scene_list.set_document(document)
        self.library_panel.set_document(document)
        self.mix.set_document(document)
        self.story_panel.set_story(document.story.prompt, document.story.duration_s)
        document.modifiedChanged.connect(self._update_title)
        document.projectChanged.connect(self._update_title)
        for signal in (document.storyReset, document.eventsAdded, document.eventsRemoved,
                       document.clipStateChanged, document.eventChanged):
            signal.connect(self.summary_timer.start)
        self._update_summary()
        self._update_title()
        self._refresh_recent()
        self._position_changed(self.player.position)
        QTimer.singleShot(0, self.timeline.view.zoom_to_fit)

    def _update_summary(self) -> None:
        """How many clips, and how many still need a render."""
        document = self.document
        counts: dict[str, int] = {}
        for event in document.story.events:
            state = document.state(event.id).value
            counts[state] = counts.get(state, 0) + 1
        parts = [f"{len(document.story.events)} clips"] + [
            f"{counts[s]} {s}" for s in ("rendered", "rendering", "planned", "stale", "failed")
            if counts.get(s)]
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
        folder = QFileDialog.getExistingDirectory(self, "Open story (a NAME.story folder)")
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

        ExportDialog(self.document, self.render_lane, self.settings.loudness_target, self).exec()

    def preferences_dialog(self) -> None:
        from app.dialogs.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self)
        if dialog.exec():
            if dialog.library_changed:
                self.library_panel.rescan()
            self.story_panel.select(self.settings.planner, self.settings.generator)
            self._apply_planner_settings()
            self._apply_model_folder()

    def closeEvent(self, event) -> None:
        if not self.projects.confirm_close():
            event.ignore()
            return
        self.player.stop()
        self.library_panel.shutdown()
        self.render_lane.shutdown()
        self.file_lane.shutdown()
        self.quick_pool.wait(3000)
        event.accept()

    # -- planning and rendering --------------------------------------------------------
    def plan(self, prompt: str, duration_s: float) -> None:
        # the first plan is reproducible; planning again asks a sampling planner for another
        replanning = bool(self.document.story.events)
        seed = random.randrange(1, 2 ** 31) if replanning else self.document.story.seed or 1
        self.engine.plan(prompt, duration_s, seed)

    def render_all(self) -> None:
        if not self.engine.render_stale():
            self.show_message("Every clip is rendered and up to date")

    def render_selected(self) -> None:
        self.engine.render(self.selected())

    def regenerate_selected(self) -> None:
        self.engine.render(self.selected(), new_seed=True)

    def cancel_jobs(self) -> None:
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

    def reveal_event(self, event_id: str) -> None:
        self.timeline.scene.select_events([event_id])
        item = self.timeline.scene.item(event_id)
        self.timeline.view.ensureVisible(item)

    def _clip_menu(self, event_id: str, screen_pos) -> None:
        if event_id not in self.selected():
            self.timeline.scene.select_events([event_id])
        menu = QMenu(self)
        a = self.actions
        menu.addActions([a.regenerate, a.render_selected, *self.regions.clip_actions()])
        takes = self.document.story.event(event_id).takes
        if len(self.selected()) == 1 and takes:
            choose = menu.addMenu("Use Take")
            for action in a.takes[:len(takes)]:
                choose.addAction(action)
        menu.addSeparator()
        menu.addActions([a.duplicate, a.delete])
        menu.popup(screen_pos)

    def _selection_changed(self) -> None:
        self.inspector.show_events(self.selected())

    def _focus_caption(self, event_id: str) -> None:
        self.timeline.scene.select_events([event_id])
        self.inspector.caption.setFocus()

    # -- transport ---------------------------------------------------------------------
    def toggle_play(self) -> None:
        self.mix.toggle()

    def stop(self) -> None:
        self.player.stop()

    def go_to_start(self) -> None:
        self.seek(0)

    def seek(self, samples: int) -> None:
        self.player.seek(samples)
        self._position_changed(samples)

    def set_looping(self, on: bool) -> None:
        """Loop the ruler's region, or else the span of the selected clips."""
        self.transport.loop_button.blockSignals(True)
        self.transport.loop_button.setChecked(on)
        self.transport.loop_button.blockSignals(False)
        ruler = self.timeline.ruler
        if on and ruler.loop is None and self.selected():
            events = [self.document.story.event(i) for i in self.selected()]
            ruler.loop = (min(e.start for e in events), max(e.end for e in events))
            self.timeline.scene.set_loop(ruler.loop)
            ruler.update()
        self.player.set_loop(ruler.loop if on else None)

    def _loop_region_changed(self, region) -> None:
        if self.actions.loop.isChecked():
            self.player.set_loop(region)

    def _position_changed(self, samples: int) -> None:
        story = self.document.story
        self.timeline.set_playhead(samples, follow=self.player.state == "playing")
        self.transport.show_time(samples, story.duration, story.sample_rate)

    def _player_state_changed(self, state: str) -> None:
        self.transport.show_state(state)
        if state == "playing":
            self.meter_timer.start()
        else:
            self.meter_timer.stop()
            self.transport.meter.set_peaks(0.0, 0.0)

    def _update_meter(self) -> None:
        reading = self.player.meter
        self.transport.meter.set_peaks(reading.peak_left, reading.peak_right)

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
        self.progress.setValue(int(fraction * 1000))
        self.progress_label.setText(message[:80])
