"""The built wheel works on its own (issue 13): installed into a fresh virtual environment and run from a
folder outside the checkout, it loads the shipped default model and every console command works.

Slow (a few minutes): it builds the wheel, installs it with its dependencies from the package registry into
a new venv, then runs ``score``, ``explain``, ``data generate``, ``evaluate``, ``train`` (the shipped tiny
config) and ``serve`` there, never on this checkout's code.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args[:3]} exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("wheel")
    dist, venv, work = root / "dist", root / "venv", root / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "GROOMING_DETECT"))}
    env["MLFLOW_TRACKING_URI"] = f"sqlite:///{work / 'mlflow.db'}"
    _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist), str(REPO)],
        REPO,
        env,
    )
    (wheel,) = dist.glob("grooming_detect-*.whl")
    _run([sys.executable, "-m", "venv", str(venv)], root, env)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-c", str(REPO / "constraints.txt")]
    _run([*pip, f"{wheel}[serve,train,eval]"], root, env, timeout=1500)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    sample = json.loads((REPO / "tests" / "data" / "written_sample.jsonl").read_text(encoding="utf-8").splitlines()[0])
    transcript = {"id": "c1", "messages": [{"sender": m["sender"], "text": m["text"]} for m in sample["messages"]]}
    (work / "in.jsonl").write_text(json.dumps(transcript, ensure_ascii=False) + "\n", encoding="utf-8")
    return {"wheel": wheel, "venv": venv, "work": work, "env": env, "python": str(venv / "bin" / "python")}


def test_the_wheel_carries_the_model_and_data_files(installed: dict) -> None:
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for shipped in (REPO / "models" / "default").rglob("*"):
        if shipped.is_file():
            assert f"grooming_detect/default_model/{shipped.relative_to(REPO / 'models' / 'default')}" in names
    data = {
        "grooming_detect_training/configs/tiny.yaml",
        "grooming_detect_training/corpus/identity_terms.yaml",
        "grooming_detect_evaluation/data/identity_groups.yaml",
    }
    assert data <= names
    assert any(n.startswith("grooming_detect_training/synth/content/") and n.endswith(".yaml") for n in names)
    assert any(n.startswith("grooming_detect_evaluation/data/functional/") and n.endswith(".jsonl") for n in names)


def test_site_packages_gets_no_generic_top_level_names(installed: dict) -> None:
    """training/ and evaluation/ install as grooming_detect_training and grooming_detect_evaluation."""
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    top = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith((".dist-info", ".data"))}
    assert top == {"grooming_detect", "grooming_detect_training", "grooming_detect_evaluation"}
    code = "import importlib.util as u; print([u.find_spec(m) is None for m in ('training', 'evaluation')])"
    assert _run([installed["python"], "-c", code], installed["work"], installed["env"]).stdout.strip() == "[True, True]"


def test_from_pretrained_with_no_argument_loads_the_installed_model(installed: dict) -> None:
    code = (
        "import json; from grooming_detect import RiskScorer; from grooming_detect.scorer import resolve_model_path;"
        "s = RiskScorer.from_pretrained(); print(json.dumps([s.version, str(resolve_model_path())]))"
    )
    version, path = json.loads(_run([installed["python"], "-c", code], installed["work"], installed["env"]).stdout)
    shipped = json.loads((REPO / "models" / "default" / "config.json").read_text(encoding="utf-8"))
    assert version == shipped["version"]
    assert Path(path).is_relative_to(installed["venv"]) and not Path(path).is_relative_to(REPO)


def test_score_and_explain(installed: dict) -> None:
    work, env = installed["work"], installed["env"]
    scored = _run(["grooming-detect", "score", "in.jsonl", "-o", "out.jsonl"], work, env)
    assert "Warning" not in scored.stderr and "Loading weights" not in scored.stderr, scored.stderr[-2000:]
    (result,) = [json.loads(line) for line in (work / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert result["id"] == "c1" and result["flagged"] is True and result["first_alert_index"] is not None
    shown = _run(["grooming-detect", "explain", "in.jsonl", "--id", "c1"], work, env).stdout
    assert "c1" in shown
    (work / "empty.jsonl").write_text("", encoding="utf-8")
    args = ["grooming-detect", "score", "empty.jsonl", "-o", "none.jsonl"]
    empty = subprocess.run(args, cwd=work, env=env, capture_output=True, text=True)
    assert empty.returncode == 1 and "held no transcripts" in empty.stderr


def test_data_generate_evaluate_and_train(installed: dict) -> None:
    work, env = installed["work"], installed["env"]
    _run(["grooming-detect", "data", "generate", "--n", "200", "--seed", "0", "--out", "syn"], work, env)
    assert (work / "syn" / "test.jsonl").is_file()
    _run(
        [
            *("grooming-detect", "evaluate", "--model", "default", "--suite", "held_out", "--data-dir", "syn"),
            *("--max-records", "20", "--out", "report", "--quiet"),
        ],
        work,
        env,
    )
    assert (work / "report" / "report.html").is_file()
    # the tiny config reads written chats and OOD sets beside it, as a user's own data would be
    sample = (REPO / "tests" / "data" / "written_sample.jsonl").read_text(encoding="utf-8")
    for folder, prefix in (("written/x00", "x00"), ("ood/ood_dev/d00", "d00"), ("ood/ood_test/t00", "t00")):
        (work / folder).mkdir(parents=True)
        (work / folder / "part-01.jsonl").write_text(sample.replace('"x00-', f'"{prefix}-'), encoding="utf-8")
    trained = _run(["grooming-detect", "train", "--config", "tiny", "--quiet"], work, env)
    assert "registered version" in trained.stdout
    # no library noise on load (issue 13): transformers' deprecation notice, its per-load progress bar
    assert "is_gradient_checkpointing" not in trained.stderr and "Loading weights" not in trained.stderr
    assert (work / "runs" / "tiny" / "model" / "head.safetensors").is_file()


def test_serve_answers_ready_with_the_model_version(installed: dict) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        ["grooming-detect", "serve", "--open", "--port", str(port)],
        cwd=installed["work"],
        env=installed["env"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline, body = time.monotonic() + 180, None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
                    body = json.loads(answer.read())
                    break
            except OSError:
                time.sleep(1)
        assert body is not None, server.stderr.read() if server.poll() is not None else "no answer in 180 s"
        shipped = json.loads((REPO / "models" / "default" / "config.json").read_text(encoding="utf-8"))
        assert shipped["version"] in json.dumps(body)
    finally:
        server.terminate()
        server.wait(timeout=30)
