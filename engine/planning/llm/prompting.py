"""What LLM planners are asked, the JSON shape they must answer in, and reading the answer.

The prompt follows AudioStory: reason first (how many events, their order, timestamps and
durations, the tone), then divide the story into scenes and list the events, each in its
scene, with a level and a pan. The JSON schema is what constrained decoding enforces
(transformers) or what an OpenAI-compatible server is asked to follow; `validate_plan`
checks and repairs the scenes like everything else.
"""
from __future__ import annotations

import json
import re
from typing import Any

from engine.model.tones import TONE_NAMES
from engine.planning.plan import PlanRequest
from engine.planning.validate import GAIN_DB_RANGE, MAX_CAPTION_WORDS, PlanError

TRACKS = ["ambience", "effects", "music", "speech"]
SYSTEM_PROMPT = f"""You are the sound designer of an audio story. You turn a narrative into a \
timeline of sound events that a text-to-audio model will render.

First reason briefly: how many sound events the story needs, in what order, when each starts \
and how long it lasts, and the tone of each scene. Then divide the story into scenes and list \
the events.

Rules:
- scenes: stretches of story time with one place, time of day and mood, in story order; they \
follow one another and together cover the story from 0 s to its end. A new scene starts where \
the story's time moves on or its state changes ("at dawn", "by morning", "hours later", "the \
storm passes", "the power cuts out", "the hall empties"). title: a few words ("Night storm", \
"Dawn"); place and time_of_day where the story says them; tone: one of {", ".join(TONE_NAMES)}.
- caption: what is heard, as a text-to-audio model reads it best: the source, the action and \
its acoustic qualities ("heavy rain pouring on a tin roof"), at most {MAX_CAPTION_WORDS} words; \
no words of time ("at dawn") and no words that name another sound ("rain drumming" renders \
drums).
- track: "ambience" for beds that run under a scene (rain, wind, waves, crowd murmur, room \
tone), "effects" for distinct sounds (a door, footsteps, thunder), "music" for music, \
"speech" for spoken words (put the words in the caption). What people do with their hands \
and feet is heard: footsteps on stairs, doors, things picked up and put down.
- scene: the index of the event's scene in the scenes list (0 is the first).
- start_s and duration_s in seconds: beds belong to their scene: they start where it starts \
and end where it ends, overlapping the next scene by about a second so the two crossfade; a \
sound the story says stops ends there; the sounds a scene implies (a storm's rain and wind) \
end with it. Foreground events sit inside their scene in the order the story tells them; \
sounds the story says happen together overlap; none runs past the story's end.
- tone: the tone of the event's scene.
- gain_db: the event's level relative to its track's usual level, {GAIN_DB_RANGE[0]:g} to \
{GAIN_DB_RANGE[1]:g} (0 as usual, -6 distant, -10 far away, +3 close).
- pan: where it is heard, -1 left to +1 right (0 centre, or where the story does not say).
- cues: place, time_of_day and intensity (low, medium, high) where the story says them.
Answer with one JSON object and nothing else."""

EXAMPLE_REQUEST = PlanRequest("Rain taps on the kitchen window as a kettle boils; by evening "
                              "the rain stops and a blackbird sings far off to the left.", 30.0)
