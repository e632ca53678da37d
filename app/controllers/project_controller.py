"""New, Open, Save, Save As, recent projects, autosave and crash recovery.

An untitled story lives in a scratch project folder (so its takes have somewhere to go) until
"Save As" moves it to a place the user picks. Snapshots of the story are taken on the GUI
thread and written by the file lane; autosave writes a side file every minute while there
are unsaved changes, and the next start offers to recover it.

A project that cannot be opened, or an autosave that is damaged, is reported and never stops
the editor: a damaged autosave is kept on disk and the project opens as last saved. What is
reported before the window listens (while it is being built) waits in `unheard` until the
window can show it.
"""
from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMetaMethod, QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.controllers.workers import Job, JobLane
from app.document.story_document import StoryDocument
from app.file_names import safe_file_name
from app.settings import AppSettings, scratch_folder
from engine.errors import ProjectError
from engine.model.story import DEFAULT_SAMPLE_RATE, Story
from engine.project.folder import AUTOSAVE_FILE, SUFFIX, Project

Ask = Callable[[str, str, tuple[str, ...]], str]  # title, text, choices -> the choice made


def ask_with_message_box(parent: QWidget) -> Ask:
    def ask(title: str, text: str, choices: tuple[str, ...]) -> str:
        box = QMessageBox(parent)
        box.setWindowTitle(title)
        box.setText(text)
        buttons = {box.addButton(choice, QMessageBox.ButtonRole.ActionRole): choice
                   for choice in choices}
        box.exec()
        return buttons.get(box.clickedButton(), choices[-1])
    return ask


def new_story(duration_s: float = 60.0) -> Story:
    return Story(title="Untitled story", duration=int(duration_s * DEFAULT_SAMPLE_RATE))


