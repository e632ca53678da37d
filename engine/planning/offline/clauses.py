"""Split a narrative into clauses and say how each relates in time to the one before it.

"A campfire crackles while crickets chirp; an owl hoots, and later rain falls" becomes four
clauses: campfire (start), crickets (same time), owl (next), rain (next). Quoted words are
kept apart as speech; phrases that say when ("at dawn", "hours later", "until dawn") are
taken out of the text as time cues (engine.planning.offline.scenes), so they never reach a
caption and split nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.planning.offline.time_cues import TIME_TOKEN, TimeCue, mark_time_cues
from engine.planning.offline.vocabulary import mentions, vocabulary

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
    time_cues: list[TimeCue] = field(default_factory=list)  # "at dawn", "hours later"
    scene: int = 0            # the scene it plays in, set by the reader
    with_previous: bool = False  # a stop that happens with the clause before it

    @property
    def words(self) -> list[str]:
        return _WORD.findall(self.text)


def words_of(text: str) -> list[str]:
    return _WORD.findall(text)


def split_clauses(text: str) -> list[Clause]:
    """Clauses in reading order. Empty when the text holds no words."""
    quotes: list[str] = []

    def keep_quote(match: re.Match) -> str:
        quote = (match.group(1) or match.group(2)).strip()
        quotes.append(quote)
        after = match.string[match.end():].lstrip(" \t")
        # '"Stop." Then a door slams' ends a sentence; '"Stop!" she shouts' and '"Stop!" Mum
        # calls' do not
        ends = (quote[-1:] in (".", "!", "?", "…") and after[:1].isupper()
                and not _names_a_speaker(after))
        return f" {QUOTE_TOKEN}{len(quotes) - 1}{'.' if ends else ''} "

    clauses: list[Clause] = []
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    sentence_index = 0
    for paragraph_index, paragraph in enumerate(paragraphs):
        paragraph = _QUOTE.sub(keep_quote, paragraph)
        cues: list[TimeCue] = []
        paragraph = mark_time_cues(paragraph, cues)
        waiting: list[TimeCue] = []  # cues of a piece that says nothing else ("At dawn, ...")
        paragraph_start = len(clauses)
        sentences = [s for s in _SENTENCE_END.split(paragraph) if s is not None]
        introduces_quote = False  # "Her radio crackles:" before a quoted line
        for number, sentence in enumerate(sentences):
            following = sentences[number + 1] if number + 1 < len(sentences) else ""
            heading = (sentence.rstrip().endswith(":") and number + 1 < len(sentences)
                       and not _only_quotes(following))
            pieces = _split_sentence(_quotes_apart(sentence))
            heading = heading and len(pieces) == 1  # not "she ducks in, a bell rings ...:"
            pending: list[int] = []  # a quote before its speaker ("'Hi,' she says")
            first_clause = len(clauses)
            for connective, piece in pieces:
                time_ids = [int(i) for i in re.findall(rf"{TIME_TOKEN}(\d+)", piece)]
                piece = re.sub(rf"\s*{TIME_TOKEN}\d+\s*", " ", piece).strip(" ,")
                waiting.extend(cues[i] for i in time_ids)
                quote_ids = [int(i) for i in re.findall(rf"{QUOTE_TOKEN}(\d+)", piece)]
                piece = re.sub(rf"\s*{QUOTE_TOKEN}\d+\s*", " ", piece).strip(" ,")
                if quote_ids and not words_of(piece):  # a line of speech on its own
                    owner = (clauses[-1] if clauses and not clauses[-1].quote
                             and (len(clauses) > first_clause or introduces_quote) else None)
                    if owner is not None:
                        owner.quote = " ".join(quotes[i] for i in quote_ids)
                    else:
                        pending.extend(quote_ids)
                    continue
                if not words_of(piece):
                    continue
                quote_ids = pending + quote_ids
                pending = []
                clauses.append(Clause(
                    text=piece.rstrip(".!?;:… "),
                    relation=_relation(connective, len(clauses) - first_clause, clauses),
                    sentence=sentence_index, paragraph=paragraph_index,
                    continuation=len(clauses) > first_clause, connective=connective,
                    quote=" ".join(quotes[i] for i in quote_ids), heading=heading,
                    time_cues=waiting))
                waiting = []
            if pending:  # speech nobody in the sentence says: "a voice"
                clauses.append(Clause(
                    text="", relation=_relation("", 0, clauses), sentence=sentence_index,
                    paragraph=paragraph_index, continuation=False,
                    quote=" ".join(quotes[i] for i in pending), time_cues=waiting))
                waiting = []
            introduces_quote = sentence.rstrip().endswith(":")
            sentence_index += 1
        if waiting and len(clauses) > paragraph_start:  # "..., until dawn." at the very end
            clauses[-1].time_cues.extend(waiting)
    return clauses


def _names_a_speaker(text: str) -> bool:
    """ "Mum calls from the kitchen", "the old man says": a speech verb in the first words."""
    from engine.planning.offline.phrasing import verb_lemma

    speech = set(vocabulary().language["speech_verbs"]) | set(
        vocabulary().language["voice_verbs"])
    return any(verb_lemma(word) in speech for word in words_of(text)[:4])


def _only_quotes(sentence: str) -> bool:
    return bool(re.fullmatch(rf"[\s,.!?;:]*(?:{QUOTE_TOKEN}\d+[\s,.!?;:]*)+", sentence))


def _quotes_apart(sentence: str) -> str:
    """Each quoted line its own piece, so it can join the clause that says it."""
    return re.sub(rf"\s*({QUOTE_TOKEN}\d+)\s*", r", \1, ", sentence)


def _connectives() -> list[str]:
    words = vocabulary().language
    found = set(words["simultaneous"]) | set(words["sequential"]) | set(words["reverse"])
    found.discard("with")  # "with" joins only before "NOUN ...ing" (see _WITH_ABSOLUTE)
    found.discard("once")
    return sorted(found, key=len, reverse=True)


_WITH_ABSOLUTE = re.compile(r"\bwith\s+(?=((?:\w+\s+){0,3})(\w+ing)\b(\s+\w+)?)", re.I)


# "the ballroom is full of waltz music and laughter": what fills a place is what sounds there
_FULL_OF = re.compile(
    r"\b(?P<place>(?:the|a|an|its|his|her|their|our|my)\s+(?:\w+\s+){0,2}?\w+)\s+"
    r"(?:is|are|was|were|becomes|became|grows|grew|seems|seemed|feels|felt)\s+"
    r"(?:now\s+|suddenly\s+|still\s+|soon\s+)?"
    r"(?:full of|filled with|alive with|thick with|loud with|busy with|crowded with|"
    r"packed with|noisy with|ringing with|echoing with|humming with|buzzing with|"
    r"awash with|teeming with)\s+(?P<sounds>[^,.;:!?]+)", re.I)


# "the hall erupts in applause", "the room fills with laughter", "the market bustles with
# vendors calling": a place that bursts into (or is busy with) a sound is that sound heard
# there (a crowd that erupts in cheers is heard as itself)
_BURSTS_INTO = re.compile(
    r"\b(?P<place>(?:the|a|an|its|his|her|their|our|my)\s+"
    r"(?:(?!(?:the|a|an)\b)\w+\s+){0,2}?\w+)\s+"
    r"(?:suddenly\s+|soon\s+|then\s+)?"
    r"(?:(?P<burst>erupts?|erupted|bursts?|explodes?|exploded)\s+(?:in|into|with)|"
    r"(?:fills?|filled|rings?|rang|echoe?s?|echoed|resounds?|resounded)\s+with|"
    r"(?:comes?|came)\s+alive\s+with|"
    r"(?P<busy>bustles?|bustled|teems?|teemed|throngs?|thronged|swarms?|swarmed)\s+with)\s+"
    r"(?P<sounds>(?:(?!\b(?:as|while|when|whenever|before|after|until|till|then|but|so)\b)"
    r"[^,.;:!?])+)", re.I)


def _what_bursts(match: re.Match) -> str:
    """Only a place bursts into what is heard in it: "the crowd erupts in cheers" and "the
    bell rings with a deep tone" stay as they are."""
    head = match.group("place").split()[-1]
    places = [word for entry in vocabulary().places for word in entry.words]
    if not mentions(head, places):
        return match.group(0)
    whole = match.group(0)
    verb = "erupts in" if match.group("burst") else "" if match.group("busy") else "fills"
    return _what_fills(match, verb) + whole[len(whole.rstrip()):]


