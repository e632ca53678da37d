"""The outside sound judge on the procedural engine: does a listener's ear trained elsewhere
hear what each caption names?

    .venv/bin/python benchmarks/sfx_judge.py [CAPTIONS.json ...] [-o DIR] [--seed N]
        [--duration S] [--judge PATH/sfx_judge.py]

Renders every caption of each captions file (default: the judge's development captions,
../shared/sfx-judge/data/captions-dev.json, and the project's own,
benchmarks/data/sfx_captions.json) through the real procedural generator and the one render
path's guards, at the track kind `main.py sound` would pick, writes caption i to DIR/NAME/i.wav,
and runs the judge (../shared/sfx-judge/lib/sfx_judge.py, in its own environment) on the
folder. The judge prints each caption's predicted class and top 3, then top-1 / top-3 per
class and overall. Set the judge up once with
`bash ../shared/sfx-judge/lib/sfx_judge_setup.sh`.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.audio.files import write_audio  # noqa: E402
from engine.generation.base import RenderRequest  # noqa: E402
from engine.generation.procedural import ProceduralGenerator, suggest_track_kind  # noqa: E402
from engine.render.take import guarded_render  # noqa: E402

JUDGE_HOME = ROOT.parent / "shared" / "sfx-judge"
DEFAULT_CAPTIONS = (JUDGE_HOME / "data" / "captions-dev.json",
                    ROOT / "benchmarks" / "data" / "sfx_captions.json")
DEFAULT_JUDGE = JUDGE_HOME / "lib" / "sfx_judge.py"


def render_captions(captions_file: Path, folder: Path, seed: int, duration_s: float) -> float:
    """Render caption i of the file to folder/i.wav; the seconds it took."""
    captions = json.loads(captions_file.read_text(encoding="utf-8"))["captions"]
    generator = ProceduralGenerator()
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for index, item in enumerate(captions):
        caption = item["caption"]
        request = RenderRequest(caption=caption, duration_s=duration_s, seed=seed,
                                track_kind=suggest_track_kind(caption), story_seed=seed)
        result, _ = guarded_render(generator, request)
        write_audio(folder / f"{index}.wav", result.audio, result.sample_rate, "PCM_24")
        recipes = " + ".join(result.metadata.get("recipes", ()))
        print(f"  {index:3d} {recipes:40s} {caption}", file=sys.stderr)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("captions", nargs="*", type=Path, default=list(DEFAULT_CAPTIONS),
                        help="captions files ({'captions': [{'caption', 'class'}, ...]})")
    parser.add_argument("-o", "--output", type=Path,
                        default=Path(tempfile.gettempdir()) / "sfx-judge-renders")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per caption")
    parser.add_argument("--judge", type=Path, default=DEFAULT_JUDGE)
    args = parser.parse_args(argv)
    if not args.judge.exists():
        print(f"sfx_judge: the judge is not at {args.judge}; pass --judge PATH", file=sys.stderr)
        return 2
    for captions_file in args.captions:
        folder = args.output / captions_file.stem
        print(f"rendering {captions_file} into {folder}", file=sys.stderr)
        took = render_captions(captions_file, folder, args.seed, args.duration)
        print(f"\n==== {captions_file.name}: rendered in {took:.1f} s (seed {args.seed}, "
              f"{args.duration:g} s each)", flush=True)
        done = subprocess.run(["python3", str(args.judge), str(captions_file), str(folder),
                               "--json", str(folder / "judge.json")], check=False)
        if done.returncode != 0:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
