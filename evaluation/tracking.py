"""Recording evaluations in MLflow: every evaluated version gets a run; registry models also get the results
logged to their training run."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

from grooming_detect_evaluation.runner import EvaluationResult

__all__ = ["DEFAULT_TRACKING_URI", "EVALUATION_EXPERIMENT", "configure", "record_evaluation", "resolve_alias"]

EVALUATION_EXPERIMENT = "grooming-detect-evaluations"
DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"
_SAFE = re.compile(r"[^A-Za-z0-9_\-. /:]")


def _metrics(figures: dict[str, float], prefix: str = "") -> dict[str, float]:
    return {
        _SAFE.sub("_", f"{prefix}{k}"): float(v)
        for k, v in figures.items()
        if isinstance(v, int | float) and not math.isnan(float(v))
    }


def configure(experiment: str) -> None:
    """Point MLflow at ``MLFLOW_TRACKING_URI`` or the local SQLite store, and select the experiment."""
    import mlflow

    uri = os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_TRACKING_URI
    mlflow.set_tracking_uri(uri)
    if mlflow.get_experiment_by_name(experiment) is None:
        location = None
        if uri.startswith("sqlite:///"):
            location = Path(uri.removeprefix("sqlite:///")).resolve().parent.joinpath("mlartifacts").as_uri()
        mlflow.create_experiment(experiment, artifact_location=location)
    mlflow.set_experiment(experiment)


def resolve_alias(name_or_uri: str, model_name: str = "grooming-detect") -> str:
    """``champion`` / ``challenger`` -> ``models:/grooming-detect@champion``; URIs and paths unchanged."""
    if name_or_uri == "default" or "/" in name_or_uri or name_or_uri.startswith(".") or Path(name_or_uri).exists():
        return name_or_uri
    return f"models:/{model_name}@{name_or_uri}"


def _source_run(model_uri: str) -> str | None:
    match = re.fullmatch(r"models:/([^@/]+)@(.+)", model_uri)
    if not match:
        return None
    from mlflow import MlflowClient

    return MlflowClient().get_model_version_by_alias(match.group(1), match.group(2)).run_id


def record_evaluation(result: EvaluationResult, report_dir: Path, model_uri: str) -> str:
    """Log figures and report files to a run of the evaluations experiment (and the model's own run)."""
    import mlflow

    configure(EVALUATION_EXPERIMENT)
    model = result["model"]
    metrics = _metrics(result["figures"])
    tags = {
        "model_name": model["name"],
        "model_version": model["version"],
        "model_uri": model_uri,
        "suites": ",".join(result["suites"]),
    }
    with mlflow.start_run(run_name=f"eval-{model['name']}-{model['version']}", tags=tags) as run:
        mlflow.log_metrics(metrics)
        mlflow.log_artifacts(str(report_dir), artifact_path="report")
        run_id = run.info.run_id
    source = _source_run(model_uri)
    if source:
        with mlflow.start_run(run_id=source):
            mlflow.log_metrics(_metrics(result["figures"], "eval/"))
            mlflow.log_artifacts(str(report_dir), artifact_path="evaluation")
    return run_id
