"""A small synthetic dataset in the training format: stories of tones and noise bursts with
captions that describe them. For smoke runs of the trainer (it learns; it is not music)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from engine.audio.files import write_audio

SOUNDS = {
    "a steady low hum": lambda t, rng: 0.3 * np.sin(2 * np.pi * 110 * t),
    "a high bell rings": lambda t, rng: 0.4 * np.sin(2 * np.pi * 880 * t) * np.exp(-3 * t),
    "soft noise like rain": lambda t, rng: 0.1 * rng.standard_normal(t.shape),
    "a door slams": lambda t, rng: 0.8 * rng.standard_normal(t.shape) * np.exp(-20 * t),
}


def write_synthetic_dataset(folder: Path, stories: int = 2, events: int = 2,
                            sample_rate: int = 16000, event_s: float = 1.5,
                            seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    (folder / "audio").mkdir(parents=True, exist_ok=True)
    names = list(SOUNDS)
    lines = []
    for s in range(stories):
        chosen = [names[(s + e) % len(names)] for e in range(events)]
        story_events = []
        for e, caption in enumerate(chosen):
            t = np.arange(int(event_s * sample_rate)) / sample_rate
            wave = SOUNDS[caption](t, rng).astype(np.float32)
            relative = f"audio/{s:04d}-{e + 1}.wav"
            write_audio(folder / relative, np.stack([wave, wave]), sample_rate, "FLOAT")
            story_events.append({"caption": caption, "duration_s": event_s, "audio": relative})
        lines.append(json.dumps({"prompt": " then ".join(chosen), "events": story_events}))
    (folder / "stories.jsonl").write_text("\n".join(lines) + "\n")
    return folder