class ProjectController(QObject):
    documentChanged = Signal(object)  # StoryDocument
    message = Signal(str)
    error = Signal(str)

    def __init__(self, window: QWidget, settings: AppSettings, file_lane: JobLane,
                 scratch: Path | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.file_lane = file_lane
        self.scratch = scratch or scratch_folder()
        self.ask: Ask = ask_with_message_box(window)
        self.choose_folder: Callable[[str], str] = self._choose_folder_dialog
        self.document: StoryDocument | None = None
        self.unheard: list[str] = []  # errors and warnings from before anyone listened
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(max(settings.autosave_interval_s, 5) * 1000)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()

    # -- documents ---------------------------------------------------------------------
    def new_document(self, story: Story | None = None) -> StoryDocument:
        self.scratch.mkdir(parents=True, exist_ok=True)
        folder = self.scratch / f"untitled-{time.strftime('%Y%m%d-%H%M%S')}-{id(self) % 9973}"
        project = Project.create(folder, story or new_story())
        return self._adopt(StoryDocument(project, untitled=True))

    def open(self, folder: str | Path) -> StoryDocument | None:
        try:
            project = Project.open(folder)
        except ProjectError as exc:
            self._report(str(exc))
            return None
        document = StoryDocument(project)
        self._offer_recovery(document, f"{project.folder.name} has changes that were "
                                       "autosaved but never saved (the app may have closed "
                                       "unexpectedly). Recover them?")
        for warning in project.warnings:
            self._report(warning, error=False)
        self.settings.add_recent_project(str(project.folder))
        self.settings.last_folder = str(project.folder.parent)
        return self._adopt(document)

    def recover_scratch(self) -> StoryDocument | None:
        """Offer the newest untitled story that was autosaved and never saved."""
        candidates = sorted((p for p in self.scratch.glob(f"*{SUFFIX}")
                             if (p / AUTOSAVE_FILE).exists()),
                            key=lambda p: (p / AUTOSAVE_FILE).stat().st_mtime, reverse=True)
        if not candidates:
            return None
        choice = self.ask("Recover an untitled story?",
                          "An untitled story was not saved when the app last closed. "
                          "Recover it?", ("Recover", "Discard"))
        if choice != "Recover":
            for folder in candidates:
                shutil.rmtree(folder, ignore_errors=True)
            return None
        try:
            document = StoryDocument(Project.open(candidates[0]), untitled=True)
        except ProjectError as exc:
            self._report(str(exc))
            return None
        recovered = self._read_recovery(document.project)
        if recovered is not None:
            self._recover_into(document, recovered)
        return self._adopt(document)

    def take_unheard(self) -> list[str]:
        """What was reported before anyone listened, once (the window shows it at start)."""
        unheard, self.unheard = self.unheard, []
        return unheard

    def _report(self, text: str, error: bool = True) -> None:
        signal = self.error if error else self.message
        if self.isSignalConnected(QMetaMethod.fromSignal(signal)):
            signal.emit(text)
        else:
            self.unheard.append(text)

    def _offer_recovery(self, document: StoryDocument, question: str) -> None:
        project = document.project
        if not project.has_recovery():
            return
        recovered = self._read_recovery(project)
        if recovered is None:
            return
        if self.ask("Recover unsaved changes?", question, ("Recover", "Discard")) == "Recover":
            self._recover_into(document, recovered)
            return
        try:
            project.discard_recovery()
        except ProjectError as exc:
            self._report(str(exc))

    def _read_recovery(self, project: Project) -> Story | None:
        """The autosaved story, or None (reported) when the autosave is damaged: then the
        project stays as last saved and the damaged file is kept for whoever wants it."""
        try:
            return project.recover()
        except ProjectError as exc:
            self._report(f"{exc} The unsaved changes cannot be recovered; the project is "
                         "open as it was last saved (the damaged autosave stays on disk "
                         "until the next save).")
            return None

    def _recover_into(self, document: StoryDocument, recovered: Story) -> None:
        from app.document.edits import ReplaceTimeline

        document.undo_stack.push(ReplaceTimeline(document, recovered, "Recover autosave",
                                                 fields=("title", "prompt", "duration")))

    def _adopt(self, document: StoryDocument) -> StoryDocument:
        previous = self.document
        self.document = document
        self.documentChanged.emit(document)
        if previous is not None and previous is not document:
            self._forget_scratch(previous)
        return document

    def _forget_scratch(self, document: StoryDocument) -> None:
        """An untitled story the user discarded leaves nothing behind."""
        if document.untitled:
            shutil.rmtree(document.project.folder, ignore_errors=True)

    # -- saving ------------------------------------------------------------------------
    def save(self, wait: bool = False) -> bool:
        document = self.document
        if document.untitled:
            return self.save_as(wait=wait)
        self._write(document, autosave=False, wait=wait)
        return True

    def save_as(self, folder: str | Path | None = None, wait: bool = False) -> bool:
        document = self.document
        target = folder or self.choose_folder(document.story.title)
        if not target:
            return False
        old_folder, was_untitled = document.project.folder, document.untitled
        try:
            document.project.move_to(target)
        except ProjectError as exc:
            self.error.emit(str(exc))
            return False
        target = document.project.folder
        document.untitled = False
        self._write(document, autosave=False, wait=True)
        if was_untitled:
            shutil.rmtree(old_folder, ignore_errors=True)
        self.settings.add_recent_project(str(target))
        self.settings.last_folder = str(target.parent)
        document.projectChanged.emit()
        return True

    def autosave(self) -> None:
        if self.document is not None and self.document.modified:
            self._write(self.document, autosave=True)

    def _write(self, document: StoryDocument, autosave: bool, wait: bool = False) -> None:
        text = document.project.snapshot()  # on the GUI thread, the one that edits
        index = document.undo_stack.index()
        project = document.project

        def run(progress, cancel):
            project.write_snapshot(text, autosave=autosave)
            return (document, index, autosave)

        if wait:  # closing the window: the write must finish first
            try:
                project.write_snapshot(text, autosave=autosave)
            except ProjectError as exc:
                self.error.emit(str(exc))
                return
            self._on_written((document, index, autosave))
            return
        label = "Autosave" if autosave else "Save"
        self.file_lane.submit(Job(run, label, on_done=self._on_written,
                                  on_error=lambda reason: self.error.emit(
                                      f"{label} failed: {reason}")))

    def _on_written(self, result) -> None:
        document, index, autosave = result
        if autosave:
            self.message.emit("Autosaved")
            return
        if document.undo_stack.index() == index:  # nothing changed while writing
            document.mark_saved()
        self.message.emit(f"Saved {document.project.folder}")

    def confirm_close(self) -> bool:
        """Ask about unsaved changes; False means the user cancelled."""
        document = self.document
        if document is None or not document.modified:
            if document is not None:
                self._forget_scratch_if_empty(document)
            return True
        choice = self.ask("Unsaved changes",
                          f"Save the changes to “{document.story.title}” before closing?",
                          ("Save", "Discard", "Cancel"))
        if choice == "Cancel":
            return False
        if choice == "Save":
            return self.save(wait=True)
        try:
            document.project.discard_recovery()
        except ProjectError as exc:
            self._report(str(exc))
        self._forget_scratch(document)
        return True

    def _forget_scratch_if_empty(self, document: StoryDocument) -> None:
        if document.untitled and not document.story.events:
            self._forget_scratch(document)

    def proposed_path(self, title: str) -> Path:
        """What Save As proposes: the last folder used (else Documents) and a file name
        made from the title (no ':' or '…')."""
        return self.settings.start_folder() / f"{safe_file_name(title)}{SUFFIX}"

    def _choose_folder_dialog(self, title: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self.window, "Save story as",
                                              str(self.proposed_path(title)),
                                              f"Story (*{SUFFIX})")
        return path
