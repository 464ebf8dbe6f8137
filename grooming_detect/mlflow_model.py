"""MLflow "models from code" entry point: how a registered grooming-detect model is served by MLflow.

Logged with ``mlflow.pyfunc.log_model(python_model=<this file>, artifacts={"model": folder})``, so the
registry holds the model folder (safetensors and JSON) and this source file, never a pickle. The
library loads ``models:/grooming-detect@champion`` by downloading the ``model`` artifact folder and
reading it like any saved folder; this class only serves ``mlflow.pyfunc.load_model`` users.
"""

from __future__ import annotations

from typing import Any

import mlflow
import pandas as pd
from mlflow.pyfunc import PythonModel


class GroomingDetectModel(PythonModel):
    """Takes a DataFrame with a ``transcript`` column (JSON transcripts); returns one score row each."""

    def load_context(self, context: Any) -> None:
        from grooming_detect.scorer import RiskScorer

        self.scorer = RiskScorer.from_pretrained(context.artifacts["model"])

    # A DataFrame hint: MLflow then neither infers a schema from it nor warns that predict has no hints
    # (the warning printed on every `train`); the input is validated here, transcript by transcript.
    def predict(self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None) -> pd.DataFrame:
        from grooming_detect.schema import Transcript

        transcripts = [Transcript.model_validate_json(t) for t in model_input["transcript"]]
        rows = []
        for result in self.scorer.score_batch(transcripts, return_spans=False):
            row: dict[str, Any] = {
                "id": result.id,
                "flagged": result.flagged,
                "first_alert_index": result.first_alert_index,
            }
            row.update({f"score_{k}": v for k, v in result.category_scores.items()})
            rows.append(row)
        return pd.DataFrame(rows)


mlflow.models.set_model(GroomingDetectModel())
