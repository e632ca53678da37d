"""Helpers for the editor's tests: small real projects (stories with scenes, real take files
on disk), the real main window offscreen, and the repaint check.

Stories are built here, not planned, wherever the planner is not what a test is about: the
tests stay fast and say exactly what is on the timeline.
"""
from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

from engine.audio.files import write_audio  # noqa: E402
from engine.meter.loudness import integrated_lufs  # noqa: E402
from engine.model.story import Event, Scene, Story, Take, TakeLayer, Track, TrackKind  # noqa: E402
from engine.project.folder import Project  # noqa: E402

SR = 48_000
WAIT_MS = 60_000


def scene_story(duration_s: float = 20.0, sample_rate: int = SR) -> Story:
    """Two scenes ("Night storm", "Dawn"), three tracks, seven clips; no takes yet."""
    sr = sample_rate
    half = int(duration_s * sr / 2)
    end = int(duration_s * sr)

    def event(event_id, track, start_s, duration_s, caption, scene, **fields):
        return Event(id=event_id, track_id=track, start=int(start_s * sr),
                     duration=int(duration_s * sr), caption=caption, scene_id=scene,
                     seed=100 + int(event_id[1:]), **fields)

    return Story(
        title="Night storm: a boat returns…", prompt="A storm at night; at dawn a boat returns.",
        sample_rate=sr, duration=end, seed=3,
        scenes=[Scene(id="s1", title="Night storm", start=0, end=half, tone="tense",
                      time_of_day="night"),
                Scene(id="s2", title="Dawn", start=half, end=end, tone="calm",
                      time_of_day="dawn")],
        tracks=[Track(id="ambience-1", name="Ambience 1", kind=TrackKind.AMBIENCE),
                Track(id="effects-1", name="Effects 1", kind=TrackKind.EFFECTS),
                Track(id="effects-2", name="Effects 2", kind=TrackKind.EFFECTS)],
        events=[
            event("e1", "ambience-1", 0, duration_s / 2, "heavy rain and wind", "s1",
                  tone="tense"),
            event("e2", "effects-1", 1.0, 2.0, "thunder rolling", "s1", tone="tense"),
            event("e3", "effects-1", 4.0, 3.0, "waves crashing on the pier", "s1",
                  gain_db=-3.0, fade_in_s=0.2, fade_out_s=0.5),
            event("e4", "effects-2", 2.5, 1.0, "a door slams", "s1"),
            event("e5", "ambience-1", duration_s / 2, duration_s / 2, "morning birds", "s2",
                  tone="calm"),
            event("e6", "effects-1", duration_s / 2 + 1, 3.0, "boat engine approaching", "s2"),
            event("e7", "effects-2", duration_s / 2 + 5, 1.5, "crew cheering", "s2"),
        ])


def take_audio(seed: int, frames: int, sample_rate: int = SR) -> np.ndarray:
    """Distinct, deterministic stereo audio: noise under a slow envelope."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, frames, dtype=np.float32)
    envelope = 0.15 + 0.6 * np.abs(np.sin(np.pi * (1 + seed % 5) * t)) ** 2
    return (rng.standard_normal((2, frames)).astype(np.float32) * 0.25 * envelope)


def add_take(project: Project, event: Event, seed: int | None = None, extra_s: float = 0.0,
             layers: tuple[tuple[str, str], ...] = (("recipe", "rain"),)) -> Take:
    """Write a real take file for `event` and make it the active take (rendered state)."""
    seed = event.seed if seed is None else seed
    rate = project.story.sample_rate
    frames = event.duration + int(extra_s * rate)
    audio = take_audio(seed, frames, rate)
    path = f"takes/{event.id}-{seed}.flac"
    write_audio(project.folder / path, audio, rate)
    key_event = event.model_copy(update={"seed": seed})
    take = Take(id=event.next_take_id(), path=path, generator=event.generator,
                generator_version="test", seed=seed, sample_rate=rate, channels=2,
                frames=frames, parameters={"caption": event.caption, "seed": seed,
                                           "tone": event.tone},
                loudness_lufs=round(integrated_lufs(audio, rate), 2),
                render_key=key_event.render_key(),
                layers=[TakeLayer(kind=kind, name=name) for kind, name in layers])
    event.takes = [*event.takes, take]
    event.use_take(take.id)
    return take


def build_project(folder: Path, story: Story | None = None, rendered: bool = True) -> Path:
    """A saved project folder (NAME.story) with real take files for every clip."""
    project = Project.create(folder, story or scene_story())
    if rendered:
        for event in project.story.events:
            add_take(project, event)
    project.save()
    return project.folder


class Answers:
    """Answers the questions the app would put in a dialog, and records them."""

    def __init__(self, *choices: str) -> None:
        self.choices = list(choices)
        self.asked: list[str] = []

    def __call__(self, title: str, text: str, options: tuple[str, ...]) -> str:
        self.asked.append(title)
        return self.choices.pop(0) if self.choices else options[-1]


def open_window(qtbot, tmp_path: Path, project=None, answers=None, recover=False,
                size: tuple[int, int] = (1280, 800), output_stream=None):
    """The real main window, shown offscreen (`output_stream`: a fake sound card)."""
    from app.main_window import MainWindow
    from app.settings import AppSettings

    window = MainWindow(AppSettings(tmp_path / "settings.ini"), project,
                        scratch=tmp_path / "scratch", recover=recover, ask=answers or Answers(),
                        output_stream=output_stream)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, window)
    return window


def close_without_prompt(window) -> None:
    window.projects.document.undo_stack.setClean()
    window.close()


def clip_point(window, event_id: str, x_fraction: float = 0.5, y_fraction: float = 0.6):
    """A point on a clip, in the timeline viewport's coordinates."""
    from PySide6.QtCore import QPointF

    item = window.timeline.scene.item(event_id)
    rect = item.boundingRect()
    local = QPointF(rect.left() + rect.width() * x_fraction,
                    rect.top() + rect.height() * y_fraction)
    return window.timeline.view.mapFromScene(item.mapToScene(local))


