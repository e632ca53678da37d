"""What a recording is, in words: the texts of a file that search compares a query with.

A file is described by up to four fields, each embedded on its own (all-MiniLM-L6-v2) and
averaged into the file's vector:

    category     "animals dog"           UCS category and subcategory (from the name or iXML)
    name         "bark close snarl"      the UCS FX name, else the file name's words
    description  "Large dog barking..."  bext / iXML description, keywords, notes, tags
    folders      "farm animals"          the folders between the library folder and the file

Numbers and take marks are dropped from names ("Dog Bark 03" is "dog bark"), so the
variations of one recording share their texts. Texts repeat across a library (every file of
a folder shares its folder words, every variation its name), and each distinct text is
embedded once and kept in the index: that is what makes indexing fast.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.library.tags import FileTags
from engine.library.ucs import UcsName, parse_name, singular

FIELD_WEIGHTS = {"category": 1.0, "name": 1.0, "description": 1.0, "folders": 0.5}
MAX_FIELD_WORDS = 40
# Words in file and folder names that say nothing about the sound.
NOISE_WORDS = frozenset({
    "wav", "wave", "flac", "aif", "aiff", "mp3", "ogg", "m4a", "bwf", "mono", "stereo", "take",
    "tk", "var", "ver", "version", "final", "edit", "copy", "new", "old", "file", "files",
    "audio", "sound", "sounds", "sfx", "fx", "st", "ms", "lr", "ortf", "xy", "ab", "mix",
    "master", "render", "bounce", "untitled", "sample", "samples", "misc", "library",
    "libraries", "collection", "pack", "vol", "volume", "part", "disc", "cd", "hq", "lq",
    "hd", "bit", "khz", "kbps"})
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class Description:
    fields: dict[str, str]  # field name -> text (only fields that have one)
    words: str              # every word, for exact-word search
    ucs: UcsName | None
    category: str
    subcategory: str
    cat_id: str


def name_words(text: str) -> list[str]:
    """The words of a file or folder name: split at separators and camelCase, lower case,
    no numbers or noise words."""
    text = _CAMEL.sub(" ", text.replace("_", " ").replace("-", " ").replace(".", " "))
    return [w for w in (t.lower() for t in _TOKEN.findall(text))
            if len(w) > 1 and w not in NOISE_WORDS]


def text_words(text: str) -> list[str]:
    return [w.lower() for w in _TOKEN.findall(text)]


def describe(path: Path, root: Path, tags: FileTags) -> Description:
    ucs = parse_name(path.name)
    ixml = tags.ixml
    category = ucs.category if ucs else ixml.get("CATEGORY", "").upper()
    subcategory = ucs.subcategory if ucs else ixml.get("SUBCATEGORY", "").upper()
    cat_id = ucs.cat_id if ucs else ixml.get("CATID", "")
    if not category and cat_id:
        from engine.library.ucs import lookup

        found = lookup(cat_id)
        if found:
            category, subcategory = found
    name = ucs.fx_name if ucs and ucs.fx_name else path.stem
    try:
        folders = path.parent.relative_to(root).parts[-3:]
    except ValueError:
        folders = path.parent.parts[-2:]
    fields = {
        "category": _join(name_words(f"{category} {subcategory}".replace("MISC", ""))),
        "name": _join(name_words(name)),
        "description": _join(_dedupe(w for text in tags.texts() for w in text_words(text))),
        "folders": _join(name_words(" ".join(folders))),
    }
    fields = {key: value for key, value in fields.items() if value}
    words = " ".join(_dedupe(w for text in fields.values() for w in text.split()))
    return Description(fields=fields, words=words, ucs=ucs, category=category,
                       subcategory=subcategory, cat_id=cat_id)


def combine(vectors: dict[str, np.ndarray]) -> np.ndarray:
    """A file's unit vector from its fields' vectors (weighted mean)."""
    total = np.zeros_like(next(iter(vectors.values())), dtype=np.float32)
    for name, vector in vectors.items():
        total += FIELD_WEIGHTS.get(name, 1.0) * vector
    norm = float(np.linalg.norm(total))
    return total / norm if norm > 0 else total


def query_words(query: str) -> list[str]:
    """The words of a search query that name something (articles and prepositions out)."""
    return [w for w in _dedupe(singular(w) if len(w) > 3 else w for w in text_words(query))
            if w not in QUERY_STOP_WORDS and len(w) > 1]


QUERY_STOP_WORDS = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "to", "by", "for", "from", "with", "into", "onto",
    "over", "under", "through", "and", "or", "as", "is", "are", "its", "it", "some", "very",
    "sound", "sounds", "noise", "up", "down", "off", "out", "past", "near", "then",
    "while", "there", "their", "his", "her", "this", "that", "be", "being", "gets", "get"})


def _join(words) -> str:
    return " ".join(list(_dedupe(words))[:MAX_FIELD_WORDS])


def _dedupe(words):
    seen = set()
    for word in words:
        if word not in seen:
            seen.add(word)
            yield word