EXAMPLE_ANSWER = {
    "reasoning": "Two scenes. A rainy afternoon in the kitchen (0-18 s): a kitchen bed and "
                 "rain on the window, the kettle boiling from 2 s to 14 s. By evening the rain "
                 "has stopped (18-30 s): the kitchen bed goes on, the rain ends with its scene "
                 "and a distant blackbird sings on the left from 19 s. Calm tone.",
    "scenes": [
        {"title": "Rain at the window", "start_s": 0, "end_s": 18, "place": "kitchen",
         "time_of_day": "afternoon", "tone": "calm"},
        {"title": "Evening", "start_s": 18, "end_s": 30, "place": "kitchen",
         "time_of_day": "evening", "tone": "calm"}],
    "events": [
        {"caption": "quiet kitchen room tone with a humming fridge", "track": "ambience",
         "scene": 0, "start_s": 0, "duration_s": 30, "tone": "calm", "gain_db": 0, "pan": 0,
         "cues": {"place": "kitchen"}},
        {"caption": "light rain tapping on a window pane", "track": "ambience", "scene": 0,
         "start_s": 0, "duration_s": 19, "tone": "calm", "gain_db": 0, "pan": 0,
         "cues": {"place": "kitchen", "intensity": "low"}},
        {"caption": "electric kettle rumbling to a boil and clicking off", "track": "effects",
         "scene": 0, "start_s": 2, "duration_s": 12, "tone": "calm", "gain_db": 0, "pan": 0,
         "cues": {"place": "kitchen"}},
        {"caption": "blackbird singing in a garden", "track": "effects", "scene": 1,
         "start_s": 19, "duration_s": 9, "tone": "calm", "gain_db": -10, "pan": -0.6,
         "cues": {"time_of_day": "evening"}},
    ]}


BOUNDS = {"reasoning": 400, "caption": 160, "tone": 20, "cue": 40, "title": 40}  # characters
NUMBER_CHARS = 7         # "1234.56"
SIGNED_CHARS = 5         # "-12.5", "-0.75"
EVENT_FRAME_CHARS = 170  # keys, quotes, braces and commas of one event
SCENE_FRAME_CHARS = 100  # ... of one scene
ANSWER_FRAME_CHARS = 60
CUE_NAMES = ("place", "time_of_day", "intensity")
SCENE_TEXTS = ("place", "time_of_day")


