"""Who says a quoted line, and how: the words of a speech event, its speaker and a delivery
hint, read from the clause around the quote ('the old captain shouted, "Hold fast!"').

The speaker is the clause's subject when it is someone ("the captain", "his daughter"), the
person the story named last when the quote stands alone, else nobody ("a voice"). The
delivery comes from the speech verb ("shouts", "whispers") and its adverbs ("softly").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from engine.planning.offline.clauses import Clause, words_of
from engine.planning.offline.phrasing import Phrase, is_animate, verb_lemma
from engine.planning.offline.vocabulary import vocabulary

WORDS_PER_SECOND = 2.6  # an unhurried actor's pace, pauses included
LINE_PADDING_S = 0.4    # breath before and the voice's tail after
# a speech verb or adverb -> the delivery the speech generator knows
DELIVERY_WORDS = {
    "shout": "shouted", "yell": "shouted", "scream": "shouted", "roar": "shouted",
    "bellow": "shouted", "holler": "shouted", "bark": "shouted", "call": "shouted",
    "cry": "shouted", "loudly": "shouted",
    "whisper": "whispered", "murmur": "whispered", "hiss": "whispered", "breathe": "whispered",
    "mutter": "whispered", "mumble": "whispered",
    "softly": "calm", "quietly": "calm", "gently": "calm", "calmly": "calm",
    "laugh": "laughing", "giggle": "laughing", "chuckle": "laughing",
    "sob": "sad", "weep": "sad", "sadly": "sad", "sigh": "sad",
    "snap": "angry", "growl": "angry", "snarl": "angry", "angrily": "angry",
    "gasp": "frightened", "stammer": "frightened",
    "exclaim": "excited", "cheer": "excited", "excitedly": "excited",
}
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class SpokenLine:
    text: str
    speaker: str
    delivery: str

    @property
    def seconds(self) -> float:
        """How long the line takes to say (the render reports the real length)."""
        return LINE_PADDING_S + len(self.text.split()) / WORDS_PER_SECOND


def spoken_line(clause: Clause, phrase: Phrase, character: str = "") -> SpokenLine:
    """The line a quoting clause holds; `character` is whom the story named last."""
    speaking = phrase.verb in vocabulary().language["speech_verbs"]  # whoever shouts speaks
    speaker = phrase.subject if phrase.subject and (speaking or is_animate(phrase.subject)) \
        else ""
    if not speaker and not phrase.verb and character:  # a quote standing alone
        speaker = character
    return SpokenLine(line_text(clause.quote), _ARTICLE.sub("", speaker).strip(),
                      delivery_of(clause, phrase))


def line_text(quote: str) -> str:
    """The quote as spoken and subtitled: one space between words, and the comma that hands
    over to a dialogue tag ('"Come inside," he said') read as the sentence's end."""
    text = " ".join(quote.split())
    return text[:-1] + "." if text.endswith(",") else text


def delivery_of(clause: Clause, phrase: Phrase) -> str:
    for word in [phrase.verb or "", *words_of(clause.text)]:
        found = DELIVERY_WORDS.get(word.lower()) or DELIVERY_WORDS.get(verb_lemma(word))
        if found:
            return found
    return ""
