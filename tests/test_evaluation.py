"""Evaluation: metrics against scikit-learn and hand-worked cases, Jigsaw bias, reports, the promotion gate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from grooming_detect.cli import main
from grooming_detect_evaluation.bias import fairlearn_rates, jigsaw_bias, power_mean, subgroup_aucs
from grooming_detect_evaluation.compare import Tolerances, compare_figures
from grooming_detect_evaluation.metrics import (
    alert_delays,
    at_threshold,
    expected_calibration_error,
    latency_penalty,
    latency_weighted_f1,
    pr_auc,
    recall_at_fpr,
    roc_auc,
    threshold_for_fpr,
    threshold_for_precision,
)

Y = np.array([1, 0, 1, 1, 0, 0, 1, 0])
S = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.3, 0.2, 0.1])


def test_ranking_metrics_match_sklearn() -> None:
    assert pr_auc(Y, S) == pytest.approx(average_precision_score(Y, S))
    assert roc_auc(Y, S) == pytest.approx(roc_auc_score(Y, S))
    assert np.isnan(pr_auc([0, 0], [0.1, 0.2])) and np.isnan(roc_auc([1, 1], [0.1, 0.2]))


def test_threshold_metrics_by_hand() -> None:
    m = at_threshold(Y, S, 0.55)  # flags 0.9, 0.8, 0.7, 0.6 -> TP 3, FP 1, FN 1
    assert m["precision"] == pytest.approx(3 / 4) and m["recall"] == pytest.approx(3 / 4)
    assert m["f1"] == pytest.approx(0.75) and m["fpr"] == pytest.approx(1 / 4)
    assert m["f0.5"] == pytest.approx(0.75)
    assert threshold_for_precision(Y, S, 0.75) == pytest.approx(0.6)  # lowest cut with precision >= 0.75
    assert threshold_for_precision(Y, S, 1.0) == pytest.approx(0.9)
    negatives = [0.1, 0.5, 0.5, 0.7, 0.9]
    assert threshold_for_fpr(negatives, 0.2) > 0.7 and threshold_for_fpr(negatives, 0.2) <= 0.9  # flags 0.9 only
    assert threshold_for_fpr(negatives, 0.0) > 0.9
    assert threshold_for_fpr(negatives, 0.6) > 0.5  # budget 3: the tie of two at 0.5 would make 4, so it stays out
    assert threshold_for_fpr(negatives, 1.0) == -np.inf
    assert recall_at_fpr(Y, S, 0.0) == pytest.approx(0.25)  # only 0.9 before the first negative
    assert recall_at_fpr(Y, S, 0.25) == pytest.approx(0.75)


def test_calibration_error_by_hand() -> None:
    # two bins: [0.1, 0.2] predicted 0.15 vs observed 0.5; [0.8, 0.9] predicted 0.85 vs observed 0.5
    assert expected_calibration_error([0, 1, 1, 0], [0.1, 0.2, 0.8, 0.9], bins=2) == pytest.approx(0.35)
    assert expected_calibration_error([0, 1], [0.0, 1.0]) == pytest.approx(0.0)


def test_early_detection_by_hand() -> None:
    assert latency_penalty(1) == pytest.approx(0.0)
    assert latency_penalty(11, half_at=10) == pytest.approx(0.5)
    assert alert_delays([2, 5, -1, 3], [4, 5, 0, None]).tolist() == [2.0, 0.0]
    # two true positives detected 0 and 10 messages late: k = 1 and 11, penalties 0 and 0.5, median 0.25
    out = latency_weighted_f1([1, 1, 0], [1, 1, 0], [3, 2, None], [3, 12, None], half_at=10)
    assert out["f1"] == pytest.approx(1.0) and out["speed"] == pytest.approx(0.75)
    assert out["f_latency"] == pytest.approx(0.75)


def test_jigsaw_metrics_hand_worked() -> None:
    # 8 conversations; subgroup = the last four.
    y = np.array([1, 1, 0, 0, 1, 1, 0, 0])
    s = np.array([0.9, 0.8, 0.2, 0.1, 0.7, 0.3, 0.6, 0.4])
    g = np.array([0, 0, 0, 0, 1, 1, 1, 1], dtype=bool)
    aucs = subgroup_aucs(y, s, g)
    # subgroup: positives {0.7, 0.3} vs negatives {0.6, 0.4}: pairs won 0.7>0.6, 0.7>0.4, 0.3<0.6, 0.3<0.4 -> 2/4
    assert aucs["subgroup_auc"] == pytest.approx(0.5)
    # BPSN: background positives {0.9, 0.8} vs subgroup negatives {0.6, 0.4}: all won -> 1.0
    assert aucs["bpsn_auc"] == pytest.approx(1.0)
    # BNSP: subgroup positives {0.7, 0.3} vs background negatives {0.2, 0.1}: all won -> 1.0
    assert aucs["bnsp_auc"] == pytest.approx(1.0)
    assert power_mean([0.5, 1.0], -5) == pytest.approx(((0.5**-5 + 1.0) / 2) ** (-1 / 5))
    result = jigsaw_bias(y, s, {"g": g})
    overall = roc_auc_score(y, s)
    assert result["final_score"] == pytest.approx(0.25 * (overall + 0.5 + 1.0 + 1.0))


def test_fairlearn_rates_by_group() -> None:
    y = [0, 0, 1, 1, 0, 0, 1, 1]
    flagged = [1, 0, 1, 0, 0, 0, 1, 1]
    groups = ["a", "a", "a", "a", "b", "b", "b", "b"]
    rates = fairlearn_rates(y, flagged, groups, n_boot=20)
    assert rates["a"]["fpr"] == pytest.approx(0.5) and rates["a"]["fnr"] == pytest.approx(0.5)
    assert rates["b"]["fpr"] == pytest.approx(0.0) and rates["b"]["fnr"] == pytest.approx(0.0)
    assert rates["a"]["fpr_low"] <= rates["a"]["fpr"] <= rates["a"]["fpr_high"]


def test_compare_flags_regressions_beyond_tolerance() -> None:
    base = {
        "false_positives/family_surprise/fpr": 0.01,
        "bias/grooming/final_score": 0.9,
        "held_out/grooming/recall": 0.8,
        "held_out/grooming/pr_auc": 0.9,
    }
    same = compare_figures(base, dict(base), {"family_surprise"})
    assert same.passed
    worse = dict(base, **{"false_positives/family_surprise/fpr": 0.2, "held_out/grooming/recall": 0.7})
    result = compare_figures(base, worse, {"family_surprise"}, Tolerances(fpr=0.02, recall=0.02))
    assert not result.passed and len(result.failures) == 2
    slightly = dict(base, **{"bias/grooming/final_score": 0.89})
    assert compare_figures(base, slightly, set(), Tolerances(bias=0.02)).passed
    assert "gate: FAILED" in result.render()


@pytest.mark.slow
def test_full_report_end_to_end(tiny_model_dir: Path, synthetic_dir: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    out = tmp_path / "reports" / "tiny"
    code = main(
        [
            "evaluate",
            "--model",
            str(tiny_model_dir),
            "--suite",
            "all",
            "--data-dir",
            str(synthetic_dir),
            "--max-records",
            "40",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    for section in (
        "Quality",
        "False positives by benign scenario",
        "Functional tests",
        "Bias",
        "Worst false positives",
        "Worst misses",
        "Largest identity / dialect swap",
    ):
        assert section in page, section
    assert page.count("data:image/png;base64,") >= 6  # PR, reliability, delay, FP bars, pass rates, heatmap
    assert "http://" not in page and "https://" not in page  # self-contained
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    assert "held_out/grooming/pr_auc" in figures["figures"]
    assert any(k.startswith("functional/") and k.endswith("pass_rate") for k in figures["figures"])
    assert "bias/grooming/final_score" in figures["figures"]
    assert "| held_out |" in (out / "summary.md").read_text(encoding="utf-8")
    import mlflow

    runs = mlflow.search_runs(experiment_names=["grooming-detect-evaluations"], output_format="list")
    assert runs and runs[0].data.tags["model_version"] == "0.0.1"
    assert "held_out/mean_pr_auc" in runs[0].data.metrics


@pytest.mark.slow
def test_gate_refuses_a_candidate_made_worse(tiny_model_dir: Path, synthetic_dir: Path, tmp_path: Path) -> None:
    baseline, same, worse = (tmp_path / n for n in ("baseline", "same", "worse"))
    for folder in (baseline, same, worse):
        shutil.copytree(tiny_model_dir, folder)
    strict = {"grooming": 0.999, "sextortion": 0.999}
    for folder in (baseline, same):
        (folder / "thresholds.json").write_text(json.dumps(strict), encoding="utf-8")
    (worse / "thresholds.json").write_text(json.dumps({"grooming": 0.0, "sextortion": 0.0}), encoding="utf-8")
    args = [
        "evaluate",
        "compare",
        "--baseline",
        str(baseline),
        "--suite",
        "held_out",
        "--suite",
        "false_positives",
        "--data-dir",
        str(synthetic_dir),
        "--max-records",
        "40",
        "--quiet",
    ]
    assert main([*args, "--candidate", str(same)]) == 0
    assert main([*args, "--candidate", str(worse)]) == 1


def test_evaluate_without_synthetic_data_says_how_to_write_it(
    tiny_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Evaluation reads the generator's files and never runs the generator (the layers point one way)."""
    empty = tmp_path / "none"
    code = main(["evaluate", "--model", str(tiny_model_dir), "--suite", "held_out", "--data-dir", str(empty)])
    err = capsys.readouterr().err
    assert code == 1 and not empty.exists()
    assert "no test.jsonl" in err and f"grooming-detect data generate --n 20000 --seed 0 --out {empty}" in err
