"""Upgrades of old story files, one function per version step.

Each step is frozen: it works on plain JSON data and uses only what it defines itself (a
copy of the render key of its day, say), never the live model, so an old file upgrades the
same way however the current model changes. History:

- v1, the first draft format: positions and lengths in float seconds (`start_s`,
  `duration_s`), an event names its track as `track`, takes record `duration_s` and no
  render key, and the story has no seed.
- v2: exact integer sample positions (`start`, `duration`, `offset`), `track_id`, takes with
  `frames` and `render_key`, a story seed.
- v3: scenes (id, title, start, end, place, time of day, tone), every event in a scene;
  event pan and speech (text, speaker, delivery); take labels, stars, layers and composite
  regions; track colour and ducking. A v2 story becomes one scene spanning it.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from typing import Any

Document = dict[str, Any]


def _v2_render_key(caption: str, tone: str, cues: dict, seed: int, generator: str,
                   settings: dict) -> str:
    """The render key as v2 defined it (v3 keeps it for every event without speech)."""
    inputs = {"caption": caption, "tone": tone, "cues": cues, "seed": seed,
              "generator": generator, "settings": settings}
    blob = json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def v1_to_v2(story: Document) -> Document:
    rate = int(story.get("sample_rate", 48_000))

    def samples(seconds: float) -> int:
        return int(round(float(seconds) * rate))

    story = dict(story)
    story["duration"] = samples(story.pop("duration_s"))
    story.setdefault("seed", 0)
    events = []
    for old in story.get("events", []):
        event = dict(old)
        event["track_id"] = event.pop("track")
        event["start"] = samples(event.pop("start_s"))
        event["duration"] = samples(event.pop("duration_s"))
        key = _v2_render_key(event["caption"], event.get("tone", "neutral"),
                             event.get("cues", {}), event["seed"],
                             event.get("generator", "procedural"),
                             event.get("generator_settings", {}))
        takes = []
        for old_take in event.get("takes", []):
            take = dict(old_take)
            take["frames"] = int(round(float(take.pop("duration_s")) * take["sample_rate"]))
            take["render_key"] = key  # v1 takes were always made from the event as saved
            takes.append(take)
        event["takes"] = takes
        events.append(event)
    story["events"] = events
    return story


def v2_to_v3(story: Document) -> Document:
    """One scene spanning the whole story, holding every event, in the story's usual tone."""
    story = dict(story)
    events = [dict(event) for event in story.get("events", [])]
    tones = Counter(str(e.get("tone", "neutral")) for e in events if e.get("tone") != "neutral")
    story["scenes"] = [{"id": "s1", "title": "Scene 1", "start": 0,
                        "end": int(story["duration"]),
                        "tone": tones.most_common(1)[0][0] if tones else "neutral"}]
    for event in events:
        event["scene_id"] = "s1"
    story["events"] = events
    return story


# UPGRADES[n] turns the `story` of a version-n file into version n + 1.
UPGRADES: dict[int, Callable[[Document], Document]] = {1: v1_to_v2, 2: v2_to_v3}
