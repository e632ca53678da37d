"""What LLM planners are asked, the JSON shape they must answer in, and reading the answer.

The prompt follows AudioStory: reason first (how many events, their order, timestamps and
durations, the tone), then list the events. The JSON schema is what constrained decoding
enforces (transformers) or what an OpenAI-compatible server is asked to follow.
"""
from __future__ import annotations

import json
import re
from typing import Any

from engine.planning.plan import PlanRequest
from engine.planning.validate import MAX_CAPTION_WORDS, PlanError

TRACKS = ["ambience", "effects", "music", "speech"]
SYSTEM_PROMPT = f"""You are the sound designer of an audio story. You turn a narrative into a \
timeline of sound events that a text-to-audio model will render.

First reason briefly: how many sound events the story needs, in what order, when each starts \
and how long it lasts, and the tone of each scene. Then list the events.

Rules:
- caption: what is heard, as a text-to-audio model reads it best: the source, the action and \
its acoustic qualities ("heavy rain drumming on a tin roof"), at most {MAX_CAPTION_WORDS} words.
- track: "ambience" for beds that run under a scene (rain, wind, waves, crowd murmur, room \
tone), "effects" for distinct sounds (a door, footsteps, thunder), "music" for music, \
"speech" for spoken words (put the words in the caption).
- start_s and duration_s in seconds: beds span their scene, foreground events sit inside \
them in the order the story tells them; sounds the story says happen together overlap; the \
events together fill the story's length and none runs past its end.
- tone: one word for the mood (calm, tense, joyful, eerie, playful, melancholic, neutral).
- cues: place, time_of_day and intensity (low, medium, high) where the story says them.
Answer with one JSON object and nothing else."""

EXAMPLE_REQUEST = PlanRequest("A kettle boils in a quiet kitchen, then someone pours tea "
                              "while rain taps on the window.", 30.0)
EXAMPLE_ANSWER = {
    "reasoning": "Four events over 30 s: a kitchen bed and rain on the window span the whole "
                 "story; the kettle boils from 2 s to 14 s; pouring tea follows at 16 s "
                 "while the rain goes on. Calm tone.",
    "events": [
        {"caption": "quiet kitchen room tone with a humming fridge", "track": "ambience",
         "start_s": 0, "duration_s": 30, "tone": "calm", "cues": {"place": "kitchen"}},
        {"caption": "light rain tapping on a window pane", "track": "ambience",
         "start_s": 0, "duration_s": 30, "tone": "calm",
         "cues": {"place": "kitchen", "intensity": "low"}},
        {"caption": "electric kettle rumbling to a boil and clicking off", "track": "effects",
         "start_s": 2, "duration_s": 12, "tone": "calm", "cues": {"place": "kitchen"}},
        {"caption": "hot tea poured into a ceramic cup", "track": "effects", "start_s": 16,
         "duration_s": 5, "tone": "calm", "cues": {"place": "kitchen"}},
    ]}


BOUNDS = {"reasoning": 400, "caption": 160, "tone": 20, "cue": 40}  # characters
NUMBER_CHARS = 7         # "1234.56"
EVENT_FRAME_CHARS = 130  # keys, quotes, braces and commas of one event
ANSWER_FRAME_CHARS = 40
CUE_NAMES = ("place", "time_of_day", "intensity")


