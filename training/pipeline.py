"""``grooming-detect train``: data, model, baseline, calibration, test metrics, model card, MLflow."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from evaluation.metrics import alert_delays, at_threshold, false_positive_rate, pr_auc, roc_auc, threshold_for_fpr
from evaluation.metrics import threshold_for_precision as _threshold
from grooming_detect.model import CATEGORIES, platt, so_far
from training.baseline import BaselineModel
from training.config import TrainConfig
from training.data import Example, build_examples, load_splits
from training.model_card import write_model_card
from training.trainer import Trainer, set_seed

__all__ = ["evaluate_logits", "fit_calibration", "train"]


def fit_calibration(examples: Sequence[Example], logits: Sequence[np.ndarray]) -> dict[str, dict[str, float]]:
    """Platt scaling of the risk-so-far logit per category, on every known per-message target."""
    out = {}
    for j, category in enumerate(CATEGORIES):
        z = np.concatenate([lg[:, j] for lg in logits])
        y = np.concatenate([ex.targets[:, j] for ex in examples])
        keep = np.concatenate([ex.mask[:, j] for ex in examples]) > 0
        z, y = z[keep], y[keep]
        if y.min() == y.max():
            out[category] = {"scale": 1.0, "bias": 0.0}
            continue
        lr = LogisticRegression(C=1e4, max_iter=1000).fit(z.reshape(-1, 1), y)
        out[category] = {"scale": float(lr.coef_[0, 0]), "bias": float(lr.intercept_[0])}
    return out


def _probabilities(logits: np.ndarray, calibration: dict[str, dict[str, float]]) -> np.ndarray:
    """Risk so far per message: the risk-so-far logits calibrated as the scorer does."""
    return platt(logits, calibration, CATEGORIES)


def choose_thresholds(
    examples: Sequence[Example],
    probs: Sequence[np.ndarray],
    target: float,
    max_hard_negative_fpr: float | None = None,
    confidence: float | None = None,
) -> dict[str, float]:
    """Per category, the lowest threshold reaching ``target`` precision on these (validation) conversations.

    With ``max_hard_negative_fpr``, the threshold is raised where needed so that at most that share of the
    hard negatives (family, teachers, debts...) is flagged: precision alone is set by how many ordinary chats
    there are, while hard negatives are the chats moderators most often see flagged wrongly. ``confidence``
    asks that share to hold as an upper confidence bound (see ``threshold_for_fpr``).
    """
    labels = np.stack([ex.labels for ex in examples])
    final = np.stack([p[-1] for p in probs])
    hard = np.array([bool(ex.meta.get("hard_negative")) for ex in examples])
    out = {}
    for j, c in enumerate(CATEGORIES):
        threshold = _threshold(labels[:, j], final[:, j], target)
        negatives = hard & (labels[:, j] == 0)
        if max_hard_negative_fpr is not None and negatives.any():
            cap = threshold_for_fpr(final[negatives, j], max_hard_negative_fpr, confidence)
            threshold = max(threshold, cap)
        out[c] = threshold
    return out


def _thresholds(config: TrainConfig, examples: Sequence[Example], probs: Sequence[np.ndarray]) -> dict[str, float]:
    """The config's threshold rule, the same for the model and the baseline."""
    return choose_thresholds(
        examples, probs, config.target_precision, config.max_hard_negative_fpr, config.hard_negative_confidence
    )


