"""The OpenAI-compatible planner against hostile and broken servers on loopback.

Whatever the server does (redirect elsewhere, drip a byte at a time, break HTTP, send JSON
nested 100,000 deep or gigantic), the planner sends its key nowhere else, gives up at its
deadline, sees cancel at once and falls back to the offline planner with a warning; the
command line prints one clear line and nothing a terminal would act on."""
from __future__ import annotations

import json
import threading
import time

import pytest

from engine.errors import Cancelled, InvalidInput
from engine.planning import PlanRequest, get_planner
from engine.progress import CancelToken
from tests.conftest import run_cli
from tests.integration.test_planning_openai import GOOD_PLAN, REQUEST, Server, completion
from tests.support.raw_http import RawServer, response

pytestmark = pytest.mark.network

KEY = "sk-secret-never-elsewhere"


def planner(base_url: str, **options):
    return get_planner("openai", model="test-model", base_url=base_url,
                       **{"timeout_s": 5.0, "retries": 0, **options})


def good_answer() -> bytes:
    return json.dumps(completion(json.dumps(GOOD_PLAN))).encode()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_origin_is_not_followed_and_gets_no_key(monkeypatch, status):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with Server(lambda n, body: (200, completion(json.dumps(GOOD_PLAN)))) as elsewhere:
        target = elsewhere.base_url + "/chat/completions"
        with RawServer(lambda request: [response(b"", f"{status} Moved",
                                                 {"Location": target})]) as server:
            plan = planner(server.base_url).plan(REQUEST)
        assert elsewhere.requests == []  # nothing, let alone the key, went there
    assert KEY.encode() in server.requests[0]  # the key went only where it was meant to
    assert plan.planner == "offline"
    assert f"redirected the request to '{target}' (HTTP {status})" in plan.warnings[0]
    assert "no key went there" in plan.warnings[0]


def test_a_server_dripping_a_byte_at_a_time_is_cut_off_at_the_deadline():
    def drip(request):
        yield b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
        for _ in range(10_000):
            yield b" "
            yield 0.05

    with RawServer(drip) as server:
        started = time.monotonic()
        plan = planner(server.base_url, timeout_s=1.0).plan(REQUEST)
        elapsed = time.monotonic() - started
    assert plan.planner == "offline" and "no answer within 1 s" in plan.warnings[0]
    assert elapsed < 4.0  # one deadline for the whole answer, not one per read


def test_a_server_dripping_its_headers_is_cut_off_at_the_deadline():
    def drip(request):
        yield b"HTTP/1.1 200 OK\r\n"
        for i in range(10_000):
            yield f"X-Slow-{i}: a\r\n".encode()
            yield 0.05

    with RawServer(drip) as server:
        started = time.monotonic()
        plan = planner(server.base_url, timeout_s=1.0, retries=1).plan(REQUEST)
        elapsed = time.monotonic() - started
    assert plan.planner == "offline" and "no answer within 1 s (tried 2 times)" in plan.warnings[0]
    assert elapsed < 6.0


def test_cancel_is_seen_in_the_middle_of_a_read():
    def silent(request):
        yield b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
        yield 30.0

    cancel = CancelToken()
    outcome: list[BaseException] = []
    with RawServer(silent) as server:
        def run():
            try:
                planner(server.base_url, timeout_s=30.0).plan(REQUEST, cancel=cancel)
            except BaseException as exc:  # noqa: BLE001 (the test looks at what it was)
                outcome.append(exc)

        thread = threading.Thread(target=run)
        thread.start()
        time.sleep(0.5)
        cancelled_at = time.monotonic()
        cancel.cancel()
        thread.join(5)
        stopped_after = time.monotonic() - cancelled_at
    assert not thread.is_alive() and stopped_after < 1.0
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)


def _many_headers(request):
    yield b"HTTP/1.1 200 OK\r\n" + b"".join(f"X-H{i}: v\r\n".encode() for i in range(150))
    yield b"Content-Length: 2\r\n\r\n{}"