def plan_schema(max_events: int = 24) -> dict[str, Any]:
    """The JSON schema of a plan answer (what an OpenAI-compatible server is asked for)."""
    text = {"type": "string"}
    return {
        "type": "object",
        "properties": {
            "reasoning": text,
            "events": {
                "type": "array", "minItems": 1, "maxItems": max_events,
                "items": {
                    "type": "object",
                    "properties": {
                        "caption": {"type": "string", "minLength": 3},
                        "track": {"type": "string", "enum": TRACKS},
                        "start_s": {"type": "number", "minimum": 0},
                        "duration_s": {"type": "number", "minimum": 0},
                        "tone": text,
                        "cues": {"type": "object",
                                 "properties": {name: text for name in CUE_NAMES},
                                 "additionalProperties": False},
                    },
                    "required": ["caption", "track", "start_s", "duration_s", "tone", "cues"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["reasoning", "events"],
        "additionalProperties": False,
    }


def plan_grammar(max_events: int) -> str:
    """The same answer as an EBNF grammar in which every value has a maximum length.

    Strings hold printable ASCII without quotes or backslashes: one byte per character, so
    every generated token writes at least one character and a constrained decoder always
    finishes within `bounded_answer_chars` tokens. Every answer is valid JSON that also
    meets `plan_schema`.
    """
    cues = ", ".join(f'\\"{name}\\": " text{BOUNDS["cue"]} "' for name in CUE_NAMES)
    tracks = " | ".join(f'"\\"{track}\\""' for track in TRACKS)
    return "\n".join([
        f'root ::= "{{\\"reasoning\\": " text{BOUNDS["reasoning"]} ", \\"events\\": [" '
        "event " + (f'("," event){{0,{max_events - 1}}} ' if max_events > 1 else "") + '"]}"',
        f'event ::= "{{\\"caption\\": " caption ", \\"track\\": " track '
        f'", \\"start_s\\": " number ", \\"duration_s\\": " number '
        f'", \\"tone\\": " text{BOUNDS["tone"]} ", \\"cues\\": {{{cues}}}}}"',
        f"track ::= {tracks}",
        'number ::= ("0" | [1-9] [0-9]{0,3}) ("." [0-9]{1,2})?',  # JSON: no leading zeros
        f'caption ::= "\\"" char{{3,{BOUNDS["caption"]}}} "\\""',
        *(f'text{n} ::= "\\"" char{{0,{n}}} "\\""'
          for n in sorted({BOUNDS["reasoning"], BOUNDS["tone"], BOUNDS["cue"]})),
        r'char ::= [ !#-\[\]-~]',
    ])


def bounded_answer_chars(max_events: int) -> int:
    """The longest answer `plan_grammar` allows, in characters."""
    event = (BOUNDS["caption"] + BOUNDS["tone"] + len(CUE_NAMES) * BOUNDS["cue"]
             + 2 * NUMBER_CHARS + len('"ambience"') + EVENT_FRAME_CHARS)
    return BOUNDS["reasoning"] + max_events * event + ANSWER_FRAME_CHARS


def max_events_for(duration_s: float) -> int:
    """Enough events for the story's length, few enough to keep the answer short."""
    return int(min(24, max(4, duration_s // 5)))


def user_message(request: PlanRequest) -> str:
    return (f"Story length: {request.duration_s:g} seconds.\nNarrative: {request.prompt}\n"
            f"Plan at most {max_events_for(request.duration_s)} sound events.")


def messages(request: PlanRequest) -> list[dict[str, str]]:
    """The chat: instructions, one worked example, the story."""
    return [{"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": user_message(EXAMPLE_REQUEST)},
            {"role": "assistant", "content": json.dumps(EXAMPLE_ANSWER)},
            {"role": "user", "content": user_message(request)}]


def repair_messages(chat: list[dict[str, str]], reply: str, problem: str) -> list[dict[str, str]]:
    """The chat plus the bad answer and what was wrong with it: one chance to fix it."""
    return [*chat, {"role": "assistant", "content": reply[:6000]},
            {"role": "user", "content": f"That plan cannot be used: {problem}. Answer again "
                                        "with the corrected plan as one JSON object only."}]


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


def parse_reply(reply: str) -> dict[str, Any]:
    """The JSON object in a model's reply (code fences and chatter around it are ignored)."""
    if not isinstance(reply, str) or not reply.strip():
        raise PlanError("the model's answer was empty")
    fenced = _FENCE.search(reply)
    text = fenced.group(1) if fenced else reply
    start = text.find("{")
    if start < 0:
        raise PlanError(f"the model's answer holds no JSON object ({_excerpt(reply)})")
    try:
        data, _ = json.JSONDecoder(strict=False).raw_decode(text[start:])
    except json.JSONDecodeError as exc:
        raise PlanError(f"the model's answer is not valid JSON ({exc.msg} at character "
                        f"{exc.pos}: {_excerpt(text[start:])})") from None
    if isinstance(data, dict) and "plan" in data and "events" not in data:
        data = data["plan"]  # some models wrap the answer once
    if not isinstance(data, dict):
        raise PlanError("the model's answer is JSON but not an object with 'events'")
    return data


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return repr(flat[:80] + ("…" if len(flat) > 80 else ""))
