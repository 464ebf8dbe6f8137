"""The model's building blocks: speaker slots, windowed encoding of long messages, safe save and load."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from grooming_detect.conversation import ConversationStep, so_far, speaker_slots
from grooming_detect.model import ConversationHead, HeadEnsemble, ModelConfig, RiskModel, build_head
from grooming_detect.model_files import ModelFolderError

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "default"


def test_speaker_slots_by_first_appearance() -> None:
    assert speaker_slots(["a", "b", "a", "c", "d", "e"], 4) == [0, 1, 0, 2, 3, 3]
    seen: dict[str, int] = {}
    assert speaker_slots(["x", "y"], 4, seen) + speaker_slots(["y", "z"], 4, seen) == [0, 1, 1, 2]


@pytest.mark.parametrize("aggregate", ["max", "last"])
def test_one_conversation_step_in_pieces_equals_whole_and_batched(aggregate: str) -> None:
    """Streaming (pieces from a carried state), one call and a padded batch are the same step."""
    torch.manual_seed(0)
    config = ModelConfig(hidden=16, speaker_dim=4, members=2, roles=True, aggregate=aggregate)
    head = build_head(config).eval()
    step = ConversationStep(head, config.speaker_slots, aggregate)
    vectors = torch.randn(7, 384)
    speakers, roles = speaker_slots(list("abaabcb"), config.speaker_slots), [0, 1, 0, 0, 1, 0, 1]
    raw, whole, hidden = step(vectors, speakers, roles)
    pieces, state, running = [], None, None
    for lo, hi in ((0, 1), (1, 4), (4, 7)):
        _, part, state = step(vectors[lo:hi], speakers[lo:hi], roles[lo:hi], state, running)
        pieces.append(part)
        running = part[-1]
    np.testing.assert_allclose(np.concatenate(pieces), whole, atol=1e-5)
    assert state is not None and hidden is not None and torch.allclose(state, hidden, atol=1e-5)
    short = torch.randn(3, 384)
    batched = step.batch([vectors, short], [speakers, [0, 1, 0]], [roles, [0, 0, 0]])
    np.testing.assert_allclose(batched[0], whole, atol=1e-5)
    np.testing.assert_allclose(batched[1], step(short, [0, 1, 0], [0, 0, 0])[1], atol=1e-5)
    # a variant read in the state before message 3 is message 3 itself when it is the same text
    _, _, before = step(vectors[:3], speakers[:3], roles[:3])
    np.testing.assert_allclose(step.variants(vectors[3:4], [speakers[3]], [roles[3]], [before])[0], raw[3], atol=1e-5)
    # states(): the same figures in one pass, with the state before every message; variants of several
    # messages at once, each in its own state (None at the start), read each message back
    raw_s, cum_s, states = step.states(vectors, speakers, roles)
    np.testing.assert_allclose(raw_s, raw, atol=1e-5)
    np.testing.assert_allclose(cum_s, whole, atol=1e-5)
    assert len(states) == len(vectors) + 1 and states[0] is None and torch.allclose(states[3], before, atol=1e-5)
    picks = [0, 3, 5]
    back = step.variants(
        vectors[picks], [speakers[i] for i in picks], [roles[i] for i in picks], [states[i] for i in picks]
    )
    np.testing.assert_allclose(back, raw[picks], atol=1e-5)
    with pytest.raises(ValueError, match="aggregate"):
        ConversationStep(head, 4, "mean")


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path) -> RiskModel:
    return RiskModel.load(tiny_model_dir)


def test_long_messages_are_windowed_not_truncated(tiny: RiskModel) -> None:
    encoder = tiny.encoder
    long_text = "อย่าบอกใครนะ " * 60
    windows, owner = encoder.windows(["สั้นๆ", long_text])
    assert owner.count(0) == 1 and owner.count(1) > 1
    assert all(len(w) <= encoder.max_length for w in windows)
    with torch.inference_mode():
        vectors = encoder(["สั้นๆ", long_text])
        single = encoder([long_text])
    assert vectors.shape == (2, encoder.dim)
    assert torch.allclose(vectors[1], single[0], atol=1e-5)
    tail_changed = encoder([long_text + " ส่งรูปมา"])
    assert not torch.allclose(single[0], tail_changed[0])  # the end of a long message still counts


def test_save_and_load_round_trip_uses_safe_formats(tiny: RiskModel, tmp_path: Path) -> None:
    tiny.thresholds = {"grooming": 0.3, "sextortion": 0.7}
    folder = tiny.save(tmp_path / "m")
    assert {p.name for p in folder.iterdir()} >= {"config.json", "head.safetensors", "thresholds.json"}
    again = RiskModel.load(folder)
    assert again.thresholds == {"grooming": 0.3, "sextortion": 0.7}
    for (k, a), (_, b) in zip(tiny.head.state_dict().items(), again.head.state_dict().items(), strict=True):
        assert torch.equal(a, b), k
    with pytest.raises(FileNotFoundError):
        RiskModel.load(tmp_path / "nothing")


def test_newer_format_is_refused(tiny_model_dir: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "future"
    shutil.copytree(tiny_model_dir, folder)
    config = json.loads((folder / "config.json").read_text())
    config["format_version"] = 99
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="newer"):
        RiskModel.load(folder)
    assert ModelConfig.from_dict({"name": "x", "unknown_field": 1}).name == "x"


def test_risk_so_far_by_hand() -> None:
    logits = np.array([[0.0, -1.0], [2.0, -3.0], [1.0, 0.5]])
    assert so_far(logits, "max").tolist() == [[0.0, -1.0], [2.0, -1.0], [2.0, 0.5]]
    assert so_far(logits, "last").tolist() == logits.tolist()  # the head's own reading, which may fall
    assert so_far(np.zeros((0, 2)), "max").shape == (0, 2)
    with pytest.raises(ValueError, match="unknown aggregate"):
        so_far(logits, "mean")


def test_head_ensemble_averages_members_and_streams_like_a_single_head() -> None:
    torch.manual_seed(0)
    config = ModelConfig(hidden=8, speaker_dim=4, members=3)
    head = build_head(config)
    assert isinstance(head, HeadEnsemble) and isinstance(build_head(ModelConfig(hidden=8)), ConversationHead)
    head.eval()
    x, spk = torch.randn(2, 5, 384), torch.tensor([[0, 1, 0, 1, 2], [1, 0, 1, 0, 0]])
    with torch.inference_mode():
        whole, state = head(x, spk)
        members = torch.stack([m(x, spk)[0] for m in head.members]).mean(dim=0)
        assert torch.allclose(whole, members, atol=1e-6)
        assert state.shape == (1, 2, 3 * 8)  # one tensor, kept and expanded like a single GRU state
        steps, state = [], None
        for t in range(5):
            out, state = head(x[:, t : t + 1], spk[:, t : t + 1], state)
            steps.append(out)
    assert torch.allclose(torch.cat(steps, dim=1), whole, atol=1e-5)
    with pytest.raises(ValueError, match="at least 1"):
        build_head(ModelConfig(members=0))


def test_ensemble_model_round_trips(tmp_path: Path) -> None:

    torch.manual_seed(1)
    model = RiskModel.create(ModelConfig(finetune="none", hidden=8, speaker_dim=4, members=2, aggregate="last"))
    folder = model.save(tmp_path / "ens")
    again = RiskModel.load(folder)
    assert again.config.members == 2 and again.config.aggregate == "last"
    for (k, a), (_, b) in zip(model.head.state_dict().items(), again.head.state_dict().items(), strict=True):
        assert torch.equal(a, b), k
    config = json.loads((folder / "config.json").read_text())
    config["aggregate"] = "median"
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="aggregate"):
        RiskModel.load(folder)


def _corrupt_copy(tmp_path: Path, name: str, content: str | bytes) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL, folder, ignore=shutil.ignore_patterns("report"))
    target = folder / name
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    return folder


_THRESHOLDS_OK = {"grooming": 0.8, "sextortion": 0.8}


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("thresholds.json", json.dumps({"grooming": "0.5", "sextortion": 0.8}), "thresholds.json in .*grooming"),
        ("thresholds.json", json.dumps({"grooming": True, "sextortion": 0.8}), "thresholds.json in .*grooming"),
        ("thresholds.json", json.dumps({"grooming": 1.5, "sextortion": 0.8}), "less than or equal to 1"),
        ("thresholds.json", json.dumps({"grooming": 0.8}), "thresholds.json: its categories"),
        ("thresholds.json", json.dumps({**_THRESHOLDS_OK, "spam": 0.5}), "thresholds.json: its categories"),
        ("thresholds.json", "[0.5, 0.5]", "thresholds.json in .*valid dictionary"),
        ("thresholds.json", "{not json", "thresholds.json in .* not readable JSON"),
        ("labels.json", json.dumps({"categories": ["grooming", "spam"]}), "labels.json in .*differ"),
        ("calibration.json", json.dumps({"grooming": {"scale": "x", "bias": 0}}), "calibration.json in .*scale"),
        ("calibration.json", json.dumps({"grooming": {"scale": 1, "bias": 0}}), "calibration.json: its categories"),
        ("tactics.json", json.dumps({"thresholds": {"secrecy": 0.5}}), "tactics.json: its tactics"),
        ("config.json", json.dumps({"members": "two"}), "config.json: members"),
        ("config.json", "[]", "config.json must hold a JSON object"),
        ("head.safetensors", b"\x00" * 64, "head.safetensors in .* does not fit"),
    ],
)
def test_a_corrupt_model_folder_is_refused_at_load(tmp_path: Path, name: str, content: str, needle: str) -> None:
    """Issue 15.2: a wrong type or value in a model file used to load, then fail every request (500s).
    Now the load fails first, naming the file and the rule."""
    if name == "config.json" and content.startswith("{"):
        config = json.loads((DEFAULT_MODEL / "config.json").read_text(encoding="utf-8"))
        content = json.dumps({**config, **json.loads(content)})
    folder = _corrupt_copy(tmp_path, name, content)
    with pytest.raises(ModelFolderError, match=needle):
        RiskModel.load(folder, backend="onnx")


def test_the_server_refuses_to_start_on_a_corrupt_model(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from fastapi.testclient import TestClient

    from grooming_detect.api.app import create_app
    from grooming_detect.api.settings import Settings

    folder = _corrupt_copy(tmp_path, "thresholds.json", json.dumps({"grooming": "high", "sextortion": 0.8}))
    settings = Settings(model=str(folder), open_mode=True, feedback_url=f"sqlite:///{tmp_path / 'f.db'}")
    with caplog.at_level(logging.ERROR), pytest.raises(ModelFolderError, match=r"thresholds\.json"):
        with TestClient(create_app(settings)):
            pass
    assert any("cannot be served" in r.getMessage() for r in caplog.records)