def _what_fills(match: re.Match, verb: str = "") -> str:
    """One clause per sound that fills the place, all heard there at once ("the buzz of
    bees" read as "bees buzz"); with a verb, each a clause of its own ("applause fills the
    hall")."""
    place = match.group("place")
    place = place[0].lower() + place[1:]
    sounds = re.split(r"\s*,\s*|\s+and\s+", match.group("sounds").strip())
    sounds = [re.sub(r"^(?:the |a |an )?(?:sounds? of )", "", sound, flags=re.I)
              for sound in sounds if sound]
    sounds = [re.sub(r"^(?:the |a |an )(\w+) of (?:the )?((?:(?!\w+ing\b)\w+\s*){1,2})$",
                     r"\2 \1", sound, flags=re.I) for sound in sounds]
    sounds = [re.sub(r"^(\w+ing) (\w+)$", r"\2 \1", sound) for sound in sounds]  # woks sizzling
    return " while ".join(f"{sound} {_agreeing(verb, sound)} {place}" if verb
                          else f"{sound} in {place}" for sound in sounds)


def _agreeing(verb: str, sound: str) -> str:
    """ "cheers erupt in the arena" (plural: read as a noun, not "he cheers")."""
    from engine.planning.offline.phrasing import _is_plural_noun

    if not _is_plural_noun(sound.split()[-1]):
        return verb
    first, _, rest = verb.partition(" ")
    return " ".join(p for p in (re.sub(r"s$", "", first), rest) if p)


