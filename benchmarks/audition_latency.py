"""How fast an audition starts: from the key press (A) on a selected, rendered clip to the
first block of its audio handed to the output stream.

The real main window runs offscreen with a fake output stream (tests/support/audio.py) that
pulls 256-frame blocks at real-time pace from its own thread, as PortAudio would; the time
a sound card adds after that (its buffer) is not part of the figure. Measured for clips
whose takes were decoded ahead when they were selected (the normal case) and, for
comparison, right after selecting a clip (its decoding still running). Measured once the
window's start-up work (loading the sound engine in the render lane) is done.

Target: the audition starts within 50 ms of the key press.

    .venv/bin/python benchmarks/audition_latency.py [--repeats 20]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from tests.support.audio import StreamFactory  # noqa: E402
from tests.support.editor import build_project, scene_story  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from app.application import make_application
    from app.main_window import MainWindow
    from app.settings import AppSettings

    app = make_application()
    heard: list[float] = []
    sound_card = StreamFactory(blocksize=256, realtime=True, on_sound=heard.append)
    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        folder = build_project(temp / "story", scene_story(duration_s=60.0))
        window = MainWindow(AppSettings(temp / "settings.ini"), folder, scratch=temp / "s",
                            recover=False, output_stream=sound_card)
        window.resize(1280, 800)
        window.show()
        app.processEvents()
        while window.render_lane.busy():  # the start-up warm-up (sound engine) first
            app.processEvents()
            time.sleep(0.01)
        clips = [e.id for e in window.document.story.events]

        def audition(event_id: str, prefetched: bool) -> float:
            window.timeline.scene.select_events([event_id])
            if prefetched:  # what the selection started: decoding its takes
                window.quick_pool.wait(10_000)
                app.processEvents()
            heard.clear()
            sound_card.options["on_sound"] = heard.append
            pressed = time.perf_counter()
            QTest.keyClick(window.timeline.view, Qt.Key.Key_A)
            deadline = pressed + 5.0
            while not heard and time.perf_counter() < deadline:
                app.processEvents()
                time.sleep(0.0005)
            window.player.stop()
            app.processEvents()
            return (heard[0] - pressed) * 1000 if heard else float("inf")

        warm = [audition(clips[i % len(clips)], prefetched=True) for i in range(args.repeats)]
        window.mix.cache = type(window.mix.cache)()  # forget every decoded take
        cold = [audition(event_id, prefetched=False) for event_id in clips]
        print("each (ms):", " ".join(f"{v:.0f}" for v in warm))
        print(f"audition, take decoded ahead: median {np.median(warm):.1f} ms, "
              f"max {max(warm):.1f} ms over {len(warm)}  (target <= 50 ms)")
        print(f"audition right after selecting (decoding first): median "
              f"{np.median(cold):.1f} ms, max {max(cold):.1f} ms over {len(cold)}")
        window.document.undo_stack.setClean()
        window.close()


if __name__ == "__main__":
    main()
