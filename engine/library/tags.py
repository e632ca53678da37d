"""What a sound file says about itself: the BWF `bext` description, iXML fields (the USER
block that Soundminer, BaseHead and Soundly write: category, FX name, description, keywords)
and the title, comment and genre tags libsndfile reads (RIFF INFO, Vorbis comments).

Files come from anywhere, so every read is bounded: at most `MAX_CHUNKS` RIFF chunks are
looked at, a `bext` chunk is read for its first 602 bytes, iXML only up to `MAX_IXML_BYTES`
and parsed with defusedxml (no entity expansion, no external references).
"""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field

MAX_CHUNKS = 256
MAX_IXML_BYTES = 256 * 1024
MAX_FIELD_CHARS = 1000
_BEXT_HEAD = 256 + 32 + 32 + 10 + 8  # description, originator, its reference, date, time
# iXML elements worth searching: the recorder's notes and the library tools' USER fields
_IXML_TOP = ("PROJECT", "SCENE", "TAKE", "TAPE", "NOTE")
_IXML_USER = ("CATEGORY", "SUBCATEGORY", "CATID", "CATEGORYFULL", "FXNAME", "DESCRIPTION",
              "KEYWORDS", "NOTES", "LIBRARY", "SOURCE", "TRACKTITLE", "SHOW", "MICROPHONE",
              "DESIGNER", "LOCATION")
_SOUNDFILE_TAGS = ("title", "comment", "genre", "album", "artist")


@dataclass
class FileTags:
    bext_description: str = ""
    bext_originator: str = ""
    ixml: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)  # title, comment, genre, ...

    def texts(self) -> list[str]:
        """Every descriptive text, most telling first."""
        out = [self.ixml.get("DESCRIPTION", ""), self.bext_description,
               self.ixml.get("FXNAME", ""), self.ixml.get("KEYWORDS", ""),
               self.ixml.get("NOTE", ""), self.ixml.get("NOTES", ""),
               self.tags.get("title", ""), self.tags.get("comment", ""),
               self.tags.get("genre", "")]
        seen, unique = set(), []
        for text in out:
            key = text.strip().lower()
            if key and key not in seen:
                seen.add(key)
                unique.append(text.strip())
        return unique


def read_tags(path: str | os.PathLike, sound_file=None) -> FileTags:
    """The tags of one file; anything unreadable is simply absent."""
    found = FileTags()
    if str(path).lower().endswith((".wav", ".wave", ".bwf", ".rf64", ".w64")):
        try:
            _read_riff(path, found)
        except (OSError, struct.error, ValueError):
            pass
    if sound_file is not None:
        for name in _SOUNDFILE_TAGS:
            try:
                value = getattr(sound_file, name)
            except (AttributeError, RuntimeError, UnicodeDecodeError):
                continue
            if value:
                found.tags[name] = _clean(value)
    return found


def _read_riff(path: str | os.PathLike, found: FileTags) -> None:
    with open(path, "rb") as f:
        head = f.read(12)
        if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64", b"BW64") or head[8:12] != b"WAVE":
            return
        size = os.fstat(f.fileno()).st_size
        position = 12
        for _ in range(MAX_CHUNKS):
            if position + 8 > size:
                return
            f.seek(position)
            chunk_id, length = struct.unpack("<4sI", f.read(8))
            if chunk_id == b"bext":
                _read_bext(f.read(min(length, _BEXT_HEAD)), found)
            elif chunk_id == b"iXML" and length <= MAX_IXML_BYTES:
                found.ixml = _parse_ixml(f.read(length))
            elif chunk_id == b"data" and length == 0xFFFFFFFF:
                return  # an RF64 data chunk of unknown length: nothing readable after it
            position += 8 + length + (length & 1)


def _read_bext(data: bytes, found: FileTags) -> None:
    found.bext_description = _clean(data[:256])
    found.bext_originator = _clean(data[256:288])


def _parse_ixml(data: bytes) -> dict[str, str]:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(data.rstrip(b"\x00 \r\n\t"))
    except (ParseError, DefusedXmlException, ValueError, UnicodeDecodeError):
        return {}
    fields: dict[str, str] = {}
    for name in _IXML_TOP:
        element = root.find(name)
        if element is not None and element.text and element.text.strip():
            fields[name] = _clean(element.text)
    user = root.find("USER")
    if user is not None:
        for name in _IXML_USER:
            element = user.find(name)
            if element is not None and element.text and element.text.strip():
                fields[name] = _clean(element.text)
    return fields


def _clean(value) -> str:
    if isinstance(value, bytes):
        value = value.split(b"\x00", 1)[0]
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1")
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    return " ".join(text.split())[:MAX_FIELD_CHARS]
