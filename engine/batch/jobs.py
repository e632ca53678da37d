"""The jobs of a batch: one JSON object per line of a JOBS.jsonl file.

    {"name": "storm-01", "prompt": "rain on a tin roof", "duration_s": 30, "seed": 4,
     "planner": "offline", "generator": "procedural", "export": {"stems": true}}
    {"project": "chapters/one.story", "export": {"format": "flac"}}

A job is a prompt to plan and render, or a project folder whose stale events are rendered
(the project itself is never changed: the batch works on a copy). Each job has a content
key, a digest of everything its result depends on (prompt or project contents, duration,
seeds, planner, generator name and version, settings, export settings): a rerun skips a job
whose key has a finished result. A line that cannot be used becomes a failed job with one
line saying why; it never stops the others.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engine import __version__
from engine.errors import InvalidInput
from engine.export.formats import FORMATS, get_format
from engine.mix.loudness_targets import LOUDNESS_TARGETS
from engine.model.story import MAX_DURATION_S

KEY_FORMAT = 1  # bump when the meaning of a job changes, so every key changes with it
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,79}$")
MAX_LINE_BYTES = 1 << 20


class ExportOptions(BaseModel):
    """What each job writes besides its master (paths are the batch's, not the job's)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str = "wav24"
    loudness: str = "ebu"
    true_peak_db: float = Field(default=-1.0, ge=-20.0, le=0.0)
    stems: bool = False
    stems_per_event: bool = False
    markers: bool = False
    labels: bool = False
    ucs: bool = False

    @model_validator(mode="after")
    def _known(self) -> ExportOptions:
        if self.format not in FORMATS:
            raise ValueError(f"format {self.format!r} is not one of {', '.join(FORMATS)}")
        if self.loudness not in LOUDNESS_TARGETS:
            raise ValueError(f"loudness {self.loudness!r} is not one of "
                             f"{', '.join(LOUDNESS_TARGETS)}")
        if self.stems_per_event and not self.stems:
            raise ValueError("stems_per_event needs stems: true")
        return self

    @property
    def extension(self) -> str:
        return get_format(self.format).extension


class _JobLine(BaseModel):
    """One line as written; `parse_job` turns it into a `BatchJob`."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str | None = None
    prompt: str | None = None
    project: str | None = None
    duration_s: float = Field(default=60.0, gt=0, le=MAX_DURATION_S)
    seed: int = Field(default=1, ge=0, lt=2 ** 31)
    planner: str = "offline"
    planner_options: dict[str, str] = Field(default_factory=dict)
    generator: str = "procedural"
    generator_settings: dict[str, Any] = Field(default_factory=dict)
    export: ExportOptions = Field(default_factory=ExportOptions)
    keep_project: bool = False

    @model_validator(mode="before")
    @classmethod
    def _one_source(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError("each line must be a JSON object")
        has_prompt, has_project = data.get("prompt") is not None, data.get("project") is not None
        if has_prompt == has_project:
            raise ValueError('give either "prompt" (a story to plan) or "project" (a project '
                             "folder to render)")
        if has_project:
            taken = [key for key in ("duration_s", "seed", "planner", "planner_options",
                                     "generator", "generator_settings") if key in data]
            if taken:
                raise ValueError(f"a project job takes its {', '.join(taken)} from the "
                                 "project; leave them out")
        return data


@dataclass(frozen=True)
class BatchJob:
    """One job, ready to run: its name is its folder under --out, its key its identity."""

    line: int
    name: str
    key: str
    prompt: str | None = None
    project: Path | None = None  # a project folder on the machine that reads the jobs
    duration_s: float = 60.0
    seed: int = 1
    planner: str = "offline"
    planner_options: Mapping[str, str] = field(default_factory=dict)
    generator: str = "procedural"
    generator_settings: Mapping[str, Any] = field(default_factory=dict)
    export: ExportOptions = field(default_factory=ExportOptions)
    keep_project: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "planner_options", MappingProxyType(dict(self.planner_options)))
        object.__setattr__(self, "generator_settings",
                           MappingProxyType(dict(self.generator_settings)))

    def __reduce__(self):  # mapping proxies do not pickle; process pools and Ray need to
        return (_rebuild_job, (self.line, self.name, self.key, self.prompt, self.project,
                               self.duration_s, self.seed, self.planner,
                               dict(self.planner_options), self.generator,
                               dict(self.generator_settings), self.export, self.keep_project))

    @property
    def master_name(self) -> str:
        return f"{self.name}{self.export.extension}"

    def describe(self) -> str:
        return self.prompt if self.prompt is not None else str(self.project)


def _rebuild_job(*values) -> BatchJob:
    return BatchJob(*values)


@dataclass(frozen=True)
class BadLine:
    """A line that cannot become a job: reported as a failed job, the others still run."""

    line: int
    name: str
    error: str


def read_jobs(path: Path, versions: VersionLookup | None = None) -> list[BatchJob | BadLine]:
    """Every line of a JOBS.jsonl file, in order (blank lines and `#` comments skipped)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such jobs file.") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path} is a folder; give a JSONL file with one job per line.") from None
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read it ({exc.strerror or exc}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path}: not UTF-8 text; save it as UTF-8 JSON lines.") from None
    versions = versions or VersionLookup()
    jobs: list[BatchJob | BadLine] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            job = parse_job(line, number, path.parent, versions)
        except InvalidInput as exc:
            jobs.append(BadLine(number, f"line-{number}", str(exc)))
            continue
        folded = job.name.casefold()  # names are folders: one per name on any file system
        if folded in seen:
            jobs.append(BadLine(number, f"line-{number}", f"line {number}: the name "
                                f"{job.name!r} is already used by line {seen[folded]}; give "
                                "each job its own name"))
            continue
        seen[folded] = number
        jobs.append(job)
    if not jobs:
        raise InvalidInput(f"{path}: no jobs in it; write one JSON object per line, e.g. "
                           '{"prompt": "rain on a tin roof", "duration_s": 10}')
    return jobs


