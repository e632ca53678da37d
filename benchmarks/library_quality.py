"""Does the library pick a recording of the caption's class? Measured on real recordings.

    .venv/bin/python benchmarks/library_quality.py [--refs DIR] [-v]

The library: the ~175 labelled real recordings of the outside sound judge (game and
application sound effects from Debian packages, 35 classes, fetched by
`bash ../shared/sfx-judge/lib/sfx_judge_setup.sh` into ~/.cache/sfx-judge-refs), indexed
under their own folder and file names as the packages ship them (`megaglest/tilesets/
autumn/sounds/night.ogg`, `scratch/Animal/Dog1.wav`): nothing was renamed for this, and none
of it is part of the project. Footstep walks the judge assembles from single steps are
indexed as the single-step files they are.

Captions: the judge's development captions (../shared/sfx-judge/data/captions-dev.json, 40)
and a second set written for this benchmark before it was first run (HELD_OUT, 35, one per
class the library holds that a story would name). For each caption:

- search: is the top result (`LibrarySearch.search`) of the caption's class; top-3?
- absent: captions of sounds the library holds nothing of (ABSENT, 12): how many fall back
  to the procedural engine, as they should.
- generator: the file the `library` generator renders for it (the track kind the procedural
  matcher gives the caption, seeds 1-3), of the caption's class; or did it fall back to the
  procedural engine (counted wrong)?

A class is what the judge's spec says the file is. Prints per caption with -v, then the
figures per caption set.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPEC = ROOT.parent / "shared" / "sfx-judge" / "data" / "sfx_judge_refs.json"
DEV_CAPTIONS = ROOT.parent / "shared" / "sfx-judge" / "data" / "captions-dev.json"
HELD_OUT = [
    ("rain", "rain pattering on leaves"), ("thunder", "thunder booming overhead"),
    ("wind", "wind whistling around the house"), ("fire", "logs crackling in a fireplace"),
    ("stream", "a brook babbling over stones"), ("sea_waves", "ocean waves breaking on a beach"),
    ("birds", "sparrows chirping in a garden"), ("gulls", "seagulls crying at the harbour"),
    ("rooster", "a cockerel crowing on the farm"), ("owl", "an owl hooting in the forest"),
    ("crickets", "crickets chirping at night"), ("dog", "a dog barking at a stranger"),
    ("cat", "a kitten mewing"), ("horse", "a horse galloping across a field"),
    ("cow", "a cow lowing in the barn"), ("wolf", "wolves howling at the moon"),
    ("sheep", "sheep bleating on the hillside"), ("frog", "frogs croaking in a pond"),
    ("duck", "ducks quacking on the lake"), ("footsteps", "footsteps on a gravel path"),
    ("door", "a door opens and closes"), ("bell", "a church bell tolling"),
    ("clock", "a clock tick tocking"), ("glass_break", "a glass bottle smashing"),
    ("car", "a car driving past on the road"), ("train", "a steam train passing"),
    ("helicopter", "helicopter rotor blades thumping"), ("aircraft", "a jet plane flying over"),
    ("siren", "a police siren wailing"), ("crowd", "people talking at a party"),
    ("applause", "applause and cheering from an audience"), ("laughter", "a man laughing"),
    ("scream", "a woman screaming in terror"), ("gunshot", "machine gun fire"),
    ("explosion", "a bomb explodes in the distance"),
]


# Sounds the library holds no recording of: these should fall back to the procedural engine.
ABSENT = ["a spaceship engine hums", "a typewriter clacking", "a baby crying",
          "a kettle whistles on the stove", "a phone ringing", "keys jingling",
          "a chainsaw cutting wood", "paper rustling", "a zipper opening",
          "a magic spell whooshes", "an elevator ding", "a vacuum cleaner running"]


def refs_folder(given: str | None) -> Path:
    cache = Path(os.environ.get("SFX_JUDGE_CACHE", Path.home() / ".cache"))
    return Path(given) if given else Path(os.environ.get("SFX_JUDGE_REFS", cache / "sfx-judge-refs"))


def build_library(refs: Path, target: Path) -> dict[str, str]:
    """Link every labelled reference file into `target/SOURCE/PATH`; path -> class."""
    spec = json.loads(SPEC.read_text())
    classes: dict[str, str] = {}
    for clip in spec["clips"]:
        for relative in clip.get("concat") or [clip["path"]]:
            source = refs / clip["src"] / relative
            if not source.is_file():
                sys.exit(f"missing {source}: run `bash ../shared/sfx-judge/lib/sfx_judge_setup.sh`")
            link = target / clip["src"] / relative
            link.parent.mkdir(parents=True, exist_ok=True)
            if not link.exists():
                os.symlink(source, link)
            classes[str(link)] = clip["class"]
    return classes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refs", help="the judge's reference folder (default ~/.cache/sfx-judge-refs)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    from engine.generation.base import RenderRequest
    from engine.generation.library import LibraryGenerator
    from engine.generation.procedural import suggest_track_kind
    from engine.library import LibraryIndex, LibrarySearch, normalise_folder, scan_folders

    dev = [(c["class"], c["caption"]) for c in json.loads(DEV_CAPTIONS.read_text())["captions"]]
    with tempfile.TemporaryDirectory() as temp:
        library = Path(temp) / "library"
        classes = build_library(refs_folder(args.refs), library)
        index = LibraryIndex(Path(temp) / "library.sqlite")
        index.add_folder(normalise_folder(library))
        started = time.perf_counter()
        report = scan_folders(index)
        print(f"indexed {report.indexed} real recordings of {len(set(classes.values()))} classes "
              f"in {time.perf_counter() - started:.1f} s ({len(report.skipped)} skipped)")
        resolved = {os.path.join(os.path.realpath(os.path.dirname(p)), os.path.basename(p)): c
                    for p, c in classes.items()}
        search = LibrarySearch(index)
        generator = LibraryGenerator(index)
        for title, captions in (("dev captions", dev), ("held-out captions", HELD_OUT)):
            top1 = top3 = picked = fallbacks = 0
            renders = 0
            for cls, caption in captions:
                results = search.search(caption, 3)
                got = [resolved.get(r.path, "?") for r in results]
                top1 += got[:1] == [cls]
                top3 += cls in got
                kind = suggest_track_kind(caption)
                gen_classes = []
                for seed in (1, 2, 3):
                    out = generator.render(RenderRequest(caption=caption, duration_s=2.0,
                                                         seed=seed, track_kind=kind))
                    renders += 1
                    layer = out.metadata["layers"][0]
                    if layer["kind"] != "recording":
                        fallbacks += 1
                        gen_classes.append("fallback")
                        continue
                    gen_class = resolved.get(layer["parameters"]["path"], "?")
                    picked += gen_class == cls
                    gen_classes.append(gen_class)
                if args.verbose:
                    mark = "ok" if got[:1] == [cls] else ("~ " if cls in got else "X ")
                    print(f"  {mark} {cls:11s} search: {', '.join(got):34s} generator: "
                          f"{', '.join(gen_classes):30s} {caption}  [{Path(results[0].path).name}]")
            n = len(captions)
            print(f"{title}: search top-1 {top1}/{n} = {top1 / n:.2f}, top-3 {top3}/{n} = "
                  f"{top3 / n:.2f}; generator picks of the class {picked}/{renders} = "
                  f"{picked / renders:.2f} (kind from the caption, seeds 1-3; "
                  f"{fallbacks} fell back to the procedural engine)")
        fell_back = 0
        for caption in ABSENT:
            out = generator.render(RenderRequest(caption=caption, duration_s=2.0, seed=1,
                                                 track_kind=suggest_track_kind(caption)))
            fell_back += out.metadata["layers"][0]["kind"] != "recording"
        print(f"captions of sounds the library lacks: {fell_back}/{len(ABSENT)} fell back to the "
              f"procedural engine (min_score {generator.SETTINGS[1].default:g})")
        index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
