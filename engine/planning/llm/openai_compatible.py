"""A planner that asks any OpenAI-compatible chat endpoint (OpenAI, Ollama, llama.cpp server,
vLLM, LM Studio) for the plan. Standard library HTTP only; nothing is imported at start-up.

    get_planner("openai", model="llama3.1", base_url="http://localhost:11434/v1")

The API key is read from an environment variable (OPENAI_API_KEY unless `api_key_env` names
another), never from the command line. The answer is asked for as a JSON schema
(`response_format`); a server that does not support that is asked for a JSON object, and
then for plain text, and the planner remembers what the server accepted.
"""
from __future__ import annotations

import json
import math
import os
import time

from engine.errors import InvalidInput
from engine.planning.llm import http_post
from engine.planning.llm.base import BackendFailure, LLMPlanner
from engine.planning.llm.prompting import max_events_for, plan_schema
from engine.planning.plan import PlanRequest
from engine.progress import CancelToken

DEFAULT_BASE_URL = "https://api.openai.com/v1"
RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}
MAX_REPLY_BYTES = 4 * 1024 * 1024


class OpenAICompatiblePlanner(LLMPlanner):
    name = "openai"

    def __init__(self, model: str | None = None, base_url: str | None = None,
                 api_key_env: str = "OPENAI_API_KEY", timeout_s: float = 60.0,
                 retries: int = 2, temperature: float = 0.2, seed: int | None = None) -> None:
        self.model = model or os.environ.get("AUDIOSTORY_OPENAI_MODEL", "")
        if not self.model:
            raise InvalidInput("the openai planner needs a model name: pass --model (for "
                               "example gpt-4o-mini, or llama3.1 for a local Ollama).")
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL")
                         or DEFAULT_BASE_URL).rstrip("/")
        problem = http_post.check_url(self.base_url)
        if problem is not None:
            raise InvalidInput(f"--base-url {self.base_url!r} is not an http(s) URL that can "
                               f"be used ({problem}); give one such as "
                               "http://localhost:11434/v1.")
        if not (isinstance(timeout_s, (int, float)) and math.isfinite(timeout_s)
                and timeout_s > 0):
            raise InvalidInput(f"the request timeout must be a positive number of seconds, "
                               f"not {timeout_s!r}.")
        self.api_key = os.environ.get(api_key_env, "")
        self.api_key_env = api_key_env
        self.timeout_s = float(timeout_s)
        self.retries = max(0, int(retries))
        self.temperature = temperature
        self.seed = seed
        self._formats = ["json_schema", "json_object", "none"]  # what we may still try

    def _complete(self, chat: list[dict[str, str]], request: PlanRequest,
                  cancel: CancelToken | None) -> str:
        while True:
            body = {"model": self.model, "messages": chat, "temperature": self.temperature,
                    "seed": request.seed if self.seed is None else self.seed}
            response_format = self._response_format(max_events_for(request.duration_s))
            if response_format is not None:
                body["response_format"] = response_format
            status, payload = self._post("/chat/completions", body, cancel)
            if status == 400 and self._formats[0] != "none" and _about_format(payload):
                self._formats.pop(0)  # the server does not take this response_format
                continue
            if status in (401, 403):
                raise BackendFailure(f"the server at {self.base_url} refused the request "
                                     f"(HTTP {status}); set the API key in ${self.api_key_env}")
            if status == 404:
                raise BackendFailure(f"the server at {self.base_url} has no chat endpoint or "
                                     f"no model {self.model!r} (HTTP 404)")
            if status != 200:
                raise BackendFailure(f"the server at {self.base_url} answered HTTP {status}: "
                                     f"{_short(payload)}")
            return _message_text(payload)

    def _response_format(self, max_events: int) -> dict | None:
        kind = self._formats[0]
        if kind == "json_schema":
            return {"type": "json_schema",
                    "json_schema": {"name": "sound_plan", "schema": plan_schema(max_events),
                                    "strict": False}}
        if kind == "json_object":
            return {"type": "json_object"}
        return None

    def _post(self, path: str, body: dict, cancel: CancelToken | None) -> tuple[int, bytes]:
        """POST with retries on network failures, timeouts and busy servers.

        Each attempt has one deadline (`timeout_s`) for the whole exchange and sees cancel
        at once; redirects are refused (the key goes nowhere but `base_url`), an answer is
        at most MAX_REPLY_BYTES, and every failure is a BackendFailure (the planner then
        falls back to the offline one with a warning)."""
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        problem = ""
        for attempt in range(self.retries + 1):
            if cancel is not None:
                cancel.raise_if_cancelled()
            if attempt:
                _pause(min(0.5 * 2 ** (attempt - 1), 4.0), cancel)
            try:
                reply = http_post.post(self.base_url + path, data, headers, self.timeout_s,
                                       MAX_REPLY_BYTES, cancel)
            except http_post.HTTPFailure as exc:
                if not exc.retryable:
                    raise BackendFailure(f"the server at {self.base_url}: {exc}") from None
                problem = str(exc)
                continue
            if reply.status in http_post.REDIRECTS:
                raise BackendFailure(
                    f"the server at {self.base_url} redirected the request to "
                    f"{_short(reply.location.encode())} (HTTP {reply.status}); redirects are "
                    "not followed, so no key went there: give the final address as --base-url")
            if reply.status not in RETRYABLE_STATUS:
                return reply.status, reply.body
            problem = f"HTTP {reply.status}: {_short(reply.body)}"
        tries = self.retries + 1
        raise BackendFailure(f"the server at {self.base_url}: {problem}"
                             + (f" (tried {tries} times)" if tries > 1 else ""))


def _pause(seconds: float, cancel: CancelToken | None) -> None:
    """Wait between attempts, seeing cancel at once."""
    if cancel is None:
        time.sleep(seconds)
        return
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        cancel.raise_if_cancelled()
        time.sleep(min(left, 0.05))
    cancel.raise_if_cancelled()


def _about_format(payload: bytes) -> bool:
    text = payload.decode("utf-8", "replace").lower()
    return "response_format" in text or "json_schema" in text or "schema" in text


def _message_text(payload: bytes) -> str:
    try:
        data = json.loads(payload)
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError, RecursionError):
        raise BackendFailure(f"the server's answer is not an OpenAI chat completion: "
                             f"{_short(payload)}") from None
    if not isinstance(content, str):
        raise BackendFailure("the server's chat completion holds no text")
    return content


def _short(payload: bytes) -> str:
    text = " ".join(payload.decode("utf-8", "replace").split())
    return repr(text[:120] + ("…" if len(text) > 120 else ""))
