"""MLflow "models from code" entry point: how a registered grooming-detect model is served by MLflow.

Logged with ``mlflow.pyfunc.log_model(python_model=<this file>, artifacts={"model": folder})``, so the
registry holds the model folder (safetensors and JSON) and this source file, never a pickle. The
library loads ``models:/grooming-detect@champion`` by downloading the ``model`` artifact folder and
reading it like any saved folder; this class only serves ``mlflow.pyfunc.load_model`` users.
"""

from __future__ import annotations

from typing import Any

import mlflow
from mlflow.pyfunc import PythonModel


class GroomingDetectModel(PythonModel):
    """Takes a DataFrame with a ``transcript`` column (JSON transcripts); returns one score row each."""

    # No type hints on these two: MLflow derives the model's input schema from predict's hints.
    def load_context(self, context):
        from grooming_detect.scorer import RiskScorer

        self.scorer = RiskScorer.from_pretrained(context.artifacts["model"])

    def predict(self, context, model_input, params=None):
        import pandas as pd

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
