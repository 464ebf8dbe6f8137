"""Shared fixtures: the shipped default model (real encoder, real head) loaded once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grooming_detect import Message, Transcript

REPO = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = Path(os.environ.get("GROOMING_DETECT_MODEL", REPO / "models" / "default"))


@pytest.fixture(scope="session")
def scorer():
    from grooming_detect.scorer import RiskScorer

    return RiskScorer.from_pretrained(DEFAULT_MODEL)


def _transcript(tid: str, lines: list[tuple[str, str]]) -> Transcript:
    return Transcript(id=tid, messages=[Message(sender=s, text=t) for s, t in lines])


@pytest.fixture(scope="session")
def grooming_transcript() -> Transcript:
    # Hand-written for the tests (not from the generator's templates).
    return _transcript(
        "t-grooming",
        [
            ("u1", "หวัดดีครับ เล่นเกมด้วยกันบ่อยเลยนะ"),
            ("u2", "หวัดดีค่ะ"),
            ("u1", "น้องอายุเท่าไหร่แล้ว อยู่บ้านคนเดียวหรือเปล่า"),
            ("u2", "13 ค่ะ ตอนนี้อยู่คนเดียว"),
            ("u1", "เดี๋ยวพี่เติมเพชรให้ฟรีๆ แต่ห้ามบอกพ่อแม่นะ เป็นความลับของเราสองคน"),
            ("u2", "ได้ค่ะ"),
            ("u1", "ส่งรูปส่วนตัวมาให้พี่ดูคนเดียวหน่อย แล้วลบแชทด้วยนะ"),
        ],
    )


@pytest.fixture(scope="session")
def sextortion_transcript() -> Transcript:
    return _transcript(
        "t-sextortion",
        [
            ("x9", "จำรูปที่ส่งมาเมื่อวานได้ไหม"),
            ("x9", "ถ้าไม่โอนมา 3000 บาทภายในคืนนี้ จะส่งรูปให้พ่อแม่กับเพื่อนทั้งโรงเรียนดู"),
            ("k2", "ขอร้องอย่าทำแบบนี้เลย"),
            ("x9", "โอนเข้าทรูมันนี่ด่วน เหลือเวลาอีก 30 นาที"),
        ],
    )


@pytest.fixture(scope="session")
def benign_transcript() -> Transcript:
    return _transcript(
        "t-benign",
        [
            ("mom", "ลูก พรุ่งนี้วันเกิดพ่อ ช่วยแม่ซื้อเค้กหน่อยนะ"),
            ("kid", "ได้เลยแม่ ซื้อที่ร้านเดิมไหม"),
            ("mom", "อย่าบอกพ่อนะ จะเซอร์ไพรส์"),
            ("kid", "โอเคจ้า เดี๋ยวถ่ายรูปเค้กส่งให้ดูก่อน"),
        ],
    )


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small model built in-process: the real frozen encoder and an untrained 16-unit head with tactics."""
    import torch

    from grooming_detect.model import ModelConfig, RiskModel
    from grooming_detect.tactics import TACTICS

    torch.manual_seed(0)
    model = RiskModel.create(
        ModelConfig(
            name="tiny-random",
            version="0.0.1",
            finetune="none",
            hidden=16,
            speaker_dim=4,
            tactics=TACTICS,
            roles=True,
        )
    )
    return model.save(tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated dataset (same generator as the real one)."""
    from grooming_detect_training.synth.dataset import write_dataset
    from grooming_detect_training.synth.generator import generate

    folder = tmp_path_factory.mktemp("synthetic")
    write_dataset(generate(400, seed=11), folder)
    return folder
