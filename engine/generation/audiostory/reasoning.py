"""Free generation: the LLM reasons about a narrative and writes the events.

Decoding is greedy (as in the released inference). A logits processor keeps the structure
exact: after `<t5>` the semantic query tokens follow in order and `</t5>`, then `<aud>`, the
residual queries and `</aud>`; elsewhere query tokens and closers cannot be chosen.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from engine.errors import StudioError
from engine.generation.audiostory.sequence import query_ids, token_id
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
    prompt_text,
    split_caption,
)
from engine.progress import CancelToken, Progress


@dataclass(frozen=True)
class DraftEvent:
    caption: str
    duration_s: float | None


@dataclass(frozen=True)
class StoryDraft:
    reasoning: str
    events: tuple[DraftEvent, ...]
    text: str            # everything the model wrote, for the log
    complete: bool       # the model closed its turn (not cut by max_new_tokens)


class QueryRunProcessor:
    """A transformers LogitsProcessor forcing the query runs (see the module docstring)."""

    def __init__(self, runs: list[list[int]]) -> None:
        self.next: dict[int, int] = {}
        for run in runs:
            for current, following in zip(run, run[1:]):
                self.next[current] = following
        self.banned = sorted({i for run in runs for i in run[1:]})

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        for row in range(input_ids.shape[0]):
            forced = self.next.get(int(input_ids[row, -1]))
            if forced is not None:
                scores[row] = float("-inf")
                scores[row, forced] = 0.0
            else:
                scores[row, self.banned] = float("-inf")
        return scores


class _Watch:
    """A StoppingCriteria that reports progress and stops on cancel."""

    def __init__(self, start: int, limit: int, progress: Progress | None,
                 cancel: CancelToken | None) -> None:
        self.start, self.limit, self.progress, self.cancel = start, limit, progress, cancel

    def __call__(self, input_ids: torch.Tensor, scores, **kwargs) -> torch.Tensor:
        if self.cancel is not None:
            self.cancel.raise_if_cancelled()
        if self.progress is not None:
            written = input_ids.shape[1] - self.start
            self.progress(min(written / self.limit, 1.0), f"reasoning: {written} tokens")
        return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)


def query_runs(tokenizer, semantic: int, residual: int) -> list[list[int]]:
    return [[token_id(tokenizer, SEMANTIC_OPEN), *query_ids(tokenizer, SEMANTIC_QUERY, semantic),
             token_id(tokenizer, SEMANTIC_CLOSE), token_id(tokenizer, RESIDUAL_OPEN),
             *query_ids(tokenizer, RESIDUAL_QUERY, residual), token_id(tokenizer, RESIDUAL_CLOSE)]]


@torch.no_grad()
def write_story(bundle, narrative: str, total_s: float, max_new_tokens: int,
                progress: Progress | None = None, cancel: CancelToken | None = None
                ) -> StoryDraft:
    from transformers import LogitsProcessorList, StoppingCriteriaList

    tokenizer, config = bundle.tokenizer, bundle.config
    llm = bundle.model.seedx.llm
    device = next(llm.parameters()).device
    prompt = tokenizer.encode(prompt_text(narrative, total_s), add_special_tokens=False)
    ids = torch.tensor([prompt], device=device)
    end = token_id(tokenizer, CHAT_END)
    output = llm.generate(
        input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new_tokens,
        do_sample=False, eos_token_id=end, pad_token_id=end,
        logits_processor=LogitsProcessorList([QueryRunProcessor(
            query_runs(tokenizer, config.semantic_queries, config.residual_queries))]),
        stopping_criteria=StoppingCriteriaList([_Watch(len(prompt), max_new_tokens, progress,
                                                       cancel)]))
    written = output[0, len(prompt):].tolist()
    return parse_story(tokenizer, written, end)


def parse_story(tokenizer, written: list[int], end_id: int) -> StoryDraft:
    text = tokenizer.decode(written, skip_special_tokens=False)
    complete = end_id in written
    if complete:
        written = written[:written.index(end_id)]
    gen_open, semantic_open = token_id(tokenizer, GEN_OPEN), token_id(tokenizer, SEMANTIC_OPEN)
    think_close = token_id(tokenizer, THINK_CLOSE)
    first_block = written.index(gen_open) if gen_open in written else len(written)
    reasoning_end = written.index(think_close) if think_close in written[:first_block] else \
        first_block
    reasoning = tokenizer.decode(written[:reasoning_end], skip_special_tokens=True).strip()
    events = []
    residual_close = token_id(tokenizer, RESIDUAL_CLOSE)
    for index, token in enumerate(written):
        if token != gen_open:
            continue
        try:
            opener = written.index(semantic_open, index)
            written.index(residual_close, opener)  # the block's queries are complete
        except ValueError:
            break  # the last block was cut off by the token limit
        caption, duration = split_caption(tokenizer.decode(written[index + 1:opener],
                                                           skip_special_tokens=False))
        if caption:
            events.append(DraftEvent(caption, duration))
    return StoryDraft(reasoning, tuple(events), text, complete)


class NoEventsWritten(StudioError):
    """The model's reasoning contained no complete event."""


__all__ = ["DraftEvent", "GEN_CLOSE", "NoEventsWritten", "QueryRunProcessor", "StoryDraft",
           "parse_story", "write_story"]