# "the kitchen goes quiet except for the dishwasher churning": all stops but what is left
_EXCEPT_FOR = re.compile(
    r"(?P<stop>\b(?:quiet|silent|still|dark|empty|silence|hushed|down|off|out|stops?|stopped|"
    r"nothing|everything))\s*,?\s+(?:except\s+for|except|apart\s+from|save\s+for|but\s+for)\s+"
    r"(?P<what>[^,.;:!?]+)", re.I)


# "we drive off, leaving the throb of the engines behind": what is left behind is heard no more
_LEAVING_BEHIND = re.compile(
    r",?\s*\bleaving\s+(?P<what>(?:the|its|his|her|their|our|my)\s+[^,.;:!?]+?)\s+behind\b", re.I)


# "Marco shouts over the sizzle of the pans": the sizzle is heard too, under the shout
_OVER_A_SOUND = re.compile(r"\b(?:over|above|through)\s+the\s+(?P<noun>[a-z]+)\s+of\s+", re.I)


def _heard_under(match: re.Match) -> str:
    from engine.planning.offline.phrasing import verb_lemma
    from engine.planning.offline.vocabulary import sound_verbs

    if verb_lemma(match.group("noun")) not in sound_verbs():
        return match.group(0)  # "over the roof of the barn": a place
    return f", while the {match.group('noun')} of "


def _absolute_with(match: re.Match) -> str:
    """ "with sirens blaring" starts a clause; "with a grinding noise" does not."""
    from engine.planning.offline.phrasing import _form, _is_noun, verb_lemma

    participle, after = match.group(2), (match.group(3) or "").strip().lower()
    lemma = verb_lemma(participle)
    if lemma is None or _form(participle, lemma) != "VBG":
        return match.group(0)  # "with something heavy", "with a ring"
    if after and _is_noun(after) and after not in _NOT_NOUNS_AFTER:
        return match.group(0)  # the -ing word describes a noun
    return ", with "


_NOT_NOUNS_AFTER = frozenset({"and", "as", "in", "on", "at", "over", "through", "into", "while",
                              "from", "across", "down", "up", "off", "out", "away", "past",
                              "overhead", "nearby", "behind", "around", "along", "loudly",
                              "softly", "slowly", "again", "inside", "outside"})