def evaluate_logits(
    examples: Sequence[Example],
    logits: Sequence[np.ndarray],
    calibration: dict[str, dict[str, float]],
    thresholds: dict[str, float],
) -> dict[str, Any]:
    """Conversation-level quality, hard-negative false positives and alert delay per category."""
    probs = [_probabilities(lg, calibration) for lg in logits]
    labels = np.stack([ex.labels for ex in examples])
    final = np.stack([p[-1] for p in probs])
    hard = np.array([bool(ex.meta.get("hard_negative")) for ex in examples])
    flagged_any = np.zeros(len(examples), dtype=bool)
    out: dict[str, Any] = {"n": len(examples), "categories": {}}
    for j, c in enumerate(CATEGORIES):
        y, s, t = labels[:, j], final[:, j], thresholds[c]
        flagged = s >= t
        flagged_any |= flagged
        delays = alert_delays([int(ex.alert[j]) for ex in examples], _first_alerts(probs, j, t, y))
        out["categories"][c] = {
            "pr_auc": pr_auc(y, s),
            "roc_auc": roc_auc(y, s),
            **at_threshold(y, s, t),
            "threshold": t,
            "hard_negative_fpr": false_positive_rate(y[hard], flagged[hard]),
            "median_alert_delay": float(np.median(delays)) if len(delays) else float("nan"),
            "alerts_before_label": float(np.mean(delays < 0)) if len(delays) else float("nan"),
        }
    out["hard_negative_fpr_any"] = float(flagged_any[hard].mean()) if hard.any() else float("nan")
    negative = labels.max(axis=1) == 0
    scenario = np.array([str(ex.meta.get("scenario", "unknown")) for ex in examples])
    out["fpr_by_scenario"] = {
        name: float(flagged_any[negative & (scenario == name)].mean()) for name in sorted(set(scenario[negative]))
    }
    return out


def _first_alerts(probs: Sequence[np.ndarray], j: int, threshold: float, labels: np.ndarray) -> list[int | None]:
    """Per positive conversation, the first message whose score reaches the threshold (None if never)."""
    out: list[int | None] = []
    for p, y in zip(probs, labels, strict=True):
        hits = np.flatnonzero(p[:, j] >= threshold)
        out.append(int(hits[0]) if y and len(hits) else None)
    return out


def _log_figures(
    examples: Sequence[Example],
    logits: Sequence[np.ndarray],
    calibration: dict[str, dict[str, float]],
    thresholds: dict[str, float],
    metrics: dict[str, Any],
) -> None:
    """PR curves, reliability, alert delays and per-scenario false positives of the test split, to MLflow."""
    import matplotlib.pyplot as plt
    import mlflow

    from evaluation import plots

    probs = [_probabilities(lg, calibration) for lg in logits]
    labels = np.stack([ex.labels for ex in examples])
    final = np.stack([p[-1] for p in probs])
    curves = {c: (labels[:, j], final[:, j]) for j, c in enumerate(CATEGORIES)}
    delays = {
        c: alert_delays([int(ex.alert[j]) for ex in examples], _first_alerts(probs, j, thresholds[c], labels[:, j]))
        for j, c in enumerate(CATEGORIES)
    }
    figures = {
        "figures/pr_curves.png": plots.pr_curves(curves, "Test split: precision-recall"),
        "figures/reliability.png": plots.reliability_diagram(curves, title="Test split: reliability"),
        "figures/alert_delay.png": plots.delay_histogram(delays, "Test split: alert delay"),
        "figures/fpr_by_scenario.png": plots.rate_bars(
            metrics["fpr_by_scenario"], "False positives by benign scenario"
        ),
    }
    for name, fig in figures.items():
        mlflow.log_figure(fig, name)
        plt.close(fig)


def _baseline_logits(model: BaselineModel, examples: Sequence[Example]) -> list[np.ndarray]:
    flat = model.decision([ex.texts for ex in examples])
    out, start = [], 0
    for ex in examples:
        out.append(so_far(flat[start : start + len(ex.texts)], "max"))  # as before: highest so far
        start += len(ex.texts)
    return out


def _train_baseline(config: TrainConfig, data: dict[str, list[Example]], path: Path) -> dict[str, Any]:
    start = time.perf_counter()
    train = data["train"]
    model = BaselineModel(CATEGORIES, seed=config.seed).fit(
        [ex.texts for ex in train],
        np.concatenate([ex.targets for ex in train]),
        np.concatenate([ex.mask for ex in train]),
    )
    val_logits = _baseline_logits(model, data["validation"])
    calibration = fit_calibration(data["validation"], val_logits)
    probs = [_probabilities(lg, calibration) for lg in val_logits]
    thresholds = _thresholds(config, data["validation"], probs)
    metrics = evaluate_logits(data["test"], _baseline_logits(model, data["test"]), calibration, thresholds)
    model.save(path)
    metrics["train_seconds"] = time.perf_counter() - start
    return metrics


