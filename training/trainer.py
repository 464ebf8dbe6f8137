"""Training the risk model: joint encoder tuning, cached message vectors, the conversation head.

Stages, each checkpointed so that ``--resume`` continues an interrupted run:

1. **Joint tuning** (``encoder.finetune`` = ``lora`` or ``full``): encoder and a head trained together on
   whole conversations for ``encoder.steps`` steps, early-stopped on validation PR-AUC.
2. **Vectors**: every message encoded once with the tuned encoder, cached on disk.
3. **Head**: each member of the conversation head trained on the cached vectors for up to
   ``head.epochs`` epochs, early-stopped on validation PR-AUC.
4. **Calibration and thresholds** on validation, then metrics on test.

Encoding is by far the dominant cost on a CPU; this split encodes each message once after tuning
instead of once per epoch.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from grooming_detect.conversation import ConversationStep
from grooming_detect.encoder import quiet_loading
from grooming_detect.model import ConversationHead, HeadEnsemble, ModelConfig, RiskModel
from grooming_detect.normalize import normalize_all
from grooming_detect.tactics import TACTICS
from grooming_detect_evaluation.metrics import pr_auc
from grooming_detect_training.config import TrainConfig
from grooming_detect_training.data import Example

__all__ = ["TrainResult", "Trainer", "set_seed"]

Log = Callable[[str, float, int], object]  # the return value is ignored (mlflow.log_metric returns one)


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and torch; deterministic algorithms where torch has them."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


@dataclass
class TrainResult:
    """What a run produced: the model, per-stage histories and timings."""

    model: RiskModel
    history: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class _Batch:
    """Conversations of different lengths stacked, padding masked out."""

    x: torch.Tensor  # (B, T, D) message vectors
    speakers: torch.Tensor  # (B, T)
    roles: torch.Tensor  # (B, T)
    y: torch.Tensor  # (B, T, C) per-message targets
    m: torch.Tensor  # (B, T, C) which targets are known
    tactics: torch.Tensor  # (B, T, K)
    tactics_mask: torch.Tensor  # (B, T, K)


def _pad(batch: Sequence[Example], vectors: Sequence[torch.Tensor], slots: int) -> _Batch:
    """Stack conversations of different lengths (the vectors keep their graph back to the encoder)."""
    width = max(len(e.texts) for e in batch)
    dim = vectors[0].shape[-1]
    k = batch[0].tactics.shape[1]
    x = torch.zeros((len(batch), width, dim))
    spk = torch.zeros((len(batch), width), dtype=torch.long)
    roles = torch.zeros((len(batch), width), dtype=torch.long)
    y = torch.zeros((len(batch), width, batch[0].targets.shape[1]))
    m = torch.zeros_like(y)
    tac = torch.zeros((len(batch), width, k))
    tac_m = torch.zeros_like(tac)
    for i, (ex, vec) in enumerate(zip(batch, vectors, strict=True)):
        n = len(ex.texts)
        x[i, :n] = vec
        spk[i, :n] = torch.tensor(ex.speakers(slots))
        roles[i, :n] = torch.tensor(ex.roles)
        y[i, :n] = torch.from_numpy(ex.targets)
        m[i, :n] = torch.from_numpy(ex.mask)
        tac[i, :n] = torch.from_numpy(ex.tactics)
        tac_m[i, :n] = torch.from_numpy(ex.tactics_mask)
    return _Batch(x, spk, roles, y, m, tac, tac_m)


def _loss(head: ConversationHead | HeadEnsemble, b: _Batch, tactic_weight: float) -> torch.Tensor:
    """Category loss on the risk so far, plus the per-message tactic loss where the head tags tactics."""
    logits, _ = head(b.x, b.speakers, None, b.roles)
    loss = _masked_bce(logits, b.y, b.m)
    tactic_logits = head.tactic_logits(b.x)
    if tactic_weight and tactic_logits.shape[-1]:
        loss = loss + tactic_weight * _masked_bce(tactic_logits, b.tactics, b.tactics_mask)
    return loss


def _masked_bce(logits: torch.Tensor, y: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
    loss = nn.functional.binary_cross_entropy_with_logits(logits, y, reduction="none")
    return (loss * m).sum() / m.sum().clamp(min=1.0)


class Trainer:
    """Runs one training configuration end to end (no MLflow here: see :mod:`grooming_detect_training.pipeline`)."""

    def __init__(self, config: TrainConfig, *, resume: bool = False, progress: bool = True, log: Log | None = None):
        self.config = config
        self.resume = resume
        self.progress = progress
        self.log: Log = log or (lambda name, value, step: None)
        self.ckpt = Path(config.checkpoint_dir)
        self.ckpt.mkdir(parents=True, exist_ok=True)

    # --- model --------------------------------------------------------------------------------------------

    def build_model(self) -> RiskModel:
        c = self.config
        model_config = ModelConfig(
            name=c.name,
            version=c.version,
            finetune=c.encoder.finetune,
            max_length=c.encoder.max_length,
            hidden=c.head.hidden,
            speaker_slots=c.head.speaker_slots,
            speaker_dim=c.head.speaker_dim,
            dropout=c.head.dropout,
            aggregate=c.head.aggregate,
            members=c.head.members,
            tactics=TACTICS if c.head.tactics else (),
            roles=c.head.roles,
        )
        model = RiskModel.create(model_config)
        encoder = model.encoder
        if c.encoder.finetune == "lora":
            from peft import LoraConfig, get_peft_model

            lora = LoraConfig(
                r=c.encoder.lora_r,
                lora_alpha=c.encoder.lora_alpha,
                lora_dropout=c.encoder.lora_dropout,
                target_modules=list(c.encoder.lora_targets),
            )
            with quiet_loading():  # peft's wrap prints transformers' is_gradient_checkpointing notice
                encoder.model = get_peft_model(encoder.model, lora)
        elif c.encoder.finetune == "none":
            encoder.model.requires_grad_(False)
        return model

    def _bar(self, iterable: Any, **kwargs: Any) -> Any:
        if not self.progress:
            return iterable
        from tqdm import tqdm

        return tqdm(iterable, **kwargs)

    # --- stage 1: joint tuning ----------------------------------------------------------------------------

    def tune_encoder(self, model: RiskModel, train: list[Example], val: list[Example]) -> list[dict[str, float]]:
        c = self.config.encoder
        history: list[dict[str, float]] = []
        if c.finetune == "none" or c.steps <= 0:
            return history
        slots = model.config.speaker_slots
        head = _members(model.head)[0]  # the first member is tuned with the encoder; the others start fresh
        enc_params = [p for p in model.encoder.parameters() if p.requires_grad]
        torch.manual_seed(self.config.seed)
        # Without the head's own tactic layer (pre-0.4.0 heads), a throwaway probe teaches the encoder tactics.
        aux = nn.Linear(model.encoder.dim, len(TACTICS)) if not model.config.tactics else nn.Identity()
        optimizer = torch.optim.AdamW(
            [
                {"params": enc_params, "lr": c.lr},
                {"params": [*head.parameters(), *aux.parameters()], "lr": self.config.head.lr},
            ],
            weight_decay=self.config.head.weight_decay,
        )
        state_path = self.ckpt / "joint-last.safetensors"
        meta_path = self.ckpt / "joint.json"
        step, best, since_best = 0, -1.0, 0
        if self.resume and meta_path.is_file():
            meta = json.loads(meta_path.read_text())
            step, best, since_best, history = meta["step"], meta["best"], meta["since_best"], meta["history"]
            _load_trainable(model, load_file(str(state_path)), aux)
            if meta.get("done"):
                _load_trainable(model, load_file(str(self.ckpt / "joint-best.safetensors")), aux)
                return history
        rng = random.Random(f"{self.config.seed}:joint")
        eval_set = rng.sample(val, min(len(val), c.eval_conversations)) if val else []
        start = time.perf_counter()
        bar = self._bar(range(step, c.steps), desc="joint tuning", unit="step", initial=step, total=c.steps)
        for step in bar:
            model.train()
            batch_rng = random.Random(f"{self.config.seed}:joint:{step}")
            batch = batch_rng.sample(train, min(len(train), c.batch_conversations))
            texts = [t for ex in batch for t in ex.texts]
            flat = model.encoder(normalize_all(texts))
            vectors, offset = [], 0
            for ex in batch:
                vectors.append(flat[offset : offset + len(ex.texts)])
                offset += len(ex.texts)
            padded = _pad(batch, vectors, slots)  # copies keep the graph back to the encoder
            loss = _loss(head, padded, c.aux_weight if model.config.tactics else 0.0)
            if c.aux_weight and not model.config.tactics:
                tactics = torch.from_numpy(np.concatenate([ex.tactics for ex in batch]))
                known = torch.from_numpy(np.concatenate([ex.tactics_mask for ex in batch]))
                loss = loss + c.aux_weight * _masked_bce(aux(flat), tactics, known)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for g in optimizer.param_groups for p in g["params"]], 1.0)
            optimizer.step()
            self.log("joint/train_loss", loss.item(), step)
            done = step + 1
            over_budget = c.time_budget_min and (time.perf_counter() - start) / 60 >= c.time_budget_min
            if done % c.eval_every == 0 or done == c.steps or over_budget:
                score = self._pr_auc(model, head, eval_set) if eval_set else -float(loss)
                history.append({"step": done, "loss": loss.item(), "val_pr_auc": score})
                self.log("joint/val_pr_auc", score, done)
                if score > best:
                    best, since_best = score, 0
                    save_file(_trainable(model, aux), str(self.ckpt / "joint-best.safetensors"))
                else:
                    since_best += 1
                save_file(_trainable(model, aux), str(state_path))
                stop = since_best >= self.config.head.patience or over_budget or done == c.steps
                meta = {"step": done, "best": best, "since_best": since_best, "history": history, "done": stop}
                meta_path.write_text(json.dumps(meta))
                if stop:
                    break
        if (self.ckpt / "joint-best.safetensors").is_file():
            _load_trainable(model, load_file(str(self.ckpt / "joint-best.safetensors")), aux)
        return history

    def _pr_auc(self, model: RiskModel, head: nn.Module, examples: list[Example]) -> float:
        """Mean over categories of conversation-level PR-AUC (score = the risk so far after the last message)."""
        vectors = self.encode(model, examples, cache=False)
        logits = self.head_logits(head, examples, vectors, model.config.speaker_slots, model.config.aggregate)
        return mean_pr_auc(examples, logits)

    # --- stage 2: vectors ---------------------------------------------------------------------------------

    def encode(self, model: RiskModel, examples: Sequence[Example], cache: bool = True) -> list[torch.Tensor]:
        """Message vectors per conversation, from the on-disk cache where the encoder is unchanged."""
        model.eval()
        texts = sorted({t for ex in examples for t in ex.texts})
        table: dict[str, torch.Tensor] = {}
        path = self.ckpt / f"vectors-{_fingerprint(model)}.safetensors"
        if cache and path.is_file():
            stored = load_file(str(path))
            keys = json.loads((path.with_suffix(".keys.json")).read_text(encoding="utf-8"))
            table = dict(zip(keys, stored["vectors"], strict=True))
        missing = [t for t in texts if t not in table]
        batch = 256
        with torch.inference_mode():
            for start in self._bar(range(0, len(missing), batch), desc="encode", unit="batch", disable=not cache):
                chunk = missing[start : start + batch]
                for text, vec in zip(chunk, model.encoder(normalize_all(chunk)), strict=True):
                    table[text] = vec.clone()
        if cache and missing:
            keys = sorted(table)
            save_file({"vectors": torch.stack([table[k] for k in keys])}, str(path))
            path.with_suffix(".keys.json").write_text(json.dumps(keys, ensure_ascii=False), encoding="utf-8")
        return [torch.stack([table[t] for t in ex.texts]) for ex in examples]

    # --- stage 3: head -----------------------------------------------------------------------------------

    @staticmethod
    def head_logits(
        head: nn.Module,
        examples: Sequence[Example],
        vectors: Sequence[torch.Tensor],
        slots: int,
        aggregate: str = "max",
    ) -> list[np.ndarray]:
        """Per conversation, the logits of the risk so far after each message (T, C): the scorer's own step."""
        head.eval()
        step = ConversationStep(head, slots, aggregate)
        return step.batch(vectors, [ex.speakers(slots) for ex in examples], [ex.roles for ex in examples])

    @staticmethod
    def tactic_probs(head: ConversationHead | HeadEnsemble, vectors: Sequence[torch.Tensor]) -> list[np.ndarray]:
        """Per conversation, each message's tactic probabilities (T, K)."""
        head.eval()
        with torch.inference_mode():
            return [torch.sigmoid(head.tactic_logits(v)).numpy() for v in vectors]

    def train_head(
        self,
        model: RiskModel,
        train: list[Example],
        train_vec: list[torch.Tensor],
        val: list[Example],
        val_vec: list[torch.Tensor],
        keep: Sequence[Sequence[int]] | None = None,
    ) -> list[dict[str, float]]:
        """Train every member of the head in turn; member 0 continues from joint tuning, the others are fresh.

        ``keep[k]``, when given, is the indices of ``train`` that member k learns from (``head.member_sources``).
        """
        history: list[dict[str, float]] = []
        members = _members(model.head)
        if keep is not None and len(keep) != len(members):
            raise ValueError(f"{len(keep)} training subsets for {len(members)} head members")
        for k, member in enumerate(members):
            part, part_vec = train, train_vec
            if keep is not None:
                part, part_vec = [train[i] for i in keep[k]], [train_vec[i] for i in keep[k]]
            records = self._train_member(member, k, model.config, part, part_vec, val, val_vec)
            history.extend({**record, "member": k} if k else record for record in records)
        return history

    def _train_member(
        self,
        head: ConversationHead,
        k: int,
        model_config: ModelConfig,
        train: list[Example],
        train_vec: list[torch.Tensor],
        val: list[Example],
        val_vec: list[torch.Tensor],
        name: str | None = None,
    ) -> list[dict[str, float]]:
        """One member; ``name`` names its checkpoints (default: member 0 keeps the single-head names)."""
        c = self.config.head
        slots = model_config.speaker_slots
        name = name or (f"head{k}" if k else "head")
        optimizer = torch.optim.AdamW(head.parameters(), lr=c.lr, weight_decay=c.weight_decay)
        meta_path = self.ckpt / f"{name}.json"
        done, best, since_best, history = 0, -1.0, 0, []
        if self.resume and meta_path.is_file():
            meta = json.loads(meta_path.read_text())
            done, best, since_best, history = meta["epoch"], meta["best"], meta["since_best"], meta["history"]
            head.load_state_dict(load_file(str(self.ckpt / f"{name}-last.safetensors")))
        rng = np.random.default_rng(self.config.seed + k)
        for _ in range(done):
            rng.permutation(len(train))  # keep the shuffles of a resumed run the same as an uninterrupted one
        for epoch in self._bar(range(done, c.epochs), desc=name, unit="epoch", initial=done, total=c.epochs):
            if since_best >= c.patience:
                break
            head.train()
            order = rng.permutation(len(train))
            losses = []
            for start in range(0, len(order), c.batch_size):
                idx = order[start : start + c.batch_size]
                padded = _pad([train[i] for i in idx], [train_vec[i] for i in idx], slots)
                loss = _loss(head, padded, c.tactic_weight)
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(head.parameters(), 1.0)
                optimizer.step()
                losses.append(loss.item())
            score = mean_pr_auc(val, self.head_logits(head, val, val_vec, slots, model_config.aggregate))
            record = {"epoch": epoch + 1, "train_loss": float(np.mean(losses)), "val_pr_auc": score}
            history.append(record)
            self.log(f"{name}/train_loss", record["train_loss"], epoch + 1)
            self.log(f"{name}/val_pr_auc", score, epoch + 1)
            if score > best:
                best, since_best = score, 0
                save_file(_state(head), str(self.ckpt / f"{name}-best.safetensors"))
            else:
                since_best += 1
            save_file(_state(head), str(self.ckpt / f"{name}-last.safetensors"))
            meta = {"epoch": epoch + 1, "best": best, "since_best": since_best, "history": history}
            meta_path.write_text(json.dumps(meta))
        head.load_state_dict(load_file(str(self.ckpt / f"{name}-best.safetensors")))
        return history


