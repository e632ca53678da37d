"""Training data: stories with timed, captioned events and their audio.

    DATASET/
      stories.jsonl     one story per line:
        {"prompt": "A storm reaches the harbour ...",
         "reasoning": "Three events: ...",          (optional; a list of the events if absent)
         "events": [{"caption": "rain on a tin roof", "duration_s": 6.0,
                     "audio": "audio/0001-1.wav"}, ...]}
      audio/…           each event's audio, any format and rate soundfile reads

Items are prepared once, before training: the token sequence with its query positions, the
semantic targets (the feature scale x the Flan-T5 encoding of each caption, padded to the
number of semantic queries, as in the paper), and the VAE latents of each event's audio
(resampled to the VAE's rate, stereo, cut or zero-padded to the DiT's latent length).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from engine.audio.files import read_audio
from engine.errors import InvalidInput
from engine.generation.audiostory.sequence import (
    StoryEvent,
    StorySequence,
    build_sequence,
    default_reasoning,
)

STORIES_FILE = "stories.jsonl"


@dataclass
class TrainingItem:
    sequence: StorySequence
    semantic_targets: torch.Tensor   # (events, n_semantic, text_dim)
    latents: torch.Tensor            # (events, frames, channels)
    durations_s: torch.Tensor        # (events,)


def read_stories(folder: Path) -> list[dict]:
    path = folder / STORIES_FILE
    if not path.is_file():
        raise InvalidInput(f"{folder}: no {STORIES_FILE}; a dataset folder holds one story "
                           "per line (see engine/training/dataset.py).")
    stories = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            story = json.loads(line)
        except ValueError as exc:
            raise InvalidInput(f"{where}: not valid JSON ({exc}).") from None
        events = story.get("events") if isinstance(story, dict) else None
        if not isinstance(story, dict) or not str(story.get("prompt", "")).strip() \
                or not isinstance(events, list) or not events:
            raise InvalidInput(f"{where}: a story needs a 'prompt' and a non-empty 'events' list.")
        for event in events:
            if not isinstance(event, dict) or not str(event.get("caption", "")).strip() or \
                    not isinstance(event.get("duration_s"), (int, float)) or \
                    event["duration_s"] <= 0 or not event.get("audio"):
                raise InvalidInput(f"{where}: every event needs a 'caption', a positive "
                                   "'duration_s' and an 'audio' file.")
            if not (folder / event["audio"]).is_file():
                raise InvalidInput(f"{where}: audio file {event['audio']} not found in {folder}.")
        stories.append(story)
    if not stories:
        raise InvalidInput(f"{path}: no stories.")
    return stories


@torch.no_grad()
def prepare_items(folder: Path, bundle) -> list[TrainingItem]:
    import soxr

    config, dit, vae = bundle.config, bundle.model.tangoflux, bundle.vae
    rate = int(vae.config.sampling_rate)
    frames = dit.config.audio_seq_len
    items = []
    for story in read_stories(folder):
        events = [StoryEvent(e["caption"], float(e["duration_s"])) for e in story["events"]]
        total = sum(e.duration_s for e in events)
        sequence = build_sequence(bundle.tokenizer, story["prompt"], total,
                                  story.get("reasoning") or default_reasoning(events), events,
                                  config.semantic_queries, config.residual_queries)
        hidden, _ = bundle.text([e.caption for e in events], length=config.semantic_queries)
        latents = []
        for event in story["events"]:
            audio, source_rate = read_audio(folder / event["audio"])
            audio = np.broadcast_to(audio, (2, audio.shape[1])) if audio.shape[0] == 1 \
                else audio[:2]
            if source_rate != rate:
                audio = soxr.resample(np.ascontiguousarray(audio.T), source_rate, rate).T
            wave = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32))[None]
            weight = next(vae.parameters())
            latent = vae.encode(wave.to(weight)).latent_dist.mean[0].T.float()  # (frames, ch)
            latent = latent[:frames]
            latents.append(torch.nn.functional.pad(latent, (0, 0, 0, frames - latent.shape[0])))
        items.append(TrainingItem(sequence, hidden.cpu() * config.feature_scale,
                                  torch.stack(latents).cpu(),
                                  torch.tensor([e.duration_s for e in events])))
    return items