def mouse_drag(widget, start, end, steps: int = 4, modifiers=None) -> None:
    """Press, move in steps, release: a real drag as the user makes it."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    modifiers = modifiers if modifiers is not None else Qt.KeyboardModifier.NoModifier
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, modifiers, start)
    for step in range(1, steps + 1):
        QTest.mouseMove(widget, start + (end - start) * step / steps)
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, modifiers, end)


def pause_between_clicks(qtbot) -> None:
    """Two presses, not a double click."""
    from PySide6.QtWidgets import QApplication

    qtbot.wait(QApplication.doubleClickInterval() + 50)


def settle(qtbot, window, ms: int = 30) -> None:
    """Let queued work land: layout, deferred fits, waveform peaks of every take shown."""
    qtbot.waitUntil(lambda: window.peaks.idle(), timeout=WAIT_MS)
    qtbot.wait(ms)
    qtbot.waitUntil(lambda: window.peaks.idle(), timeout=WAIT_MS)


# -- the repaint check -------------------------------------------------------------------
def screen_image(widget):
    """What is on screen for `widget`: the window's backing store, not a fresh render (a
    stale region shows here exactly as the user sees it)."""
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    top = widget.window()
    origin = widget.mapTo(top, widget.rect().topLeft())
    screen = top.screen() or QApplication.primaryScreen()
    pixmap = screen.grabWindow(top.winId(), origin.x(), origin.y(), widget.width(),
                               widget.height())
    return pixmap.toImage().convertToFormat(QImage.Format.Format_RGB32)


def fully_redrawn_image(view):
    """The view drawn from scratch: every item cache dropped, every layer invalidated."""
    from PySide6.QtWidgets import QGraphicsItem

    scene = view.scene()
    cached = [(item, item.cacheMode()) for item in scene.items()]
    for item, _ in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    scene.invalidate(scene.sceneRect())
    view.resetCachedContent()
    view.viewport().repaint()
    image = screen_image(view.viewport())
    for item, mode in cached:
        item.setCacheMode(mode)
    return image


def differing_pixels(a, b) -> tuple[int, tuple[int, int, int, int] | None]:
    """How many pixels differ, and their bounding box (x0, y0, x1, y1)."""
    def array(image):
        bits = image.constBits()
        return np.frombuffer(bits, np.uint8).reshape(image.height(), image.bytesPerLine() // 4,
                                                     4)[:, :image.width()]
    if a.size() != b.size():
        return a.width() * a.height(), None
    diff = (array(a) != array(b)).any(axis=2)
    if not diff.any():
        return 0, None
    ys, xs = np.nonzero(diff)
    return int(diff.sum()), (int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max()))


def assert_no_stale_drawing(qtbot, window, name: str, out_dir: Path | None = None) -> None:
    """The repaint invariant: what the timeline shows now equals a full redraw of it, for
    the clips' view and for the ruler above it."""
    from PySide6.QtWidgets import QApplication

    settle(qtbot, window)
    QApplication.processEvents()
    view = window.timeline.view
    shown = screen_image(view.viewport())
    redrawn = fully_redrawn_image(view)
    count, box = differing_pixels(shown, redrawn)
    ruler = window.timeline.ruler
    ruler_shown = screen_image(ruler)
    ruler.repaint()
    ruler_count, ruler_box = differing_pixels(ruler_shown, screen_image(ruler))
    if (count or ruler_count) and out_dir is not None:
        shown.save(str(out_dir / f"{name}-shown.png"))
        redrawn.save(str(out_dir / f"{name}-redrawn.png"))
    assert count == 0, f"{name}: {count} stale pixels in the timeline within {box}"
    assert ruler_count == 0, f"{name}: {ruler_count} stale pixels in the ruler within {ruler_box}"