@pytest.mark.parametrize("case, script, problem", [
    ("bad status line", lambda r: [b"HELLO THERE\r\n\r\n"], "not valid HTTP"),
    ("more than 100 headers", _many_headers, "not valid HTTP"),
    ("a 70 KB header", lambda r: [b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n"],
     "not valid HTTP"),
    ("broken chunked encoding",
     lambda r: [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n"],
     "not valid HTTP"),
    ("hang up mid-answer",
     lambda r: [b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"choices\": "],
     "not valid HTTP"),
    ("JSON nested 100,000 deep", lambda r: [response(b"[" * 100_000 + b"]" * 100_000)],
     "not an OpenAI chat completion"),
    ("a 5,000-digit number", lambda r: [response(b'{"choices": ' + b"7" * 5000 + b"}")],
     "not an OpenAI chat completion"),
    ("an answer of 5 MB", lambda r: [response(b" " * (5 * 2**20))], "larger than 4 MB"),
    ("5 MB chunked", lambda r: [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                                *([b"100000\r\n" + b" " * 0x100000 + b"\r\n"] * 5)],
     "larger than 4 MB"),
])
def test_a_broken_answer_falls_back_with_a_warning(case, script, problem):
    with RawServer(script) as server:
        plan = planner(server.base_url).plan(REQUEST)
    assert plan.planner == "offline", case
    assert "openai planner gave no usable plan" in plan.warnings[0], case
    assert problem in plan.warnings[0], (case, plan.warnings[0])


@pytest.mark.parametrize("content", [
    '{"events": ' + "[" * 100_000 + "]" * 100_000 + "}",
    '{"reasoning": "x", "events": [{"caption": "rain", "start_s": ' + "9" * 5000 + "}]}",
])
def test_unreadable_plan_text_inside_a_good_completion_falls_back(content):
    with Server(lambda n, body: (200, completion(content))) as server:
        plan = planner(server.base_url).plan(REQUEST)
    assert len(server.requests) == 2  # asked once more, with the reason, then gave up
    assert plan.planner == "offline" and "cannot be read" in plan.warnings[0]


def test_the_environments_proxy_carries_the_request(monkeypatch):
    with Server(lambda n, body: (200, completion(json.dumps(GOOD_PLAN)))) as proxy:
        monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.httpd.server_address[1]}")
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        plan = planner("http://models.example.invalid/v1").plan(REQUEST)
    assert plan.planner == "openai"
    assert proxy.requests[0]["path"] == "http://models.example.invalid/v1/chat/completions"


HOSTILE_PLAN = {
    "reasoning": "\x1b]0;owned\x07\x1b[2J reasoning \x9b31m",
    "events": [
        {"caption": "rain \x1b[31mon a tin roof", "track": "ambience", "start_s": 0,
         "duration_s": 20, "tone": "\x1b[5mcalm", "cues": {"place": "shed\x1b[0m"}},
        {"caption": "door" + "o" * 1_000_000, "track": "effects", "start_s": 8,
         "duration_s": 2, "tone": "tense", "cues": {}},
    ],
    "warnings": ["\x1b[31mthe model says hello\u202e"],
}


@pytest.mark.parametrize("as_json", [False, True])
def test_the_command_line_prints_nothing_a_terminal_would_act_on(as_json):
    with Server(lambda n, body: (200, completion(json.dumps(HOSTILE_PLAN)))) as server:
        result = run_cli("plan", "Rain on a shed, a door slams.", "--duration", "20",
                         "--planner", "openai", "--model", "test-model", "--base-url",
                         server.base_url, *(["--json"] if as_json else []), timeout=120)
    assert result.returncode == 0, result.stderr
    for stream in (result.stdout, result.stderr):
        assert not any(ord(ch) < 32 and ch not in "\n" or 0x7f <= ord(ch) <= 0x9f
                       or ch == "\u202e" for ch in stream)
    if as_json:
        plan = json.loads(result.stdout)
        assert [len(e["caption"]) <= 300 for e in plan["events"]] == [True, True]
    else:
        assert "door" in result.stdout and "o" * 301 not in result.stdout


@pytest.mark.parametrize("url, why", [
    ("http://[::1", "Invalid IPv6 URL"),
    ("http://localhost:abc/v1", "Port could not be cast to integer"),
    ("http://local host:8080/v1", "a space"),
    ("http://localhost:99999/v1", "out of range"),
    ("http://:8080/v1", "names no host"),
    ("ftp://localhost/v1", "not an http(s) URL"),
])
def test_an_unusable_base_url_is_an_input_error(url, why):
    with pytest.raises(InvalidInput) as info:
        get_planner("openai", model="m", base_url=url)
    assert str(info.value).startswith(f"--base-url {url!r}") and why in str(info.value)


def test_the_command_line_says_so_in_one_line_with_exit_2():
    result = run_cli("plan", "rain", "--planner", "openai", "--model", "m", "--base-url",
                     "http://[::1", timeout=120)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --base-url"), result.stderr
    assert "Invalid IPv6 URL" in lines[0] and "internal error" not in lines[0]


def test_an_unreachable_server_falls_back(tmp_path):
    with RawServer(lambda r: []) as server:
        port = server.port
    plan = planner(f"http://127.0.0.1:{port}/v1").plan(PlanRequest("rain", 10.0))
    assert plan.planner == "offline" and "cannot reach it" in plan.warnings[0]