def mean_pr_auc(examples: Sequence[Example], logits: Sequence[np.ndarray]) -> float:
    """Mean over categories of conversation-level PR-AUC; ``logits`` are risk-so-far logits (head_logits)."""
    scores = np.stack([lg[-1] for lg in logits])
    labels = np.stack([ex.labels for ex in examples])
    values = [pr_auc(labels[:, j], scores[:, j]) for j in range(labels.shape[1])]
    values = [v for v in values if not np.isnan(v)]
    return float(np.mean(values)) if values else 0.0


def _members(head: ConversationHead | HeadEnsemble) -> list[ConversationHead]:
    return [cast(ConversationHead, m) for m in head.members] if isinstance(head, HeadEnsemble) else [head]


def _trainable(model: RiskModel, aux: nn.Module) -> dict[str, torch.Tensor]:
    state = {k: v.detach().contiguous() for k, v in model.named_parameters() if v.requires_grad}
    state.update({f"_aux.{k}": v.detach().contiguous() for k, v in aux.state_dict().items()})
    return state


def _load_trainable(model: RiskModel, state: dict[str, torch.Tensor], aux: nn.Module) -> None:
    params = dict(model.named_parameters())
    aux_params = dict(aux.named_parameters())
    with torch.no_grad():
        for name, value in state.items():
            target = aux_params[name.removeprefix("_aux.")] if name.startswith("_aux.") else params[name]
            target.copy_(value)


def _state(module: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().contiguous() for k, v in module.state_dict().items()}


def _fingerprint(model: RiskModel) -> str:
    """Digest of the encoder's tuned weights (or of 'frozen'), naming the vector cache."""
    digest = hashlib.sha256(f"{model.config.encoder}:{model.config.max_length}".encode())
    for name, param in sorted(model.encoder.named_parameters()):
        if param.requires_grad:
            digest.update(name.encode())
            digest.update(param.detach().float().numpy().tobytes())
    return digest.hexdigest()[:16]
