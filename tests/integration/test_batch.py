"""`main.py batch` in fresh processes: a local pool and a real local Ray cluster give the same
files as a serial run, bit for bit; a killed worker, a Ctrl+C and a rerun lose nothing."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]

JOBS = [
    {"name": "long", "prompt": "a storm over a harbour, waves crash and a bell rings",
     "duration_s": 40, "seed": 5},
    {"name": "rain", "prompt": "rain on a tin roof", "duration_s": 3, "seed": 3},
    {"name": "bell", "prompt": "a harbour bell rings twice, then gulls cry", "duration_s": 4,
     "export": {"stems": True, "labels": True}},
    {"prompt": "footsteps on a wooden pier", "duration_s": 3, "export": {"format": "flac"}},
]


def write_jobs(folder: Path) -> Path:
    path = folder / "jobs.jsonl"
    path.write_text("".join(json.dumps(job) + "\n" for job in JOBS))
    return path


def results(out: Path) -> dict[str, str]:
    """Every file under --out but the manifest, by relative name, as a digest."""
    return {path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(out.rglob("*")) if path.is_file() and path.name != "manifest.jsonl"}


def records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("serial")
    result = run_cli("batch", str(write_jobs(folder)), "--out", str(folder / "out"),
                     "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert "batch of 4 jobs finished" in result.stdout and "4 rendered" in result.stdout
    files = results(folder / "out")
    assert "long/long.wav" in files and "bell/bell.txt" in files
    assert any(name.startswith("bell/stems/bell - ") for name in files)
    assert any(name.endswith(".flac") for name in files)
    return files


def start_batch(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), "batch", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def processes() -> dict[int, str]:
    """Every process of this machine: pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(
                    b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
    return found


def kill_first(matching, batch: subprocess.Popen, timeout_s: float = 120) -> int:
    """SIGKILL the first process `matching(pid, cmdline)` picks while the batch runs."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and batch.poll() is None:
        for pid, cmdline in processes().items():
            if matching(pid, cmdline):
                os.kill(pid, signal.SIGKILL)
                return pid
        time.sleep(0.05)
    raise AssertionError("no worker was seen running a job")


def children_of(parent: int) -> set[int]:
    kids = set()
    for pid in processes():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            kids.add(pid)
    return kids


def test_a_local_pool_gives_the_serial_files_and_survives_a_killed_worker(tmp_path, serial):
    out = tmp_path / "out"
    batch = start_batch(str(write_jobs(tmp_path)), "--out", str(out), "--workers", "2")
    kill_first(lambda pid, cmd: "spawn_main" in cmd and pid in children_of(batch.pid)
               and _rendering(pid), batch)
    stdout, stderr = batch.communicate(timeout=600)
    assert batch.returncode == 0, stderr
    assert "4 rendered" in stdout
    assert results(out) == serial
    assert {r["name"] for r in records(out) if r["status"] == "done"} >= {"long", "rain", "bell"}

    again = run_cli("batch", str(write_jobs(tmp_path)), "--out", str(out), "--workers", "2")
    assert again.returncode == 0, again.stderr
    assert "4 skipped (already done)" in again.stdout and "0 rendered" in again.stdout


def _rendering(pid: int) -> bool:
    """A pool process that is using the CPU (it has a job), not one waiting for work."""
    try:
        first = sum(int(v) for v in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1]
                    .split()[11:13])
        time.sleep(0.2)
        second = sum(int(v) for v in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1]
                     .split()[11:13])
    except OSError:
        return False
    return second > first


def test_ctrl_c_stops_cleanly_and_a_rerun_continues(tmp_path, serial):
    out = tmp_path / "out"
    batch = start_batch(str(write_jobs(tmp_path)), "--out", str(out), "--workers", "2")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and batch.poll() is None:
        manifest = out / "manifest.jsonl"
        if manifest.exists() and '"status":"done"' in manifest.read_text():
            break
        time.sleep(0.05)
    batch.send_signal(signal.SIGINT)
    stdout, stderr = batch.communicate(timeout=300)
    assert batch.returncode == 130, stderr
    assert "run the same command again to continue" in stderr
    assert not (out / ".partial").exists()
    finished = [r["name"] for r in records(out) if r["status"] == "done"]
    assert 1 <= len(finished) < 4

    again = run_cli("batch", str(write_jobs(tmp_path)), "--out", str(out), "--workers", "2")
    assert again.returncode == 0, again.stderr
    assert f"{len(finished)} skipped (already done)" in again.stdout
    assert results(out) == serial


@pytest.fixture(scope="module")
def ray_cluster():
    """A real Ray cluster on this machine, started here; the CLI joins it by address."""
    ray = pytest.importorskip("ray", reason="the batch extra is not installed")
    context = ray.init(num_cpus=2, include_dashboard=False, object_store_memory=256 * 2 ** 20,
                       log_to_driver=False, configure_logging=False)
    yield context.address_info["gcs_address"]
    ray.shutdown()


@pytest.mark.ray
def test_ray_gives_the_serial_files_retries_a_killed_worker_and_resumes(tmp_path, serial,
                                                                        ray_cluster):
    out = tmp_path / "out"
    batch = start_batch(str(write_jobs(tmp_path)), "--out", str(out), "--ray", ray_cluster)
    killed = kill_first(lambda pid, cmd: cmd.startswith("ray::render_step"), batch)
    stdout, stderr = batch.communicate(timeout=600)
    assert killed and batch.returncode == 0, stderr
    assert "4 rendered" in stdout
    assert results(out) == serial
    assert {r["runner"] for r in records(out)} == {"ray"}

    again = run_cli("batch", str(write_jobs(tmp_path)), "--out", str(out), "--ray", ray_cluster)
    assert again.returncode == 0, again.stderr
    assert "4 skipped (already done)" in again.stdout


def test_batch_input_errors_are_one_line_and_exit_2(tmp_path):
    missing = run_cli("batch", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "o"))
    assert missing.returncode == 2 and missing.stderr.strip().count("\n") == 0
    assert "no such jobs file" in missing.stderr
    (tmp_path / "file").write_text("x")
    not_a_folder = run_cli("batch", str(write_jobs(tmp_path)), "--out", str(tmp_path / "file"))
    assert not_a_folder.returncode == 2 and "is a file" in not_a_folder.stderr


@pytest.mark.ray
@pytest.mark.tiny_model
def test_ray_renders_a_model_generator_on_actors(tmp_path, tiny_models_root):
    """A generator that holds a model renders on Ray actors (one model load serves their
    jobs); the takes match a serial run's."""
    import numpy as np
    import soundfile as sf

    from tests.support.tiny_models import cli_env

    jobs = tmp_path / "models.jsonl"
    jobs.write_text("".join(json.dumps(
        {"name": f"tf-{seed}", "prompt": "steady rain on a harbour, then a bell",
         "duration_s": 2, "seed": seed, "generator": "tangoflux",
         "generator_settings": {"steps": 2, "device": "cpu"}}) + "\n" for seed in (1, 2)))
    env = cli_env(tiny_models_root)
    runs = {}
    for label, extra in (("serial", ["--workers", "1"]), ("ray", ["--ray", "local", "--workers",
                                                                   "2"])):
        out = tmp_path / label
        result = subprocess.run([sys.executable, str(ROOT / "main.py"), "batch", str(jobs),
                                 "--out", str(out), *extra], capture_output=True, text=True,
                                env=env, timeout=600)
        assert result.returncode == 0, result.stderr
        assert "2 rendered" in result.stdout
        runs[label] = {name: sf.read(str(out / name / f"{name}.wav"), dtype="float32")[0]
                       for name in ("tf-1", "tf-2")}
    for name, audio in runs["serial"].items():
        assert audio.shape == (2 * 48_000, 2) and np.abs(audio).max() > 0
        np.testing.assert_allclose(runs["ray"][name], audio, atol=1e-4)
    assert not np.allclose(runs["serial"]["tf-1"], runs["serial"]["tf-2"])  # seeds matter
