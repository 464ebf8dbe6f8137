"""The encoder runtimes a scorer can run on, and how one is chosen (argument, setting, default).

Torch-free on purpose: the CLI and the server settings read these names before any model is loaded.
"""

from __future__ import annotations

import os
from typing import Literal

__all__ = ["BACKENDS", "BACKEND_ENV", "DEFAULT_BACKEND", "Backend", "resolve_backend"]

Backend = Literal["onnx-int8", "onnx", "torch"]
BACKENDS: tuple[Backend, ...] = ("onnx-int8", "onnx", "torch")
DEFAULT_BACKEND: Backend = "onnx"
"""ONNX Runtime fp32: torch's figures to rounding (every flag the same on ``ood_test``) at about twice its
speed on CPU. ``onnx-int8`` is faster still and holds the aggregate figures (PR-AUC within 0.005 of torch,
the same flag on 99% of ``ood_test``; ``tests/test_backends.py``), but its activations are quantized per
batch, so a message's score moves slightly with the other messages encoded beside it (a live conversation
and a batch can differ by a few hundredths); a moderation tool should give one chat one score, so it is
not the default."""
BACKEND_ENV = "GROOMING_DETECT_BACKEND"


def resolve_backend(backend: str | None = None) -> Backend:
    """``backend``, else ``$GROOMING_DETECT_BACKEND``, else the default; an unknown name fails clearly."""
    name = backend if backend is not None else os.environ.get(BACKEND_ENV) or DEFAULT_BACKEND
    if name not in BACKENDS:
        source = "backend" if backend is not None else BACKEND_ENV
        raise ValueError(f"unknown {source} {name!r}; choose one of {', '.join(BACKENDS)}")
    return name  # narrowed to a Backend by the membership test above
