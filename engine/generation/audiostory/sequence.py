"""A story as one token sequence, with where each event's query tokens sit.

Training and rendering both build their inputs here, so the model sees at render time
exactly the layout it was trained on. Labels mark what the text loss trains: the reasoning,
captions, timestamps and the tokens that open a block; not the prompt and not the query
tokens or their closers (decoding forces those).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.generation.audiostory.model_errors import CheckpointLayoutError
from engine.generation.audiostory.tokens import (
    CHAT_END,
    GEN_CLOSE,
    GEN_OPEN,
    RESIDUAL_CLOSE,
    RESIDUAL_OPEN,
    RESIDUAL_QUERY,
    SEMANTIC_CLOSE,
    SEMANTIC_OPEN,
    SEMANTIC_QUERY,
    THINK_CLOSE,
    caption_text,
    prompt_text,
)

IGNORE = -100


@dataclass(frozen=True)
class StoryEvent:
    caption: str
    duration_s: float


@dataclass
class StorySequence:
    ids: list[int] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    semantic_positions: list[list[int]] = field(default_factory=list)
    residual_positions: list[list[int]] = field(default_factory=list)

    def add(self, ids: list[int], trained: bool) -> list[int]:
        start = len(self.ids)
        self.ids += ids
        self.labels += ids if trained else [IGNORE] * len(ids)
        return list(range(start, start + len(ids)))


def query_ids(tokenizer, pattern: str, count: int) -> list[int]:
    tokens = [pattern.format(i) for i in range(count)]
    ids = tokenizer.convert_tokens_to_ids(tokens)
    if any(i is None or i == tokenizer.unk_token_id for i in ids):
        raise CheckpointLayoutError(f"the tokenizer lacks AudioStory's query tokens "
                                    f"({tokens[0]} ...); use the checkpoint's tokenizer.")
    return ids


def token_id(tokenizer, token: str) -> int:
    return query_ids(tokenizer, token, 1)[0]


def build_sequence(tokenizer, narrative: str, total_s: float, reasoning: str,
                   events: list[StoryEvent], semantic_queries: int, residual_queries: int,
                   finished: bool = True) -> StorySequence:
    """`finished=False` stops after the last event's residual queries (rendering it)."""
    def encode(text: str) -> list[int]:
        return tokenizer.encode(text, add_special_tokens=False)

    semantic = query_ids(tokenizer, SEMANTIC_QUERY, semantic_queries)
    residual = query_ids(tokenizer, RESIDUAL_QUERY, residual_queries)
    sequence = StorySequence()
    sequence.add(encode(prompt_text(narrative, total_s)), trained=False)
    sequence.add(encode(reasoning.strip() + THINK_CLOSE), trained=True)
    for index, event in enumerate(events):
        sequence.add(encode(GEN_OPEN + caption_text(event.caption, event.duration_s)
                            + SEMANTIC_OPEN), trained=True)
        sequence.semantic_positions.append(sequence.add(semantic, trained=False))
        sequence.add(encode(SEMANTIC_CLOSE), trained=False)
        sequence.add(encode(RESIDUAL_OPEN), trained=False)
        sequence.residual_positions.append(sequence.add(residual, trained=False))
        sequence.add(encode(RESIDUAL_CLOSE), trained=False)
        if finished or index < len(events) - 1:
            sequence.add(encode(GEN_CLOSE), trained=True)
    if finished:
        sequence.add(encode(CHAT_END), trained=True)
    return sequence


def default_reasoning(events: list[StoryEvent]) -> str:
    """The reasoning text used when a story comes from elsewhere (a plan, the editor)."""
    parts = [f"{i + 1}. {e.caption} ({e.duration_s:.1f} s)" for i, e in enumerate(events)]
    return f"The audio can be divided into {len(events)} events: " + "; ".join(parts) + "."
