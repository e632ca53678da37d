"""File names for exported stems: plain (`Storm - Ambience 1.wav`) or sound-library style
following the Universal Category System (`RAIN_Ambience 1_ASTUDIO_Storm.wav`:
CatID_FXName_CreatorID_SourceID), with the CatID chosen from the captions.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from engine.model.story import Track, TrackKind

# UCS CatIDs for words that show up in captions, most specific first.
_UCS_KEYWORDS: tuple[tuple[str, str], ...] = (
    (r"thunder", "THUN"), (r"storm", "STORM"), (r"hail", "HAIL"),
    (r"rain|drizzle|downpour", "RAIN"), (r"gust", "WINDGust"), (r"wind|breeze", "WIND"),
    (r"footstep|steps|walk|stride", "FEETHmn"), (r"hoof|hooves|gallop", "FEETHors"),
    (r"knock", "DOORKnck"), (r"creak", "DOORCreak"), (r"door|gate", "DOORMisc"),
    (r"waves?\b|surf|shore", "WATRWave"), (r"lap(s|ping)?\b", "WATRLap"),
    (r"river|stream|brook|creek|flow", "WATRFlow"), (r"drip", "WATRDrip"),
    (r"splash", "WATRSplsh"), (r"bubbl", "WATRBubl"), (r"water", "WATRMisc"),
    (r"gull|seabird", "BIRDSea"), (r"crow|raven", "BIRDCrow"), (r"owl|hawk|eagle", "BIRDPrey"),
    (r"bird|song ?bird|chirp|tweet", "BIRDSong"),
    (r"dog|bark|howl", "ANMLDog"), (r"\bcat\b|meow|purr", "ANMLCat"),
    (r"horse|neigh", "ANMLHors"), (r"cricket|cicada|insect|bee\b|fly\b", "ANMLInsc"),
    (r"cow|sheep|goat|pig|chicken|rooster", "ANMLFarm"),
    (r"crackl|campfire|fireplace", "FIRECrkl"), (r"fire|flame|burn", "FIREBurn"),
    (r"explo|blast", "EXPLReal"), (r"gunshot|gun|rifle|pistol", "GUNMisc"),
    (r"clock|tick", "CLOCKTick"), (r"bell|chime|toll", "BELLMisc"),
    (r"train|locomotive|railway", "TRNMisc"), (r"boat|ship|ferry|engine of a boat", "BOATMisc"),
    (r"traffic", "AMBTraf"), (r"car\b|truck|motor|engine", "VEHCar"),
    (r"applause|clap", "CRWDApls"), (r"crowd|chatter|people|market", "CRWDMisc"),
    (r"laugh", "VOXLaff"), (r"scream|shout|yell", "VOXScrm"),
    (r"voice|speech|narrat|dialog|talk|whisper", "VOXMisc"),
    (r"piano|guitar|violin|string|drum|choir|melody|music|song", "MUSCMisc"),
    (r"glass", "GLASMisc"), (r"metal|clang", "METLMisc"), (r"wood", "WOODMisc"),
    (r"leaves|branch|rustl", "VEGELeaf"), (r"forest|woods|jungle", "AMBForst"),
    (r"city|street|urban", "AMBUrbn"), (r"room tone|room", "AMBRoom"),
    (r"sea\b|ocean|harbou?r|beach", "AMBSea"), (r"farm|village|country", "AMBRurl"),
)
_KIND_FALLBACK = {TrackKind.AMBIENCE: "AMBMisc", TrackKind.EFFECTS: "DSGNMisc",
                  TrackKind.MUSIC: "MUSCMisc", TrackKind.SPEECH: "VOXMisc"}
UCS_CREATOR_ID = "ASTUDIO"


def safe_name(text: str, limit: int = 80) -> str:
    """A file-name-safe version of `text`: no path separators or control characters."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r'[\\/:*?"<>|\x00-\x1f]', " ", text)
    text = " ".join(text.split()).strip(" .")
    return text[:limit].rstrip(" .") or "untitled"


def speaker_label(speaker: str) -> str:
    """A speaker as a stem names them: "the old captain" -> "Old Captain"."""
    words = [w for w in speaker.split() if w.lower() not in ("the", "a", "an")] or ["unnamed"]
    return safe_name(" ".join(w[:1].upper() + w[1:] for w in words), limit=40)


def ucs_category(captions: Iterable[str], kind: TrackKind) -> str:
    """The UCS CatID most of the captions point to (each caption by the sound it names
    first), or the track kind's general one."""
    votes: Counter[str] = Counter()
    for caption in captions:
        lowered = caption.lower()
        found = [(match.start(), rank, cat_id)
                 for rank, (pattern, cat_id) in enumerate(_UCS_KEYWORDS)
                 for match in [re.search(pattern, lowered)] if match]
        if found:
            votes[min(found)[2]] += 1
    return votes.most_common(1)[0][0] if votes else _KIND_FALLBACK[kind]


def ucs_block(text: str, limit: int = 40) -> str:
    """A UCS name block: `_` and `-` separate blocks, so they may not appear inside one."""
    return safe_name(re.sub(r"[_\-]+", " ", text), limit)


def ucs_file_name(cat_id: str, fx_name: str, source_id: str,
                  creator_id: str = UCS_CREATOR_ID) -> str:
    return "_".join([cat_id, ucs_block(fx_name), ucs_block(creator_id, 16),
                     ucs_block(source_id, 40)])


def stem_name(base: str, track: Track, captions: list[str], ucs: bool,
              creator_id: str = UCS_CREATOR_ID) -> str:
    """File name (without extension) of a track's stem."""
    if ucs:
        return ucs_file_name(ucs_category(captions, track.kind), track.name, base, creator_id)
    return f"{safe_name(base)} - {safe_name(track.name)}"


def event_stem_name(base: str, track: Track, event_id: str, caption: str, ucs: bool,
                    creator_id: str = UCS_CREATOR_ID) -> str:
    """File name (without extension) of one event's stem."""
    if ucs:
        return ucs_file_name(ucs_category([caption], track.kind), f"{caption} {event_id}", base,
                             creator_id)
    return f"{safe_name(base)} - {safe_name(track.name)} - {event_id} {safe_name(caption, 48)}"


def unique(names: list[str]) -> list[str]:
    """Names made distinct by numbering repeats (` 2`, ` 3`, ...), case-insensitively (as
    the file systems of Windows and macOS compare them). A number never gives a name that
    another entry has as given: `Rain`, `Rain`, `Rain 2` become `Rain`, `Rain 3`, `Rain 2`."""
    as_given = {name.lower() for name in names}
    used: set[str] = set()
    last_number: dict[str, int] = {}
    out = []
    for name in names:
        key = name.lower()
        candidate = name
        if key in used:
            number = last_number.get(key, 1)
            while candidate.lower() in used or candidate.lower() in as_given:
                number += 1
                candidate = f"{name} {number}"
            last_number[key] = number
        used.add(candidate.lower())
        out.append(candidate)
    return out
