"""File names proposed to the user (Save As, Export): made from a story's title, safe on every
platform. Pure (no Qt)."""
from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 64
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\u2026]')  # Windows' reserved set, and "…"
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
             *(f"lpt{i}" for i in range(1, 10))}


def safe_file_name(title: str, fallback: str = "Untitled story") -> str:
    """'Night storm: a boat…' -> 'Night storm - a boat'. Characters that are not allowed in
    file names become ' - ' (a colon) or are dropped; the result is at most 64 characters,
    never empty, never a reserved device name, and never ends in a dot or a space."""
    text = unicodedata.normalize("NFC", title or "")
    text = text.replace(":", " - ")
    text = _FORBIDDEN.sub(" ", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(\s*-\s*)+", " - ", text).strip(" -.")
    if len(text) > MAX_NAME_CHARS:
        text = text[:MAX_NAME_CHARS].rsplit(" ", 1)[0] if " " in text[:MAX_NAME_CHARS] \
            else text[:MAX_NAME_CHARS]
        text = text.strip(" -.")
    if not text or text.lower() in _RESERVED:
        return fallback
    return text
