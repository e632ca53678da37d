"""Split a narrative into clauses and say how each relates in time to the one before it.

"A campfire crackles while crickets chirp; an owl hoots, and later rain falls" becomes four
clauses: campfire (start), crickets (same time), owl (next), rain (next). Quoted words are
kept apart as speech. Paragraphs start new scenes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .vocabulary import vocabulary

SAME, NEXT, BEFORE = "same", "next", "before"

_QUOTE = re.compile(r"[\"“”«»]([^\"“”«»]{1,400})[\"“”«»]|(?<!\w)[‘']([^‘’']{2,200}[.!?,])[’'](?!\w)")
_SENTENCE_END = re.compile(r"(?<=[.!?;:…])\s+|\s+[—–]\s+|\s*—\s*|\n")
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]*|\d+(?:\.\d+)?")
QUOTE_TOKEN = "QUOTE"


@dataclass
class Clause:
    text: str                 # the clause without its connective
    relation: str             # SAME, NEXT or BEFORE the previous clause
    sentence: int
    paragraph: int
    continuation: bool        # may lack its own subject ("..., plunges it into water")
    quote: str = ""           # words spoken in this clause, if any
    connective: str = ""
    heading: bool = False     # "A busy airport: ..." sets the scene the list after it plays in
    rank: float = 0.0         # order in the story, set by the reader (equal: together)

    @property
    def words(self) -> list[str]:
        return _WORD.findall(self.text)


def words_of(text: str) -> list[str]:
    return _WORD.findall(text)


def split_clauses(text: str) -> list[Clause]:
    """Clauses in reading order. Empty when the text holds no words."""
    quotes: list[str] = []

    def keep_quote(match: re.Match) -> str:
        quotes.append((match.group(1) or match.group(2)).strip())
        return f" {QUOTE_TOKEN}{len(quotes) - 1} "

    clauses: list[Clause] = []
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    sentence_index = 0
    for paragraph_index, paragraph in enumerate(paragraphs):
        paragraph = _QUOTE.sub(keep_quote, paragraph)
        sentences = _SENTENCE_END.split(paragraph)
        for sentence in sentences:
            heading = sentence.rstrip().endswith(":") and sentence is not sentences[-1]
            pieces = _split_sentence(sentence)
            for position, (connective, piece) in enumerate(pieces):
                if not words_of(piece):
                    continue
                quote_ids = [int(i) for i in re.findall(rf"{QUOTE_TOKEN}(\d+)", piece)]
                piece = re.sub(rf"\s*{QUOTE_TOKEN}\d+\s*", " ", piece).strip(" ,")
                clauses.append(Clause(
                    text=piece, relation=_relation(connective, position, clauses),
                    sentence=sentence_index, paragraph=paragraph_index,
                    continuation=position > 0, connective=connective,
                    quote=" ".join(quotes[i] for i in quote_ids), heading=heading))
            sentence_index += 1
    return clauses


def _connectives() -> list[str]:
    words = vocabulary().language
    found = set(words["simultaneous"]) | set(words["sequential"]) | set(words["reverse"])
    found.discard("with")  # "with" joins only before "NOUN ...ing" (see _WITH_ABSOLUTE)
    found.discard("once")
    return sorted(found, key=len, reverse=True)


_WITH_ABSOLUTE = re.compile(r"\bwith\s+(?=(?:\w+\s+){0,3}\w+ing\b)", re.I)


def _split_sentence(sentence: str) -> list[tuple[str, str]]:
    """(connective, clause) pairs; commas, connectives and clause-joining "and" split."""
    alternatives = "|".join(re.escape(c) for c in _connectives())
    splitter = re.compile(rf"(,|\band\s+(?:{alternatives})\b|\b(?:{alternatives})\b)", re.I)
    sentence = _WITH_ABSOLUTE.sub(", with ", sentence)
    parts = splitter.split(sentence)
    pieces: list[tuple[str, str]] = []
    connective = ""
    for part in parts:
        if part is None:
            continue
        lowered = part.strip().lower()
        if lowered == ",":
            continue
        if splitter.fullmatch(part.strip()) and lowered:
            connective = re.sub(r"^and\s+", "", lowered)
            continue
        text = part.strip()
        if text.lower().startswith("with "):  # the absolute construction split above
            connective, text = "with", text[5:]
        for index, sub in enumerate(_split_on_and(text)):
            pieces.append((connective if index == 0 else "and", sub))
        connective = ""
    return _rejoin_fragments(pieces)


def _split_on_and(text: str) -> list[str]:
    """Split at "and" only where a new clause follows (its own verb and more words)."""
    from .phrasing import find_verb  # phrasing reads clauses' words; import late

    pieces = re.split(r"\s+and\s+", text, flags=re.I)
    if len(pieces) == 1:
        return pieces
    out = [pieces[0]]
    for piece in pieces[1:]:
        tokens = words_of(piece)
        starts_new = len(tokens) >= 2 and find_verb(tokens, continuation=True) is not None
        if starts_new and find_verb(words_of(out[-1]), continuation=True) is not None:
            out.append(piece)
        else:
            out[-1] = f"{out[-1]} and {piece}"
    return out


def _rejoin_fragments(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A comma inside a list of adjectives or a place ("a dark, cold cave") is no clause."""
    from .phrasing import find_verb

    out: list[tuple[str, str]] = []
    for connective, text in pieces:
        tokens = words_of(text)
        if (out and not connective and out[-1][1] and len(words_of(out[-1][1])) <= 4
                and find_verb(words_of(out[-1][1])) is None
                and re.match(r"^(?:an?|the|some|two|three)?\s*\w+\s+and\s+", text, re.I)):
            out[-1] = (out[-1][0], f"{out[-1][1]}, {text}")  # "a dog, a cat and a cow bark"
            continue
        if out and not connective and len(tokens) == 1 and tokens[0].lower() in _ADVERB_STARTS:
            out.append((tokens[0].lower(), ""))
            continue
        if out and out[-1][1] == "" and out[-1][0] in _ADVERB_STARTS:
            out[-1] = (out[-1][0], text)
            continue
        out.append((connective, text))
    return out


_ADVERB_STARTS = {"suddenly", "finally", "later", "then", "meanwhile", "outside", "inside",
                  "nearby", "overhead", "eventually", "soon"}


def _relation(connective: str, position: int, earlier: list[Clause]) -> str:
    if not earlier:
        return NEXT
    language = vocabulary().language
    if connective in language["simultaneous"]:
        return SAME
    if connective in language["reverse"] and position > 0:
        return BEFORE
    return NEXT
