"""A small sound library made in the test, as a sound designer's drive holds one: UCS file
names, BWF `bext` descriptions and iXML, several formats (WAV, FLAC, AIFF, Ogg, MP3, an M4A
made with ffmpeg), a 16-channel recording, a damaged file and files that are not audio.

The recordings are synthetic but shaped like what they are named: barks are short bursts
after a stretch of silence, rain is a steady noise bed, thunder a low rumble, knocks three
clicks, so trimming, looping and levelling can be checked on them.
"""
from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def bark(rate: int, seed: int, lead_s: float = 0.6, pitch_hz: float = 420.0) -> np.ndarray:
    """Silence, then two barks (harmonic bursts with a fast decay), then silence."""
    n = int(2.0 * rate)
    out = np.zeros(n, np.float32)
    t = np.arange(int(0.18 * rate)) / rate
    for k, start_s in enumerate((lead_s, lead_s + 0.45)):
        tone = sum(np.sin(2 * np.pi * pitch_hz * h * t + k) / h for h in (1, 2, 3, 4))
        burst = tone * np.exp(-t * 18) + 0.1 * _rng(seed + k).standard_normal(t.size) * np.exp(-t * 25)
        start = int(start_s * rate)
        out[start:start + t.size] += 0.5 * burst.astype(np.float32)
    return out


def rain(rate: int, seconds: float, seed: int, channels: int = 2) -> np.ndarray:
    noise = _rng(seed).standard_normal((channels, int(seconds * rate))).astype(np.float32)
    drops = (_rng(seed + 1).random((channels, noise.shape[1])) > 0.9995) * 2.0
    return (0.08 * noise + 0.2 * drops).astype(np.float32)


def rumble(rate: int, seconds: float, seed: int) -> np.ndarray:
    from scipy.signal import butter, sosfilt

    noise = _rng(seed).standard_normal(int(seconds * rate))
    low = sosfilt(butter(4, 150, "low", fs=rate, output="sos"), noise)
    envelope = np.exp(-np.linspace(0, 4, low.size)) * np.minimum(np.linspace(0, 20, low.size), 1)
    return (0.6 * low / np.max(np.abs(low)) * envelope).astype(np.float32)


def knocks(rate: int) -> np.ndarray:
    out = np.zeros(int(1.5 * rate), np.float32)
    t = np.arange(int(0.05 * rate)) / rate
    click = (np.sin(2 * np.pi * 180 * t) * np.exp(-t * 80)).astype(np.float32)
    for start_s in (0.2, 0.5, 0.8):
        start = int(start_s * rate)
        out[start:start + t.size] += 0.7 * click
    return out


def add_bwf(path: Path, description: str = "", ixml: str = "") -> None:
    """Append `bext` and `iXML` chunks to a WAV file (and fix the RIFF size)."""
    data = bytearray(path.read_bytes())
    extra = b""
    if description:
        bext = description.encode()[:256].ljust(256, b"\0") + b"Test Recorder".ljust(32, b"\0")
        bext = bext.ljust(602, b"\0")
        extra += b"bext" + struct.pack("<I", len(bext)) + bext
    if ixml:
        body = ixml.encode()
        if len(body) % 2:
            body += b" "
        extra += b"iXML" + struct.pack("<I", len(body)) + body
    data += extra
    data[4:8] = struct.pack("<I", len(data) - 8)
    path.write_bytes(bytes(data))


def ixml_user(**fields: str) -> str:
    user = "".join(f"<{k.upper()}>{v}</{k.upper()}>" for k, v in fields.items())
    return f'<?xml version="1.0" encoding="UTF-8"?><BWFXML><USER>{user}</USER></BWFXML>'