def plan_schema(max_events: int = 24, max_scenes: int | None = None) -> dict[str, Any]:
    """The JSON schema of a plan answer (what an OpenAI-compatible server is asked for)."""
    text = {"type": "string"}
    tone = {"type": "string", "enum": list(TONE_NAMES)}
    return {
        "type": "object",
        "properties": {
            "reasoning": text,
            "scenes": {
                "type": "array", "minItems": 1,
                "maxItems": max_scenes or max_scenes_for_events(max_events),
                "items": {
                    "type": "object",
                    "properties": {
                        "title": text,
                        "start_s": {"type": "number", "minimum": 0},
                        "end_s": {"type": "number", "minimum": 0},
                        **{name: text for name in SCENE_TEXTS},
                        "tone": tone,
                    },
                    "required": ["title", "start_s", "end_s", *SCENE_TEXTS, "tone"],
                    "additionalProperties": False,
                },
            },
            "events": {
                "type": "array", "minItems": 1, "maxItems": max_events,
                "items": {
                    "type": "object",
                    "properties": {
                        "caption": {"type": "string", "minLength": 3},
                        "track": {"type": "string", "enum": TRACKS},
                        "scene": {"type": "integer", "minimum": 0},
                        "start_s": {"type": "number", "minimum": 0},
                        "duration_s": {"type": "number", "minimum": 0},
                        "tone": tone,
                        "gain_db": {"type": "number", "minimum": GAIN_DB_RANGE[0],
                                    "maximum": GAIN_DB_RANGE[1]},
                        "pan": {"type": "number", "minimum": -1, "maximum": 1},
                        "cues": {"type": "object",
                                 "properties": {name: text for name in CUE_NAMES},
                                 "additionalProperties": False},
                    },
                    "required": ["caption", "track", "scene", "start_s", "duration_s", "tone",
                                 "gain_db", "pan", "cues"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["reasoning", "scenes", "events"],
        "additionalProperties": False,
    }


def plan_grammar(max_events: int, max_scenes: int | None = None) -> str:
    """The same answer as an EBNF grammar in which every value has a maximum length.

    Strings hold printable ASCII without quotes or backslashes: one byte per character, so
    every generated token writes at least one character and a constrained decoder always
    finishes within `bounded_answer_chars` tokens. Every answer is valid JSON that also
    meets `plan_schema`.
    """
    scenes = max_scenes or max_scenes_for_events(max_events)
    cues = ", ".join(f'\\"{name}\\": " text{BOUNDS["cue"]} "' for name in CUE_NAMES)
    texts = ", ".join(f'\\"{name}\\": " text{BOUNDS["cue"]} "' for name in SCENE_TEXTS)
    tracks = " | ".join(f'"\\"{track}\\""' for track in TRACKS)
    tones = " | ".join(f'"\\"{tone}\\""' for tone in TONE_NAMES)

    def repeated(rule: str, most: int) -> str:
        return f'{rule} ' + (f'("," {rule}){{0,{most - 1}}} ' if most > 1 else "")

    return "\n".join([
        f'root ::= "{{\\"reasoning\\": " text{BOUNDS["reasoning"]} ", \\"scenes\\": [" '
        + repeated("scene", scenes) + '"], \\"events\\": [" '
        + repeated("event", max_events) + '"]}"',
        f'scene ::= "{{\\"title\\": " text{BOUNDS["title"]} ", \\"start_s\\": " number '
        f'", \\"end_s\\": " number ", {texts}, \\"tone\\": " tone "}}"',
        f'event ::= "{{\\"caption\\": " caption ", \\"track\\": " track '
        f'", \\"scene\\": " index ", \\"start_s\\": " number ", \\"duration_s\\": " number '
        f'", \\"tone\\": " tone ", \\"gain_db\\": " gain ", \\"pan\\": " pan '
        f'", \\"cues\\": {{{cues}}}}}"',
        f"track ::= {tracks}",
        f"tone ::= {tones}",
        'number ::= ("0" | [1-9] [0-9]{0,3}) ("." [0-9]{1,2})?',  # JSON: no leading zeros
        'index ::= "0" | [1-9] [0-9]?',
        'gain ::= "-" (([0-9] | [1-3] [0-9]) ("." [0-9])? | "40") | '  # -40 ... +12 dB
        '([0-9] | "1" [01]) ("." [0-9])? | "12"',
        'pan ::= "-"? ("0" ("." [0-9]{1,2})? | "1")',
        f'caption ::= "\\"" char{{3,{BOUNDS["caption"]}}} "\\""',
        *(f'text{n} ::= "\\"" char{{0,{n}}} "\\""'
          for n in sorted({BOUNDS["reasoning"], BOUNDS["cue"], BOUNDS["title"]})),
        r'char ::= [ !#-\[\]-~]',
    ])


def bounded_answer_chars(max_events: int, max_scenes: int | None = None) -> int:
    """The longest answer `plan_grammar` allows, in characters."""
    scenes = max_scenes or max_scenes_for_events(max_events)
    longest_tone = max(len(tone) for tone in TONE_NAMES) + 2
    scene = (BOUNDS["title"] + len(SCENE_TEXTS) * BOUNDS["cue"] + 2 * NUMBER_CHARS
             + longest_tone + SCENE_FRAME_CHARS)
    event = (BOUNDS["caption"] + longest_tone + len(CUE_NAMES) * BOUNDS["cue"]
             + 2 * NUMBER_CHARS + 2 * SIGNED_CHARS + 2 + len('"ambience"') + EVENT_FRAME_CHARS)
    return BOUNDS["reasoning"] + scenes * scene + max_events * event + ANSWER_FRAME_CHARS


def max_events_for(duration_s: float) -> int:
    """Enough events for the story's length, few enough to keep the answer short."""
    return int(min(24, max(4, duration_s // 5)))


def max_scenes_for_events(max_events: int) -> int:
    """A scene has a few events at least: about one scene for every three events (two at
    least, so a short story can still move on at dawn)."""
    return max(2, min(8, max_events // 3))


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
