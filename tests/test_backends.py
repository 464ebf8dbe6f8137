"""Encoder backends (issue 14): choosing one, the ONNX artifact's cache, and parity with the torch reference.

Everything runs the real shipped model on ONNX Runtime; the artifacts are built here from the model's own
weights, as a user's first load builds them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from safetensors.torch import load_file, save_file

from grooming_detect import Message, RiskScorer, Transcript
from grooming_detect.backends import BACKEND_ENV, DEFAULT_BACKEND, resolve_backend
from grooming_detect.model import RiskModel
from grooming_detect.scorer import resolve_model_path
from grooming_detect_evaluation.chats import ood_records
from grooming_detect_evaluation.metrics import pr_auc

DEFAULT_MODEL = resolve_model_path()  # the shipped model, or $GROOMING_DETECT_MODEL as in conftest.py

TEXTS = [
    "น้องอายุเท่าไหร่แล้วครับ อยู่บ้านคนเดียวไหม",
    "13 ค่ะ",
    "อย่าบอกพ่อแม่นะ เดี๋ยวพี่เติมเพชรให้",
    "พรุ่งนี้ส่งการบ้านคณิตก่อนแปดโมงนะทุกคน",
    "ok na ja 555",
]


def test_a_backend_is_chosen_by_argument_then_setting_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BACKEND_ENV, raising=False)
    assert resolve_backend() == DEFAULT_BACKEND == "onnx"
    monkeypatch.setenv(BACKEND_ENV, "torch")
    assert resolve_backend() == "torch"
    assert resolve_backend("onnx-int8") == "onnx-int8"
    with pytest.raises(ValueError, match=r"unknown backend 'tensorrt'; choose one of onnx-int8, onnx, torch"):
        resolve_backend("tensorrt")
    monkeypatch.setenv(BACKEND_ENV, "gpu")
    with pytest.raises(ValueError, match=rf"unknown {BACKEND_ENV} 'gpu'"):
        resolve_backend()


def test_the_default_backend_gives_the_torch_figures(scorer: RiskScorer) -> None:
    """The shipped default (ONNX fp32) and the torch reference encode alike, and the scorer says which ran."""
    reference = RiskScorer.from_pretrained(DEFAULT_MODEL, backend="torch")
    assert (scorer.backend, reference.backend) == ("onnx", "torch")
    assert np.abs(scorer.encode(TEXTS).numpy() - reference.encode(TEXTS).numpy()).max() < 1e-4
    # one message's vector does not depend on the batch it is encoded in
    alone = np.concatenate([scorer.encode([t]).numpy() for t in TEXTS])
    assert np.abs(alone - scorer.encode(TEXTS).numpy()).max() < 1e-4


def _scaled_adapter(source: Path, target: Path, factor: float) -> None:
    shutil.copytree(source, target)
    path = target / "adapter" / "adapter_model.safetensors"
    weights = load_file(str(path))
    name = next(k for k in sorted(weights) if "lora_B" in k)
    weights[name] = weights[name] * factor
    save_file(weights, str(path))


def test_the_artifact_is_cached_and_rebuilt_when_its_inputs_change(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    first = RiskModel.load(DEFAULT_MODEL, cache_dir=cache, backend="onnx")
    assert "building the onnx encoder once" in capfd.readouterr().err  # the first-load cost is said
    again = RiskModel.load(DEFAULT_MODEL, cache_dir=cache, backend="onnx")
    assert again.encoder.artifact == first.encoder.artifact and "building" not in capfd.readouterr().err
    # an artifact cut short (a killed copy, a full disk) is not read: it is rebuilt
    onnx_file = first.encoder.artifact / "encoder.onnx"
    onnx_file.write_bytes(onnx_file.read_bytes()[:1000])
    rebuilt = RiskModel.load(DEFAULT_MODEL, cache_dir=cache, backend="onnx")
    assert "building" in capfd.readouterr().err
    assert np.allclose(rebuilt.encoder(TEXTS).numpy(), first.encoder(TEXTS).numpy(), atol=1e-6)
    # the weights live beside the graph (mapped, not copied, at load); a cut-short weights file is rebuilt too
    data_file = rebuilt.encoder.artifact / "encoder.data"
    assert data_file.stat().st_size > 100 * onnx_file.stat().st_size
    with data_file.open("r+b") as f:
        f.truncate(1000)
    RiskModel.load(DEFAULT_MODEL, cache_dir=cache, backend="onnx")
    assert "building" in capfd.readouterr().err
    # other adapter weights: another artifact, never the stale one
    changed_dir = tmp_path / "changed"
    _scaled_adapter(DEFAULT_MODEL, changed_dir, 3.0)
    changed = RiskModel.load(changed_dir, cache_dir=cache, backend="onnx")
    assert "building" in capfd.readouterr().err
    assert changed.encoder.artifact != first.encoder.artifact
    reference = RiskModel.load(changed_dir, cache_dir=cache, backend="torch")
    assert np.abs(changed.encoder(TEXTS).numpy() - reference.encoder(TEXTS).numpy()).max() < 1e-4
    assert np.abs(changed.encoder(TEXTS).numpy() - first.encoder(TEXTS).numpy()).max() > 1e-3


def test_the_onnx_encoder_is_for_inference_only(scorer: RiskScorer) -> None:
    with pytest.raises(RuntimeError, match="train with the torch backend"):
        scorer.model.encoder.train()


@pytest.mark.slow
def test_int8_holds_quality_on_ood_test() -> None:
    """Issue 14's bar for an int8 runtime: PR-AUC within 0.005 of torch, the same flag on >= 99% of chats.

    Measured on ``ood_test`` (nothing is tuned on it): torch 0.9974, int8 0.9972, flags 99.1% alike.
    """
    records = ood_records("ood_test")
    transcripts = [
        Transcript(id=r["id"], messages=[Message(sender=m["sender"], text=m["text"]) for m in r["messages"]])
        for r in records
    ]
    risky = np.array([max(r["metadata"][c] for c in ("grooming", "sextortion")) for r in records])
    out = {}
    for backend in ("torch", "onnx-int8"):
        scorer = RiskScorer.from_pretrained(DEFAULT_MODEL, backend=backend)
        results = scorer.score_batch(transcripts, return_spans=False)
        out[backend] = (
            np.array([max(r.category_scores.values()) for r in results]),
            np.array([r.flagged for r in results]),
        )
    assert abs(pr_auc(risky, out["onnx-int8"][0]) - pr_auc(risky, out["torch"][0])) <= 0.005
    assert (out["onnx-int8"][1] == out["torch"][1]).mean() >= 0.99