def has_ffmpeg() -> bool:
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def make_library(root: Path, with_m4a: bool = True) -> dict[str, Path]:
    """Write the library under `root`; returns the files by a short name."""
    files: dict[str, Path] = {}
    farm = root / "Animals" / "Farm"
    storms = root / "Weather" / "Storms"
    house = root / "House"
    for folder in (farm, storms, house, root / "Footsteps", root / "Birds", root / "Ambisonic",
                   root / "Crowds"):
        folder.mkdir(parents=True, exist_ok=True)

    files["dog_close"] = farm / "ANMLDog_Bark Close Aggressive_TST_Farm.wav"
    sf.write(files["dog_close"], bark(44_100, 1), 44_100, subtype="PCM_24")
    add_bwf(files["dog_close"], "Large dog barking twice, close, aggressive")
    files["dog_close_2"] = farm / "ANMLDog_Bark Close Aggressive 02_TST_Farm.wav"
    sf.write(files["dog_close_2"], bark(44_100, 2, lead_s=0.3), 44_100, subtype="PCM_24")
    add_bwf(files["dog_close_2"], "Large dog barking twice, close, aggressive")
    files["dog_small"] = farm / "ANMLDog_Small Yappy Terrier_TST_Farm.wav"
    sf.write(files["dog_small"], bark(48_000, 3, pitch_hz=900), 48_000, subtype="PCM_16")
    add_bwf(files["dog_small"], "Small terrier yapping")

    files["rain"] = storms / "RAINMetl_Heavy On Tin Roof_TST_Storms.wav"
    sf.write(files["rain"], rain(48_000, 3.0, 4).T, 48_000, subtype="PCM_24")
    add_bwf(files["rain"], "Heavy rain drumming on a tin roof",
            ixml_user(category="RAIN", subcategory="METAL", fxname="Heavy On Tin Roof",
                      description="heavy rain drumming on a corrugated tin roof, steady",
                      keywords="rain, downpour, roof, storm"))
    files["thunder"] = storms / "WTHRThun_Rolling Thunder Far_TST_Storms.flac"
    sf.write(files["thunder"], rumble(48_000, 4.0, 5), 48_000, subtype="PCM_24")
    files["knock"] = house / "DOORWood_Knock Three Times_TST_House.aiff"
    sf.write(files["knock"], knocks(48_000), 48_000, subtype="PCM_16", format="AIFF")
    files["steps"] = root / "Footsteps" / "gravel walk slow.ogg"
    steps = np.concatenate([knocks(48_000)] * 2) * 0.6
    sf.write(files["steps"], steps, 48_000, format="OGG", subtype="VORBIS")
    files["birds"] = root / "Birds" / "morning songbirds chirping.mp3"
    t = np.arange(int(2.5 * 44_100)) / 44_100
    chirps = (0.3 * np.sin(2 * np.pi * (3000 + 800 * np.sin(2 * np.pi * 6 * t)) * t)
              * (np.sin(2 * np.pi * 3 * t) > 0.3)).astype(np.float32)
    sf.write(files["birds"], chirps, 44_100, format="MP3", subtype="MPEG_LAYER_III")
    files["forest_16ch"] = root / "Ambisonic" / "AMBForst_Forest Dawn Sixteen Channel_TST_Woods.wav"
    sf.write(files["forest_16ch"], rain(48_000, 1.5, 6, channels=16).T * 0.5, 48_000,
             subtype="PCM_24")
    if with_m4a and has_ffmpeg():
        files["crowd_m4a"] = root / "Crowds" / "cafe crowd murmur.m4a"
        source = root / "Crowds" / "_source.wav"
        sf.write(source, rain(44_100, 2.0, 7).T * 0.5, 44_100)
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(source), "-c:a", "aac",
                        str(files["crowd_m4a"])], check=True, timeout=60)
        source.unlink()
    files["damaged"] = house / "DOORWood_Slam Damaged_TST_House.wav"
    good = house / "_good.wav"
    sf.write(good, knocks(48_000), 48_000)
    raw = good.read_bytes()
    good.unlink()
    files["damaged"].write_bytes(raw[:12] + b"fmt " + b"\xff" * 40 + raw[60:200])
    files["not_audio"] = house / "session notes.wav"
    files["not_audio"].write_text("These are my notes about the session, not audio.\n" * 20)
    (root / "readme.txt").write_text("not a sound")
    return files
