"""The OpenAI-compatible planner against real HTTP servers on loopback.

Each server speaks (or mangles) the OpenAI chat-completions protocol; the planner must use a
good answer, repair a bad one once, and fall back to the offline planner with a warning the
user sees when the server returns garbage, refuses, or never answers.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from engine.errors import InvalidInput
from engine.model.story import TrackKind
from engine.planning import PlanRequest, get_planner
from tests.conftest import run_cli

pytestmark = pytest.mark.network

GOOD_PLAN = {
    "reasoning": "Two events over 20 s: rain under everything, a door slam at 8 s.",
    "events": [
        {"caption": "steady rain on a tin roof", "track": "ambience", "start_s": 0,
         "duration_s": 20, "tone": "calm", "cues": {"place": "shed"}},
        {"caption": "wooden door slamming shut", "track": "effects", "start_s": 8,
         "duration_s": 2, "tone": "tense", "cues": {"intensity": "high"}},
    ],
}
REQUEST = PlanRequest("Rain falls on a shed, then a door slams.", 20.0, seed=3)


def completion(content: str) -> dict:
    return {"id": "chatcmpl-1", "object": "chat.completion", "model": "test-model",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}]}


class Server:
    """A loopback HTTP server whose replies come from `respond(request_number, body)`."""

    def __init__(self, respond) -> None:
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append({"path": self.path, **body})
                server.headers.append(dict(self.headers))
                status, payload = respond(len(server.requests), body)
                if status is None:
                    return  # the timeout server: say nothing
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def planner(server: Server, **options):
    return get_planner("openai", model="test-model", base_url=server.base_url,
                       **{"timeout_s": 5.0, "retries": 0, **options})


def test_a_good_server_plans_the_story(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-123")
    with Server(lambda n, body: (200, completion(json.dumps(GOOD_PLAN)))) as server:
        plan = planner(server).plan(REQUEST)
    assert plan.planner == "openai" and not plan.warnings
    assert [(e.caption, e.track) for e in plan.events] == [
        ("steady rain on a tin roof", TrackKind.AMBIENCE),
        ("wooden door slamming shut", TrackKind.EFFECTS)]
    assert plan.reasoning.startswith("Two events")
    sent = server.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["model"] == "test-model"
    assert sent["seed"] == 3
    assert sent["response_format"]["type"] == "json_schema"
    assert "Rain falls on a shed" in sent["messages"][-1]["content"]
    assert "how many sound events" in sent["messages"][0]["content"]  # AudioStory style
    assert server.headers[0]["Authorization"] == "Bearer sk-test-123"


def test_a_server_without_json_schema_support_is_asked_for_a_json_object():
    def respond(n, body):
        if body.get("response_format", {}).get("type") == "json_schema":
            return 400, {"error": {"message": "response_format json_schema is not supported"}}
        return 200, completion("Here is the plan:\n```json\n" + json.dumps(GOOD_PLAN) + "\n```")

    with Server(respond) as server:
        plan = planner(server).plan(REQUEST)
    assert plan.planner == "openai" and len(plan.events) == 2
    assert [r.get("response_format", {}).get("type") for r in server.requests] == [
        "json_schema", "json_object"]


def test_an_invalid_plan_gets_one_repair_round():
    broken = json.loads(json.dumps(GOOD_PLAN))
    broken["events"][1]["duration_s"] = -2

    def respond(n, body):
        return 200, completion(json.dumps(broken if n == 1 else GOOD_PLAN))

    with Server(respond) as server:
        plan = planner(server).plan(REQUEST)
    assert plan.planner == "openai" and len(server.requests) == 2
    repair = server.requests[1]["messages"][-1]["content"]
    assert "durations must be positive" in repair  # the model is told what was wrong
    assert any("corrected" in w for w in plan.warnings)


def test_garbage_content_twice_falls_back_to_the_offline_planner():
    with Server(lambda n, body: (200, completion("I am a teapot. No JSON here."))) as server:
        plan = planner(server).plan(REQUEST)
    assert len(server.requests) == 2  # the answer, then one repair round, no more
    assert plan.planner == "offline"
    assert "openai planner gave no usable plan" in plan.warnings[0]
    assert "no JSON object" in plan.warnings[0]
    assert any("door" in e.caption for e in plan.events)


def test_a_server_that_returns_garbage_bytes_falls_back():
    with Server(lambda n, body: (200, b"\x00\xff<html>not json")) as server:
        plan = planner(server).plan(REQUEST)
    assert plan.planner == "offline"
    assert "not an OpenAI chat completion" in plan.warnings[0]


def test_a_server_that_never_answers_times_out_and_falls_back():
    release = threading.Event()

    def respond(n, body):
        release.wait(10)  # hold the connection open without answering
        return None, b""

    with Server(respond) as server:
        started = time.monotonic()
        plan = planner(server, timeout_s=0.5, retries=1).plan(REQUEST)
        elapsed = time.monotonic() - started
        release.set()
    assert plan.planner == "offline"
    assert "no answer within 0.5 s (tried 2 times)" in plan.warnings[0]
    assert len(server.requests) == 2 and elapsed < 9  # retried once, then gave up


def test_a_refused_key_says_where_the_key_goes(monkeypatch):
    monkeypatch.delenv("MY_KEY", raising=False)
    with Server(lambda n, body: (401, {"error": {"message": "bad key"}})) as server:
        plan = planner(server, api_key_env="MY_KEY").plan(REQUEST)
    assert plan.planner == "offline" and "$MY_KEY" in plan.warnings[0]
    assert "Authorization" not in server.headers[0]


def test_a_busy_server_is_retried():
    def respond(n, body):
        return (503, {"error": "busy"}) if n == 1 else (200, completion(json.dumps(GOOD_PLAN)))

    with Server(respond) as server:
        plan = planner(server, retries=2).plan(REQUEST)
    assert plan.planner == "openai" and len(server.requests) == 2


@pytest.mark.parametrize("options, message", [
    ({"base_url": "ftp://example.org"}, "not an http"),
    ({"base_url": "http://127.0.0.1:9/v1", "timeout_s": 0}, "positive number"),
])
def test_bad_settings_are_clear_errors(options, message):
    with pytest.raises(InvalidInput, match=message):
        get_planner("openai", model="m", **options)


def test_the_command_line_plans_through_the_server():
    with Server(lambda n, body: (200, completion(json.dumps(GOOD_PLAN)))) as server:
        result = run_cli("plan", "Rain falls on a shed, then a door slams.", "--duration", "20",
                         "--planner", "openai", "--model", "test-model", "--base-url",
                         server.base_url, "--json", timeout=120)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["planner"] == "openai"
    assert [e["caption"] for e in plan["events"]] == ["steady rain on a tin roof",
                                                      "wooden door slamming shut"]


def test_the_command_line_needs_a_model_for_openai():
    result = run_cli("plan", "rain", "--planner", "openai", timeout=120)
    assert result.returncode == 2
    assert "needs a model name" in result.stderr and result.stderr.count("\n") == 1


def test_render_takes_the_planner_options_and_shows_the_fallback(tmp_path):
    with Server(lambda n, body: (200, completion("not a plan"))) as server:
        result = run_cli("render", "A dog barks, then a door slams.", "--duration", "4",
                         "-o", str(tmp_path / "out.wav"), "--planner", "openai", "--model",
                         "test-model", "--base-url", server.base_url, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "openai planner gave no usable plan" in result.stderr
    assert (tmp_path / "out.wav").stat().st_size > 0
