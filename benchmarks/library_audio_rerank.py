"""Would audio embeddings (aiSFX) pick better files than the text index alone?

    .venv/bin/python benchmarks/library_audio_rerank.py

The measurement behind leaving aiSFX out of the index for now. On the real labelled library
of benchmarks/library_quality.py, each caption's top-K text results are re-ranked by
text score + LAMBDA x the mean aiSFX cosine similarity of a file to the other K results
(pseudo-relevance feedback: the recordings the text agrees on sound alike, an outlier does
not). The aiSFX embeddings are the outside judge's own (its set-up computes them for every
reference clip: `bash ../shared/sfx-judge/lib/sfx_judge_setup.sh`), so this script needs no
torch or aiSFX of its own. LAMBDA 0 is the text index as shipped.
"""
from __future__ import annotations

import glob
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import library_quality as quality  # noqa: E402

from engine.library import LibraryIndex, LibrarySearch, normalise_folder, scan_folders  # noqa: E402


def clip_vectors(refs: Path) -> dict[int, np.ndarray]:
    found = glob.glob(str(refs / "embeddings-*.npz"))
    if not found:
        sys.exit("no aiSFX embeddings: run `bash ../shared/sfx-judge/lib/sfx_judge_setup.sh`")
    data = np.load(found[0])
    vectors = np.sqrt(np.maximum(data["emb"], 0))
    vectors -= vectors.mean(axis=0)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    out = {}
    for clip in np.unique(data["clip"]):
        mean = vectors[data["clip"] == clip].mean(axis=0)
        out[int(clip)] = mean / np.linalg.norm(mean)
    return out


def main() -> int:
    refs = quality.refs_folder(None)
    spec = json.loads(quality.SPEC.read_text())
    vectors = clip_vectors(refs)
    dev = [(c["class"], c["caption"]) for c in
           json.loads(quality.DEV_CAPTIONS.read_text())["captions"]]
    with tempfile.TemporaryDirectory() as temp:
        library = Path(temp) / "library"
        classes = quality.build_library(refs, library)

        def real(p):
            return os.path.join(os.path.realpath(os.path.dirname(p)), os.path.basename(p))

        resolved = {real(p): c for p, c in classes.items()}
        clip_of = {real(library / c["src"] / c["path"]): i
                   for i, c in enumerate(spec["clips"]) if "concat" not in c}
        index = LibraryIndex(Path(temp) / "library.sqlite")
        index.add_folder(normalise_folder(library))
        scan_folders(index)
        search = LibrarySearch(index)
        for title, captions in (("dev captions", dev), ("held-out captions", quality.HELD_OUT)):
            for top_k in (5, 10):
                line = []
                for weight in (0.0, 0.1, 0.2, 0.3, 0.5):
                    right = 0
                    for cls, caption in captions:
                        results = search.search(caption, top_k)
                        vecs = [vectors.get(clip_of.get(r.path, -1)) for r in results]
                        scores = []
                        for i, result in enumerate(results):
                            others = [v for j, v in enumerate(vecs) if j != i and v is not None]
                            agree = (float(np.mean([vecs[i] @ v for v in others]))
                                     if vecs[i] is not None and others else 0.0)
                            scores.append(result.score + weight * agree)
                        right += resolved.get(results[int(np.argmax(scores))].path) == cls
                    line.append(f"lambda {weight:g}: {right}/{len(captions)}")
                print(f"{title}, top-{top_k} re-ranked: " + ", ".join(line))
        index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
