"""Reading a caption as a sentence: its clauses, and which words can only describe.

"heavy rain falling and drumming": "drumming" is what the rain does, not a drum; "wind
whistling through the trees": the wind whistles, nobody blows a whistle. A word that can
only be a verb or an adjective (English inflections, lemminflect) names a sound of its own
only when the clause has no source of its own (or inherits none from the clause before),
or when its sound belongs to that source ("a dog barking", "a crowd cheering").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Where a caption names another sound; "over the harbour", "in the hall" name places, not sounds.
CLAUSE_SPLIT = re.compile(r"\s*(?:,|;|\band then\b|\bthen\b|\band\b|\bwith\b|\bas\b|\bwhile\b|"
                          r"\bplus\b|\bamid\b)\s*")


def stem(word: str) -> str:
    """A tiny suffix stripper, applied alike to captions and tags (barking = barks = bark)."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not (
                suffix == "s" and word.endswith("ss")):
            word = word[: len(word) - len(suffix)] + keep
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def stems(text: str) -> list[str]:
    return [stem(w) for w in words_of(text)]


@lru_cache(maxsize=8192)
def only_describes(word: str) -> bool:
    """The word can be a verb or an adjective but never a noun ("drumming", "whistling";
    not "drums", "rain", "slams"). Unknown words are taken for nouns."""
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(word)
    return bool(lemmas) and "NOUN" not in lemmas and bool({"VERB", "ADJ"} & set(lemmas))


@dataclass(frozen=True)
class Clause:
    text: str
    stems: tuple[str, ...]
    describing: tuple[bool, ...]  # per word: it can only describe (see `only_describes`)


def clauses_of(text: str) -> list[Clause]:
    """The clauses of a (cleaned) caption, in order; at least one."""
    parts = [part for part in CLAUSE_SPLIT.split(text) if words_of(part)] or [text]
    return [Clause(part, tuple(stem(w) for w in words_of(part)),
                   tuple(only_describes(w) for w in words_of(part))) for part in parts]