def parse_job(line: str, number: int, base: Path, versions: VersionLookup) -> BatchJob:
    """One line as a job; InvalidInput with `line N: what is wrong` otherwise."""
    if len(line.encode()) > MAX_LINE_BYTES:
        raise InvalidInput(f"line {number}: longer than {MAX_LINE_BYTES // 1024} KB; is it a job?")
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise InvalidInput(f"line {number}: not valid JSON ({exc})") from None
    try:
        spec = _JobLine.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        raise InvalidInput(f"line {number}: {where + ': ' if where else ''}{message}") from None
    if spec.prompt is not None:
        return _prompt_job(spec, number, versions)
    return _project_job(spec, number, base)


def _prompt_job(spec: _JobLine, number: int, versions: VersionLookup) -> BatchJob:
    prompt = (spec.prompt or "").strip()
    if not prompt:
        raise InvalidInput(f"line {number}: the prompt is empty; describe the story.")
    identity = {
        "prompt": prompt, "duration_s": spec.duration_s, "seed": spec.seed,
        "planner": spec.planner, "planner_options": spec.planner_options,
        "planner_version": versions.planner(spec.planner, number),
        "generator": spec.generator, "generator_version": versions.generator(spec.generator, number),
        "generator_settings": spec.generator_settings,
    }
    key = content_key(identity, spec)
    name = _job_name(spec.name, number) if spec.name else f"{slug(prompt)}-{key[:8]}"
    return BatchJob(line=number, name=name, key=key, prompt=prompt, duration_s=spec.duration_s,
                    seed=spec.seed, planner=spec.planner, planner_options=spec.planner_options,
                    generator=spec.generator, generator_settings=spec.generator_settings,
                    export=spec.export, keep_project=spec.keep_project)


def _project_job(spec: _JobLine, number: int, base: Path) -> BatchJob:
    from engine.batch.bundle import project_digest
    from engine.project.folder import project_folder

    folder = project_folder((base / Path(spec.project or "").expanduser()).resolve())
    try:
        digest = project_digest(folder)
    except InvalidInput as exc:
        raise InvalidInput(f"line {number}: {exc}") from None
    key = content_key({"project": digest}, spec)
    name = _job_name(spec.name, number) if spec.name else _job_name(slug(folder.stem), number)
    return BatchJob(line=number, name=name, key=key, project=folder, export=spec.export,
                    keep_project=spec.keep_project)


def content_key(identity: dict, spec: _JobLine) -> str:
    """A digest of everything a job's result depends on (sha256, hex)."""
    document = {"key_format": KEY_FORMAT, **identity, "export": spec.export.model_dump(),
                "keep_project": spec.keep_project}
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _job_name(name: str, number: int) -> str:
    if not NAME_PATTERN.match(name) or name.rstrip(". ") != name:
        raise InvalidInput(f"line {number}: name {name!r} is not usable as a folder name; use "
                           "letters, digits, spaces, '.', '_' or '-' (at most 80, not ending "
                           "in a dot or space)")
    return name


def slug(text: str, length: int = 40) -> str:
    words = re.findall(r"[A-Za-z0-9]+", text.lower())
    out = "-".join(words)[:length].strip("-")
    return out or "story"


class VersionLookup:
    """Versions of planners and generators by name, for the content key (looked up once)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], str] = {}

    def generator(self, name: str, number: int) -> str:
        from engine.generation import generator_names, get_generator

        if name not in generator_names():
            raise InvalidInput(f"line {number}: unknown generator {name!r}; choose one of: "
                               f"{', '.join(generator_names())}")
        return self._lookup(("generator", name), number, lambda: get_generator(name).version)

    def planner(self, name: str, number: int) -> str:
        from engine.planning import planner_names

        if name not in planner_names():
            raise InvalidInput(f"line {number}: unknown planner {name!r}; choose one of: "
                               f"{', '.join(planner_names())}")
        # planners carry no version of their own: the engine's release stands for them
        return self._lookup(("planner", name), number, lambda: __version__)

    def _lookup(self, key: tuple[str, str], number: int, find) -> str:
        if key not in self._cache:
            try:
                self._cache[key] = str(find())
            except ImportError as exc:
                raise InvalidInput(f"line {number}: the {key[0]} {key[1]!r} needs a library "
                                   f"that is not installed ({exc.name or exc}); install the AI "
                                   "pack: main.py models install-runtime") from None
        return self._cache[key]


def job_summary(job: BatchJob) -> dict[str, Any]:
    """The job as the manifest records it."""
    data = {"line": job.line, "name": job.name, "key": job.key}
    if job.prompt is not None:
        data.update(prompt=job.prompt, duration_s=job.duration_s, seed=job.seed,
                    planner=job.planner, generator=job.generator)
    else:
        data["project"] = str(job.project)
    data["export"] = job.export.model_dump()
    return data


JobStatus = Literal["done", "failed"]

__all__ = ["BadLine", "BatchJob", "ExportOptions", "JobStatus", "VersionLookup", "content_key",
           "job_summary", "parse_job", "read_jobs", "slug"]