def train(config: TrainConfig, *, resume: bool = False, progress: bool = True) -> dict[str, Any]:
    """Run a whole training configuration; returns a summary (paths, metrics, registered version)."""
    import mlflow

    from training import tracking

    started = time.perf_counter()
    set_seed(config.seed)
    tracking.configure(config.experiment)
    splits, dedup = load_splits(config.data)
    data = build_examples(splits, config.data, config.seed)
    out_dir = Path(config.output_dir)
    staging = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with mlflow.start_run(run_name=f"{config.name}-{config.version}") as run:
        mlflow.log_params(tracking.flatten(config.to_dict()))
        mlflow.log_params({f"data.n_{s}": len(v) for s, v in data.items()})
        mlflow.log_params({"data.dedup_exact": sum(dedup.exact.values()), "data.dedup_near": sum(dedup.near.values())})
        used = {s: {ex.id for ex in data[s]} for s in data}
        tracking.log_datasets(
            {s: [r for r in splits[s] if r["id"] in used[s]] for s in data},
            source=str(Path(config.data.synthetic_dir).resolve()),
        )
        trainer = Trainer(config, resume=resume, progress=progress, log=lambda k, v, s: mlflow.log_metric(k, v, s))
        model = trainer.build_model()
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        joint = trainer.tune_encoder(model, data["train"], data["validation"])
        timings["joint_tuning_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        vectors = {s: trainer.encode(model, data[s]) for s in data}
        timings["encoding_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        head = trainer.train_head(model, data["train"], vectors["train"], data["validation"], vectors["validation"])
        timings["head_s"] = time.perf_counter() - t0
        slots = model.config.speaker_slots
        logits = {s: Trainer.head_logits(model.head, data[s], vectors[s], slots, model.config.aggregate) for s in data}
        model.calibration = fit_calibration(data["validation"], logits["validation"])
        val_probs = [_probabilities(lg, model.calibration) for lg in logits["validation"]]
        model.thresholds = _thresholds(config, data["validation"], val_probs)
        metrics = {
            "test": evaluate_logits(data["test"], logits["test"], model.calibration, model.thresholds),
            "validation": evaluate_logits(
                data["validation"], logits["validation"], model.calibration, model.thresholds
            ),
        }
        if config.baseline:  # kept beside the checkpoints, not in the shipped model folder
            baseline_path = Path(config.checkpoint_dir) / "baseline.skops"
            metrics["baseline_test"] = _train_baseline(config, data, baseline_path)
            mlflow.log_artifact(str(baseline_path), artifact_path="baseline")
        timings["total_s"] = time.perf_counter() - started
        metrics["timings"] = timings
        metrics["history"] = {"joint": joint, "head": head}
        metrics["data"] = {s: len(v) for s, v in data.items()}
        model.save(staging)
        (staging / "metrics.json").write_text(json.dumps(metrics, indent=2, default=float) + "\n", encoding="utf-8")
        write_model_card(staging, config, metrics)
        _log_metrics(metrics)
        _log_figures(data["test"], logits["test"], model.calibration, model.thresholds, metrics["test"])
        mlflow.log_artifact(str(staging / "MODEL_CARD.md"))
        mlflow.log_artifact(str(staging / "metrics.json"))
        shutil.rmtree(out_dir, ignore_errors=True)
        staging.replace(out_dir)
        version = tracking.log_model(out_dir, config.name, register=config.register)
        if version is not None:
            tracking.set_alias(version, "challenger", config.name)
        return {"run_id": run.info.run_id, "model_dir": str(out_dir), "version": version, "metrics": metrics}


def _log_metrics(metrics: dict[str, Any]) -> None:
    import mlflow

    flat: dict[str, float] = {}
    for split in ("test", "validation", "baseline_test"):
        if split not in metrics:
            continue
        for c, values in metrics[split]["categories"].items():
            for k, v in values.items():
                if isinstance(v, int | float) and np.isfinite(v):
                    flat[f"{split}.{c}.{k}"] = float(v)
        flat[f"{split}.hard_negative_fpr_any"] = float(metrics[split]["hard_negative_fpr_any"])
    for k, v in metrics["timings"].items():
        flat[f"time.{k}"] = float(v)
    mlflow.log_metrics(flat)
