"""`sound`: render one caption to a WAV file, a quick sound-effect generator.

    main.py sound "a dog barks twice in the distance" --duration 4 -o dog.wav
    main.py sound "rain on a tin roof" --duration 20 --set loop=on -o rain-loop.wav

It goes through the same guards as every render (silent, clipped, noise where a tone was
asked, short, non-finite: one retry with the next seed) and prints what the sound is made
of: each layer (recipe) with its parameters.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from engine.audio.channels import layout_name
from engine.audio.gain import gain_to_db
from engine.cli.common import StderrProgress, check_output_file, duration_arg, seed_arg
from engine.errors import InvalidInput
from engine.generation import RenderRequest, generator_names, get_generator
from engine.model.story import TrackKind
from engine.progress import CancelToken

DEFAULT_DURATION_S = 5.0


def register(commands) -> None:
    parser = commands.add_parser(
        "sound", help="render one sound caption to a WAV file",
        description='Render CAPTION (for example "heavy rain on a tin roof") as a 24-bit '
                    "WAV at the generator's own rate and channels. The same caption and seed "
                    "always give the same sound.")
    parser.add_argument("caption", help="what the sound is, in quotes")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.wav",
                        help="the WAV file to write")
    parser.add_argument("--duration", type=duration_arg, default=DEFAULT_DURATION_S, metavar="S",
                        help=f"length in seconds (default {DEFAULT_DURATION_S:g})")
    parser.add_argument("--seed", type=seed_arg, default=1,
                        help="variation (default 1); another seed, another take")
    parser.add_argument("--kind", choices=[k.value for k in TrackKind], default=None,
                        help="the track it is for, which sets its loudness (default: what the "
                             "caption sounds like: ambience, effects, music or speech)")
    parser.add_argument("--tone", default="neutral",
                        help="mood: tense, calm, joyful, sad, ... (default neutral)")
    parser.add_argument("--generator", choices=generator_names(), default="procedural",
                        help="which engine renders it (default procedural: offline, instant)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        dest="settings", help="a generator setting, e.g. loop=on, "
                        "intensity=0.8, recipe=rain_heavy (repeatable)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing output")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.audio.files import write_audio  # soundfile, scipy: only when there is work
    from engine.render.take import guarded_render

    caption = " ".join((args.caption or "").split())
    if not caption:
        raise InvalidInput('the caption is empty; describe the sound, e.g. "a door creaks open '
                           'slowly".')
    output = check_output_file(args.output, args.force)
    progress = StderrProgress(args.quiet)
    kind = TrackKind(args.kind) if args.kind else _kind_for(caption, args.generator)
    request = RenderRequest(caption=caption, duration_s=args.duration, seed=args.seed,
                            track_kind=kind, tone=args.tone.strip().lower() or "neutral",
                            settings=_settings(args.settings))
    result, _ = guarded_render(get_generator(args.generator), request, progress.stage("sound"),
                               CancelToken())
    write_audio(output, result.audio, result.sample_rate, "PCM_24")
    for note in result.notes:
        progress.note(f"note: {note}")
    _summarise(output, result, kind)
    return 0


def _settings(pairs: list[str]) -> dict:
    """NAME=VALUE pairs as generator settings (numbers as numbers)."""
    settings = {}
    for pair in pairs:
        name, equals, raw = pair.partition("=")
        if not equals or not name.strip():
            raise InvalidInput(f"--set {pair!r}: write NAME=VALUE, e.g. --set loop=on.")
        value: object = raw.strip()
        for kind in (int, float):
            try:
                value = kind(raw)
                break
            except ValueError:
                continue
        settings[name.strip()] = value
    return settings


def _kind_for(caption: str, generator: str) -> TrackKind:
    """The track kind the caption's sound belongs on (its loudness target follows)."""
    if generator != "procedural":
        return TrackKind.EFFECTS
    from engine.generation.procedural import suggest_track_kind

    return TrackKind(suggest_track_kind(caption))


def _summarise(output: Path, result, kind: TrackKind) -> None:
    from engine.meter.loudness import integrated_lufs  # scipy.signal: only when there is work

    audio = result.audio
    seconds = audio.shape[1] / result.sample_rate
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    loudness = integrated_lufs(audio, result.sample_rate)
    loud = f", {loudness:.1f} LUFS" if loudness is not None else ""
    recipes = result.metadata.get("recipes")
    made_of = f": {' + '.join(recipes)}" if recipes else ""
    looped = ", a seamless loop" if result.metadata.get("loop") else ""
    print(f"wrote {output} ({seconds:.2f} s, {result.sample_rate} Hz, "
          f"{layout_name(audio.shape[0])}, peak {gain_to_db(peak):.1f} dBFS{loud}, "
          f"{kind.value}{looped}){made_of}")
    for layer in result.metadata.get("layers", ()):
        print(f"  {layer['kind']} {layer['name']}: {_described(layer.get('parameters', {}))}")


def _described(parameters: dict) -> str:
    """A layer's parameters in one line: the phrase it renders, then the values that are set."""
    parts = [f"{parameters['phrase']!r}"] if parameters.get("phrase") else []
    for key, value in parameters.items():
        if key in ("phrase", "score") or value is None or value is False:
            continue
        parts.append(f"{key} {value:.2f}" if isinstance(value, float) else f"{key} {value}")
    return ", ".join(parts)