def _split_sentence(sentence: str) -> list[tuple[str, str]]:
    """(connective, clause) pairs; commas, connectives and clause-joining "and" split."""
    alternatives = "|".join(re.escape(c) for c in _connectives())
    # (a connective followed by "of" says where: "at the end of the hall", "in the background of")
    splitter = re.compile(
        rf"(,|\band\s+(?:{alternatives})\b(?!\s+of\b)|\b(?:{alternatives})\b(?!\s+of\b))", re.I)
    sentence = _EXCEPT_FOR.sub(r"\g<stop>, and only \g<what> remains", sentence)
    sentence = _LEAVING_BEHIND.sub(r", and \g<what> fades away", sentence)
    sentence = _OVER_A_SOUND.sub(_heard_under, sentence)
    sentence = _BURSTS_INTO.sub(_what_bursts, _FULL_OF.sub(_what_fills, sentence))
    sentence = _WITH_ABSOLUTE.sub(_absolute_with, sentence)
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
        subordinate, main = _main_after_subordinate(connective, text)
        for index, sub in enumerate(_split_on_and(subordinate)):
            pieces.append((connective if index == 0 else "and", sub))
        if main:
            pieces.append(("", main))
        connective = ""
    return _rejoin_fragments(pieces)


_SUBJECT_PRONOUN = re.compile(r"\s(?=(?:he|she|they|we|i)\s+\w)", re.I)
_SUBORDINATORS = frozenset({"when", "whenever", "as", "once", "after", "before", "until",
                            "till", "while", "whilst"})


def _main_after_subordinate(connective: str, text: str) -> tuple[str, str]:
    """ "When the last ticket is done he flicks off the fan": without a comma, the main
    clause starts at its subject pronoun (when the words before it have a verb of their
    own); (subordinate clause, main clause or "")."""
    from engine.planning.offline.phrasing import PREPOSITIONS, find_verb

    if connective not in _SUBORDINATORS:
        return text, ""
    for match in _SUBJECT_PRONOUN.finditer(text):
        before = words_of(text[:match.start()])
        if len(before) >= 2 and before[-1].lower() not in PREPOSITIONS | {"and", "or", "that"} \
                and find_verb(before, continuation=True) is not None:
            return text[:match.start()].strip(), text[match.end():].strip()
    return text, ""


def _split_on_and(text: str) -> list[str]:
    """Split at "and" only where a new clause follows (its own verb and more words)."""
    from engine.planning.offline.phrasing import (
        find_verb,  # phrasing reads clauses' words; import late
    )

    pieces = re.split(r"\s+and\s+", text, flags=re.I)
    if len(pieces) == 1:
        return pieces
    out = [pieces[0]]
    for piece in pieces[1:]:
        tokens = words_of(piece)
        starts_new = len(tokens) >= 2 and find_verb(tokens, continuation=True) is not None
        person = _same_person_goes_on(words_of(out[-1]), tokens)
        if person and len(tokens) >= 2:  # "I shove the door open and step out": a second
            out.append(f"{person} {piece}")  # action, by the same person
            continue
        if tokens and tokens[0].lower().endswith("ing") and words_of(out[-1])[-1:] \
                and words_of(out[-1])[-1].lower().endswith("ing") and not _has_object(tokens):
            starts_new = False  # "dryers tumbling and rumbling": one sound, two verbs
        if len(tokens) == 1 and _hears(out[-1]):  # "hears a bird singing and giggles"
            starts_new = find_verb(tokens, continuation=True) is not None
        if len(tokens) <= 2 and _ends_something(tokens):  # "it beeps and stops"
            starts_new = True
        if starts_new and find_verb(words_of(out[-1]), continuation=True) is not None:
            out.append(piece)
        else:
            out[-1] = f"{out[-1]} and {piece}"
    return out


def _has_object(tokens: list[str]) -> bool:
    """ "slamming lockers" has one (a sound of its own); "rumbling all around me" has none."""
    from engine.planning.offline.phrasing import DETERMINERS, PREPOSITIONS, _is_noun

    following = tokens[1].lower() if len(tokens) > 1 else ""
    return bool(following) and following not in PREPOSITIONS and (
        following in DETERMINERS or _is_noun(following)) and following not in ("all", "away")


