"""Which places a text names as places, and which it names first.

A place word can describe something else: "church bells" are bells (the place's
'not_before' words), and "a street musician" or "the market vendor" is a person, wherever
the story is. Neither makes the text's scene a street or a market. Before another place it
says which one: "the hospital car park" is a car park, "the airport tarmac" a tarmac (but
"a mountain cabin" is on a mountain, whose wind is heard inside).
"""
from __future__ import annotations

import re
from functools import lru_cache

from engine.planning.offline.phrasing import is_person
from engine.planning.offline.vocabulary import ImpliedSounds, phrase_pattern, vocabulary

_NEXT_WORD = re.compile(r"(?:['’]s)?\s+(\w+)")


def place_use(text: str, entry: ImpliedSounds) -> tuple[int, str] | None:
    """(offset, word) of the first place in `text` where it names `entry`'s place, or None."""
    first: tuple[int, str] | None = None
    for word in entry.words:
        for match in phrase_pattern(word).finditer(text):
            if _describes_something_else(text[match.end():], entry):
                continue
            if first is None or match.start() < first[0]:
                first = (match.start(), word)
            break
    return first


def place_word(text: str, entry: ImpliedSounds) -> str | None:
    """The word `text` names `entry`'s place with, or None."""
    use = place_use(text, entry)
    return use[1] if use else None


def places_in_order(text: str) -> list[tuple[ImpliedSounds, str]]:
    """The places `text` names, each with its word, the first named first ("children splash
    in a pool ... a truck in the street": the pool is where the story is)."""
    found = []
    for entry in vocabulary().places:
        use = place_use(text, entry)
        if use is not None:
            found.append((use[0], entry, use[1]))
    found.sort(key=lambda item: item[0])  # stable: a tie keeps the word lists' order
    return [(entry, word) for _, entry, word in found]


def _describes_something_else(after: str, entry: ImpliedSounds) -> bool:
    following = _NEXT_WORD.match(after)
    if following is None:
        return False
    word = following.group(1).lower()
    return word in entry.not_before or is_person(word) or _names_another_place(after, entry)


def _names_another_place(after: str, entry: ImpliedSounds) -> bool:
    """ "hospital car park", "airport tarmac": a building's word only says which one. (An
    outdoor place says where it stands, and is heard there: "a mountain cabin".)"""
    return entry.indoors and bool(_place_after(None).match(after)) \
        and not _place_after(entry.words).match(after)  # "station platform": one place


@lru_cache(maxsize=64)
def _place_after(words: tuple[str, ...] | None) -> re.Pattern:
    """Matches text that goes on with one of `words` (None: any place's word)."""
    if words is None:
        words = tuple(w for entry in vocabulary().places for w in entry.words)
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+")
                            for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?:['’]s)?\s+(?:{alternatives})(?![\w'-])", re.I)
