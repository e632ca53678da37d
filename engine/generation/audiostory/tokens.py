"""AudioStory's token protocol, as in the released tokenizer and inference code.

Assistant turn, after the reasoning:

    <|think|> reasoning <|/think|>
    <|gen|> caption <timestamp>5.0</timestamp> <t5> <t5_00000> … </t5> <aud> <aud_00000> … </aud> <|/gen|>
    … one such block per event … <|im_end|>

The hidden states at the `<t5_k>` positions are the semantic (bridging) queries, those at the
`<aud_k>` positions the residual queries. The timestamp is the event's duration in seconds.
"""
from __future__ import annotations

import re

SEMANTIC_OPEN, SEMANTIC_CLOSE, SEMANTIC_QUERY = "<t5>", "</t5>", "<t5_{:05d}>"
RESIDUAL_OPEN, RESIDUAL_CLOSE, RESIDUAL_QUERY = "<aud>", "</aud>", "<aud_{:05d}>"
GEN_OPEN, GEN_CLOSE = "<|gen|>", "<|/gen|>"
THINK_OPEN, THINK_CLOSE = "<|think|>", "<|/think|>"
TIME_OPEN, TIME_CLOSE = "<timestamp>", "</timestamp>"
CHAT_START, CHAT_END = "<|im_start|>", "<|im_end|>"

# How many query tokens the released tokenizer defines (a checkpoint uses the first n).
SEMANTIC_QUERIES_DEFINED = 100
RESIDUAL_QUERIES_DEFINED = 501

SYSTEM = f"{CHAT_START}system\nYou are a helpful assistant.{CHAT_END}\n"
USER = CHAT_START + "user\n{instruction}" + CHAT_END + "\n"
ASSISTANT = f"{CHAT_START}assistant\n{THINK_OPEN}"
LEAD = "Develop a comprehensive audio that fully represents "


def special_tokens() -> list[str]:
    """Every token AudioStory adds to the Qwen tokenizer, in the released id order."""
    return ([SEMANTIC_QUERY.format(i) for i in range(SEMANTIC_QUERIES_DEFINED)]
            + [SEMANTIC_OPEN, SEMANTIC_CLOSE, GEN_OPEN, GEN_CLOSE, THINK_OPEN, THINK_CLOSE,
               "<video_padding>", TIME_CLOSE, TIME_OPEN, RESIDUAL_OPEN, RESIDUAL_CLOSE]
            + [RESIDUAL_QUERY.format(i) for i in range(RESIDUAL_QUERIES_DEFINED)])


def instruction(narrative: str, total_s: float) -> str:
    return f"{LEAD}{narrative.strip()} The total duration is {total_s:.1f} seconds."


def prompt_text(narrative: str, total_s: float) -> str:
    """The chat prompt up to the start of the assistant's reasoning."""
    return SYSTEM + USER.format(instruction=instruction(narrative, total_s)) + ASSISTANT


def caption_text(caption: str, duration_s: float) -> str:
    return f"{caption.strip()}{TIME_OPEN}{duration_s:.1f}{TIME_CLOSE}"


_TIMESTAMP = re.compile(re.escape(TIME_OPEN) + r"(.*?)" + re.escape(TIME_CLOSE), re.S)


def split_caption(text: str) -> tuple[str, float | None]:
    """'a dog barks<timestamp>4.5</timestamp>' -> ('a dog barks', 4.5)."""
    match = _TIMESTAMP.search(text)
    if match is None:
        return " ".join(text.split()), None
    caption = " ".join((text[:match.start()] + " " + text[match.end():]).split())
    try:
        return caption, float(match.group(1).strip())
    except ValueError:
        return caption, None