def _same_person_goes_on(before: list[str], tokens: list[str]) -> str:
    """ "I shove the door open and step out", "we sit down and wait": a base-form verb after
    "and" goes on with the "I", "we", "you" or "they" of a base-form verb before it; that
    pronoun, else ""."""
    from engine.planning.offline.phrasing import _form, find_verb, verb_lemma

    lemma = verb_lemma(tokens[0])
    index = find_verb(before)
    if lemma is None or not index or _form(tokens[0].lower(), lemma) != "VB":
        return ""
    verb = before[index].lower()
    pronoun = before[index - 1]
    if _form(verb, verb_lemma(verb) or verb) != "VB" or pronoun.lower() not in (
            "i", "we", "you", "they"):
        return ""
    return pronoun


def _ends_something(tokens: list[str]) -> bool:
    from engine.planning.offline.phrasing import verb_lemma

    language = vocabulary().language
    lemma = verb_lemma(tokens[0]) or ""
    phrase = " ".join([lemma, *(t.lower() for t in tokens[1:])])
    return phrase in language["stop_verbs"] or phrase in language["intransitive_stop_verbs"]


def _hears(text: str) -> bool:
    from engine.planning.offline.phrasing import verb_lemma

    perception = set(vocabulary().language["perception_verbs"])
    return any(verb_lemma(word) in perception for word in words_of(text))


def _rejoin_fragments(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A comma inside a list of adjectives or a place ("a dark, cold cave") is no clause."""
    from engine.planning.offline.phrasing import find_verb

    out: list[tuple[str, str]] = []
    leading = ""  # "Somewhere upstairs, a music box plays": where the next clause happens
    for connective, text in pieces:
        tokens = words_of(text)
        if not out and len(tokens) == 1 and tokens[0].lower() in _ADVERB_STARTS:
            out.append((tokens[0].lower(), ""))
            continue
        if tokens and QUOTE_TOKEN not in text and _describes_only(tokens):
            if out and out[-1][1]:  # "plays, slow and sad": how the previous clause sounds
                out[-1] = (out[-1][0], f"{out[-1][1]} {text}")
            else:
                leading = f"{leading} {text}".strip()
            continue
        if leading and tokens:
            text, leading = f"{text.rstrip('.!?;:… ')} {leading[:1].lower()}{leading[1:]}", ""
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


def _describes_only(tokens: list[str]) -> bool:
    """Words that say how or where, naming nothing and doing nothing ("slow and sad",
    "somewhere upstairs", "far away")."""
    from engine.planning.offline.phrasing import _lemmas

    for token in tokens:
        word = token.lower()
        if word in _PLACE_ADVERBS or word in ("and", "or", "but", "very", "so", "too"):
            continue
        lemmas = _lemmas(word)
        if not lemmas or "NOUN" in lemmas or "PROPN" in lemmas or "VERB" in lemmas and (
                "ADJ" not in lemmas and "ADV" not in lemmas):
            return False
    return True


_PLACE_ADVERBS = frozenset({"upstairs", "downstairs", "outside", "inside", "nearby", "overhead",
                            "somewhere", "everywhere", "far", "away", "above", "below", "abroad",
                            "indoors", "outdoors", "underground", "offstage", "behind"})

_ADVERB_STARTS = {"suddenly", "finally", "later", "then", "meanwhile", "outside", "inside",
                  "nearby", "overhead", "eventually", "soon"}


def _relation(connective: str, position: int, earlier: list[Clause]) -> str:
    if not earlier:
        return NEXT
    language = vocabulary().language
    if connective in language["simultaneous"] and position == 0 and connective != "with":
        return NEXT  # "When X, Y": X follows the sentence before; Y goes with X (below)
    if connective in language["simultaneous"]:
        return SAME
    if not connective and position == 1 and earlier[-1].connective in language[
            "simultaneous"] and earlier[-1].relation == NEXT and earlier[-1].connective != "with":
        return SAME
    if connective in language["reverse"] and position > 0:
        return BEFORE
    return NEXT
