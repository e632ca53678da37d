"""Universal Category System names: `CatID(-UserCategory)_FXName_CreatorID_SourceID(_Data)`.

    parse_name("RAINMetl_Heavy On Tin Roof_JD_Storms.wav")
    # UcsName(cat_id="RAINMetl", category="RAIN", subcategory="METAL", fx_name="Heavy On Tin Roof",
    #         creator_id="JD", source_id="Storms", user_category="")

The CatIDs the index knows are in `resources/library/ucs_categories.json`; a CatID that is not
listed still counts when its capitals name a known category (`RAINHeavy` is RAIN, MISC).
`categories_named(words)` gives the CatIDs a search query names ("thunder" -> WTHRThun, THUN).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

from engine.locations import resource_path

_CAT_ID = re.compile(r"^([A-Z]{2,})([A-Z][a-z][A-Za-z]*)?$")


@dataclass(frozen=True)
class UcsName:
    cat_id: str
    category: str
    subcategory: str
    fx_name: str
    creator_id: str
    source_id: str
    user_category: str = ""


@lru_cache(maxsize=1)
def table() -> dict[str, tuple[str, str]]:
    data = json.loads(resource_path("library", "ucs_categories.json").read_text("utf-8"))
    return {cat_id: (pair[0], pair[1]) for cat_id, pair in data["categories"].items()}


@lru_cache(maxsize=1)
def _lowercase_ids() -> dict[str, str]:
    return {cat_id.lower(): cat_id for cat_id in table()}


@lru_cache(maxsize=1)
def _prefixes() -> dict[str, str]:
    """The capitals that start CatIDs ("ANML" of ANMLDog) -> their category."""
    found: dict[str, str] = {}
    for cat_id, (category, _) in table().items():
        match = _CAT_ID.match(cat_id)
        if match:
            found.setdefault(match.group(1), category)
    return found


def lookup(cat_id: str) -> tuple[str, str] | None:
    """(category, subcategory) of a CatID, exact or by its category prefix."""
    known = _lowercase_ids().get(cat_id.lower())
    if known is not None:
        return table()[known]
    match = _CAT_ID.match(cat_id)
    if match and match.group(1) in _prefixes():
        return _prefixes()[match.group(1)], "MISC"
    return None


def canonical_id(cat_id: str) -> str:
    return _lowercase_ids().get(cat_id.lower(), cat_id)


def parse_name(file_name: str) -> UcsName | None:
    """The UCS parts of a file name (with or without its extension), or None if it is not
    one: the first `_` block must be a CatID the index knows."""
    suffix = PurePath(file_name).suffix
    stem = file_name[: -len(suffix)] if suffix[1:].isalnum() and len(suffix) <= 6 else file_name
    blocks = stem.split("_")
    if len(blocks) < 2:
        return None
    cat_block, _, user_category = blocks[0].partition("-")
    found = lookup(cat_block.strip())
    if found is None:
        return None
    rest = [b.strip() for b in blocks[1:]]
    return UcsName(cat_id=canonical_id(cat_block.strip()), category=found[0],
                   subcategory=found[1], fx_name=rest[0],
                   creator_id=rest[1] if len(rest) > 1 else "",
                   source_id=rest[2] if len(rest) > 2 else "", user_category=user_category)


@lru_cache(maxsize=1)
def _word_index() -> dict[str, frozenset[str]]:
    """A word of a category or subcategory name -> the CatIDs it names."""
    index: dict[str, set[str]] = {}
    for cat_id, (category, subcategory) in table().items():
        for word in {*_name_words(category), *_name_words(subcategory)}:
            index.setdefault(word, set()).add(cat_id)
    return {word: frozenset(ids) for word, ids in index.items()}


def _name_words(name: str) -> set[str]:
    words = {w for w in re.findall(r"[a-z]+", name.lower()) if len(w) > 2 and w != "misc"}
    return words | {singular(w) for w in words}


def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def categories_named(words) -> frozenset[str]:
    """The CatIDs whose category or subcategory the given (lower-case) words name. A word
    naming a whole category ("doors") names all its CatIDs; a subcategory word ("dog") only
    its own."""
    index = _word_index()
    found: set[str] = set()
    for word in words:
        found |= index.get(word, frozenset()) | index.get(singular(word), frozenset())
    return frozenset(found)
