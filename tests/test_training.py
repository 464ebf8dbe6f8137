"""Training end to end on the tiny config: real loop, real MLflow SQLite store and registry, reload, resume."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from grooming_detect import Message, Transcript
from grooming_detect.scorer import RiskScorer
from grooming_detect_training.config import load_config

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from grooming_detect_training.pipeline import train

    root = tmp_path_factory.mktemp("tiny")
    sample = (REPO / "tests" / "data" / "written_sample.jsonl").read_text(encoding="utf-8")
    for folder, prefix in (("written/x00", "x00"), ("ood/ood_dev/d00", "d00"), ("ood/ood_test/t00", "t00")):
        (root / folder).mkdir(parents=True)
        (root / folder / "part-01.jsonl").write_text(sample.replace('"x00-', f'"{prefix}-'), encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.chdir(root)
    mp.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root / 'mlflow.db'}")
    config = load_config(REPO / "training" / "configs" / "tiny.yaml")
    summary = train(config, progress=False)
    yield {"root": root, "config": config, "summary": summary}
    mp.undo()


def _client(run: dict):
    import mlflow

    mlflow.set_tracking_uri(f"sqlite:///{run['root'] / 'mlflow.db'}")
    return mlflow.MlflowClient()


@pytest.mark.slow
def test_loss_falls_and_metrics_are_reported(tiny_run: dict) -> None:
    metrics = tiny_run["summary"]["metrics"]
    for k in range(tiny_run["config"].head.members):
        head = [h for h in metrics["history"]["head"] if h.get("member", 0) == k]
        assert head[-1]["train_loss"] < head[0]["train_loss"], f"member {k}"
    assert metrics["history"]["joint"], "the LoRA stage ran"
    for split in ("ood_test", "ood_dev", "test", "validation"):
        for category in ("grooming", "sextortion"):
            m = metrics[split]["categories"][category]
            assert 0.0 <= m["pr_auc"] <= 1.0 and 0.0 <= m["threshold"] <= 1.0
            assert category in metrics["baseline"][split]["categories"]
        assert 0.0 <= metrics[split]["tactics"]["macro_f1"] <= 1.0
        assert 0.0 <= metrics[split]["any"]["roc_auc"] <= 1.0
    assert metrics["data"]["ood_test"] == 6 and metrics["data"]["ood_dev"] == 6
    card = (Path(tiny_run["summary"]["model_dir"]) / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "never grounds for fully automatic punishment" in card and "baseline" in card
    assert "out-of-distribution test set" in card and "Tactic tagging" in card
    rule = metrics["threshold_rule"]  # tiny.yaml: hard_negative_confidence: auto
    assert set(rule["cross_validation"]) and "split-half cross-validation" in card


@pytest.mark.slow
def test_ablation_compares_each_training_source_on_ood_test(tiny_run: dict) -> None:
    metrics = tiny_run["summary"]["metrics"]
    rows = metrics["ablation"]
    assert list(rows) == ["templates only", "written only", "both (shipped)"]
    written = sum(1 for _ in (tiny_run["root"] / "written" / "x00" / "part-01.jsonl").open(encoding="utf-8"))
    assert 0 < rows["written only"]["n_train"] and rows["templates only"]["n_train"] > written
    assert rows["templates only"]["n_train"] + rows["written only"]["n_train"] == rows["both (shipped)"]["n_train"]
    assert rows["both (shipped)"]["pr_auc"] == metrics["ood_test"]["any"]["pr_auc"]
    for row in rows.values():
        assert 0.0 <= row["pr_auc"] <= 1.0 and 0.0 <= row["hard_negative_fpr"] <= 1.0
        assert 0.0 <= row["selection_pr_auc"] <= 1.0
    assert rows["both (shipped)"]["selection_pr_auc"] == metrics["ood_dev"]["any"]["pr_auc"]
    card = (Path(tiny_run["summary"]["model_dir"]) / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "### Ablation (on `ood_test`)" in card and "| written only |" in card


@pytest.mark.slow
def test_thresholds_and_calibration_come_from_ood_dev(tiny_run: dict) -> None:
    """Recomputed from the saved model on ood_dev alone, they are what the model ships."""
    from grooming_detect_training.data import build_examples, load_splits
    from grooming_detect_training.pipeline import _thresholds, fit_calibration, selection_split
    from grooming_detect_training.trainer import Trainer

    config = tiny_run["config"]
    mp = pytest.MonkeyPatch()
    mp.chdir(tiny_run["root"])
    try:
        splits, _ = load_splits(config.data)
        data = build_examples(splits, config.data, config.seed)
    finally:
        mp.undo()
    assert tiny_run["summary"]["metrics"]["selected_on"] == selection_split(config, data) == "ood_dev"
    scorer = RiskScorer.from_pretrained(tiny_run["summary"]["model_dir"])
    model = scorer.model
    dev = data["ood_dev"]
    vectors = [scorer.encode(ex.texts) for ex in dev]
    logits = Trainer.head_logits(model.head, dev, vectors, model.config.speaker_slots, model.config.aggregate)
    calibration = fit_calibration(dev, logits)
    for c in model.config.categories:
        assert calibration[c]["scale"] == pytest.approx(model.calibration[c]["scale"], rel=1e-3, abs=1e-3)
    probs = [model.probabilities(lg) for lg in logits]
    assert _thresholds(config, dev, probs) == pytest.approx(model.thresholds, abs=1e-4)
    assert set(model.tactic_thresholds) == set(model.config.tactics) and model.config.roles
    # the lexical tagger's blend and the tactic thresholds are chosen on ood_dev too
    from grooming_detect_training.tactic_tagger import choose_blend

    assert model.tagger is not None
    head = np.concatenate(Trainer.tactic_probs(model.head, vectors))
    weight, cuts, _ = choose_blend(model.tagger, head, dev)
    assert weight == model.tagger.weight == tiny_run["summary"]["metrics"]["tactic_tagger"]["weight"]
    assert cuts == pytest.approx(model.tactic_thresholds, abs=1e-3)


@pytest.mark.slow
def test_mlflow_run_holds_params_metrics_and_datasets(tiny_run: dict) -> None:
    client = _client(tiny_run)
    run = client.get_run(tiny_run["summary"]["run_id"])
    assert run.data.params["encoder.finetune"] == "lora"
    assert run.data.params["head.hidden"] == "32"
    assert "test.grooming.pr_auc" in run.data.metrics and "ood_test.grooming.pr_auc" in run.data.metrics
    assert "ood_test.tactics.macro_f1" in run.data.metrics and run.data.params["data.select_on"] == "ood_dev"
    records = tiny_run["summary"]["metrics"]["history"]["head"]
    for k in range(tiny_run["config"].head.members):  # member 0 logs as head/, the others as head1/, head2/...
        history = client.get_metric_history(run.info.run_id, f"head{k or ''}/train_loss")
        assert len(history) == sum(1 for h in records if h.get("member", 0) == k)
    contexts = {tag.value for d in run.inputs.dataset_inputs for tag in d.tags if tag.key == "mlflow.data.context"}
    assert contexts == {"train", "validation", "test", "ood_dev", "ood_test"}
    assert all(d.dataset.digest for d in run.inputs.dataset_inputs)
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"MODEL_CARD.md", "metrics.json", "figures"} <= artifacts
    figures = {a.path for a in client.list_artifacts(run.info.run_id, "figures")}
    assert "figures/pr_curves.png" in figures and "figures/alert_delay.png" in figures


@pytest.mark.slow
def test_model_is_registered_as_challenger_and_promotable(tiny_run: dict) -> None:
    from grooming_detect.cli import main

    client = _client(tiny_run)
    name = tiny_run["config"].name
    version = client.get_model_version_by_alias(name, "challenger")
    assert str(version.version) == tiny_run["summary"]["version"]
    assert main(["promote", "--name", name, "--experiment", tiny_run["config"].experiment]) == 0
    assert str(client.get_model_version_by_alias(name, "champion").version) == str(version.version)


@pytest.mark.slow
def test_saved_model_reloads_with_identical_scores(tiny_run: dict) -> None:
    transcript = Transcript(
        id="x",
        messages=[
            Message(sender="a", text="อายุเท่าไหร่แล้ว"),
            Message(sender="b", text="14 ค่ะ"),
            Message(sender="a", text="อย่าบอกใครนะ ส่งรูปมาหน่อย"),
        ],
    )
    model_dir = Path(tiny_run["summary"]["model_dir"])
    first = RiskScorer.from_pretrained(model_dir).score(transcript, return_spans=False)
    second = RiskScorer.from_pretrained(model_dir).score(transcript, return_spans=False)
    assert first.model_dump() == second.model_dump()
    assert first.model_version == tiny_run["config"].version
    assert (model_dir / "adapter" / "adapter_model.safetensors").is_file()
    assert not list(model_dir.rglob("*.bin")) and not list(model_dir.rglob("*.pkl"))
    _client(tiny_run)
    from_registry = RiskScorer.from_pretrained(f"models:/{tiny_run['config'].name}@challenger")
    assert from_registry.score(transcript, return_spans=False).category_scores == first.category_scores
    import mlflow
    import pandas as pd

    served = mlflow.pyfunc.load_model(f"models:/{tiny_run['config'].name}@challenger")  # models from code: no pickle
    frame = served.predict(pd.DataFrame({"transcript": [transcript.model_dump_json()]}))
    assert frame.loc[0, "id"] == "x"
    assert frame.loc[0, "score_grooming"] == pytest.approx(first.category_scores["grooming"])


@pytest.mark.slow
def test_resume_continues_an_interrupted_run(tiny_run: dict) -> None:
    from grooming_detect_training.pipeline import train

    overrides = {
        "checkpoint_dir": "runs/resume/checkpoints",
        "output_dir": "runs/resume/model",
        "register": False,
        "baseline": False,
        "head.patience": 10,
    }
    first = train(
        load_config(REPO / "training" / "configs" / "tiny.yaml", {**overrides, "head.epochs": 2}), progress=False
    )
    ckpt = tiny_run["root"] / "runs" / "resume" / "checkpoints"
    vectors = {p: p.stat().st_mtime_ns for p in ckpt.glob("vectors-*.safetensors")}
    resumed = train(
        load_config(REPO / "training" / "configs" / "tiny.yaml", {**overrides, "head.epochs": 4}),
        resume=True,
        progress=False,
    )
    before, after = first["metrics"]["history"], resumed["metrics"]["history"]
    for k in range(tiny_run["config"].head.members):
        done = [h for h in before["head"] if h.get("member", 0) == k]
        now = [h for h in after["head"] if h.get("member", 0) == k]
        assert [h["epoch"] for h in now] == [1, 2, 3, 4], f"member {k}"
        assert now[:2] == done  # finished epochs are kept, not redone
    assert after["joint"] == before["joint"]  # the finished joint stage is not rerun
    assert {p: p.stat().st_mtime_ns for p in ckpt.glob("vectors-*.safetensors")} == vectors  # cache reused
    # what the whole training cost is reported, not only the resume: stage times add up over the runs
    spent, again = first["metrics"]["timings"], resumed["metrics"]["timings"]
    assert spent["runs"] == 1 and again["runs"] == 2
    for stage in ("joint_tuning_s", "encoding_s", "head_s", "total_s"):
        assert again[stage] > spent[stage]
    card = (Path(resumed["model_dir"]) / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "summed over 2 runs" in card


@pytest.mark.slow
def test_head_trains_on_the_written_corpus_alone(tiny_run: dict) -> None:
    """``head.sources: written``: the head members see written chats only, the ablation marks that row shipped
    and trains a "both" head instead; the finished encoder stage of the first run is reused."""
    import shutil

    from grooming_detect_training.data import build_examples, load_splits
    from grooming_detect_training.pipeline import head_sources, train

    root = tiny_run["root"]
    shutil.copytree(root / "runs" / "tiny" / "checkpoints", root / "runs" / "written" / "checkpoints")
    for stale in (root / "runs" / "written" / "checkpoints").glob("head*"):
        stale.unlink()  # the members retrain on the new source; joint tuning and the vector cache stay
    overrides = {
        "checkpoint_dir": "runs/written/checkpoints",
        "output_dir": "runs/written/model",
        "register": False,
        "baseline": False,
        "head.sources": "written",
    }
    config = load_config(REPO / "training" / "configs" / "tiny.yaml", overrides)
    summary = train(config, resume=True, progress=False)
    metrics = summary["metrics"]
    assert metrics["history"]["joint"] == tiny_run["summary"]["metrics"]["history"]["joint"]
    data = build_examples(load_splits(config.data)[0], config.data, config.seed)
    written = head_sources(data["train"], "written")
    assert 0 < len(written) < len(data["train"])
    assert all(data["train"][i].meta.get("source") == "written" for i in written)
    rows = metrics["ablation"]
    assert list(rows) == ["templates only", "written only (shipped)", "both"]
    assert rows["written only (shipped)"]["n_train"] == len(written)
    assert rows["both"]["n_train"] == len(data["train"])
    assert rows["written only (shipped)"]["pr_auc"] == metrics["ood_test"]["any"]["pr_auc"]
    card = (Path(summary["model_dir"]) / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "`head.sources: written`" in card and "| written only (shipped) |" in card
    with pytest.raises(ValueError, match=r"head\.sources"):
        load_config(REPO / "training" / "configs" / "tiny.yaml", {"head.sources": "forum"})


@pytest.mark.slow
def test_head_members_learn_from_their_own_sources(tiny_run: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """``head.member_sources: [written, all]``: member 0 sees the written chats, member 1 every chat; the
    ablation trains each single source and marks the mixed row shipped."""
    import shutil

    from grooming_detect_training.data import build_examples, load_splits
    from grooming_detect_training.pipeline import head_sources, train
    from grooming_detect_training.trainer import Trainer

    root = tiny_run["root"]
    shutil.copytree(root / "runs" / "tiny" / "checkpoints", root / "runs" / "mixed" / "checkpoints")
    for stale in (root / "runs" / "mixed" / "checkpoints").glob("head*"):
        stale.unlink()
    seen: dict[str, set[str]] = {}
    real = Trainer._train_member

    def recording(self, head, k, model_config, train, train_vec, val, val_vec, name=None):  # type: ignore[no-untyped-def]
        seen[name or f"member{k}"] = {ex.id for ex in train}
        return real(self, head, k, model_config, train, train_vec, val, val_vec, name=name)

    monkeypatch.setattr(Trainer, "_train_member", recording)  # records what the real method is given
    overrides = {
        "checkpoint_dir": "runs/mixed/checkpoints",
        "output_dir": "runs/mixed/model",
        "register": False,
        "baseline": False,
        "head.member_sources": ["written", "all"],
    }
    config = load_config(REPO / "training" / "configs" / "tiny.yaml", overrides)
    summary = train(config, resume=True, progress=False)
    data = build_examples(load_splits(config.data)[0], config.data, config.seed)
    written = {data["train"][i].id for i in head_sources(data["train"], "written")}
    assert seen["member0"] == written
    assert seen["member1"] == {ex.id for ex in data["train"]}
    rows = summary["metrics"]["ablation"]
    assert list(rows) == ["members on written + all (shipped)", "templates only", "written only", "both"]
    card = (Path(summary["model_dir"]) / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "`head.member_sources: [written, all]`" in card
    with pytest.raises(ValueError, match=r"head\.member_sources"):
        load_config(REPO / "training" / "configs" / "tiny.yaml", {"head.member_sources": ["written"]})
    with pytest.raises(ValueError, match=r"head\.member_sources"):
        load_config(REPO / "training" / "configs" / "tiny.yaml", {"head.member_sources": ["written", "forum"]})


def test_template_share_keeps_every_written_chat_and_a_seeded_sample_of_templates() -> None:
    from types import SimpleNamespace

    from grooming_detect_training.pipeline import head_sources

    examples = [SimpleNamespace(meta={"source": "written" if i % 3 == 0 else "templates"}) for i in range(300)]
    written = [i for i in range(300) if i % 3 == 0]
    kept = head_sources(examples, "all", 0.5, seed=7)  # type: ignore[arg-type]
    assert set(written) <= set(kept) and len(kept) == len(written) + 50
    assert kept == head_sources(examples, "all", 0.5, seed=7)  # type: ignore[arg-type]  # a resume draws the same
    assert kept != head_sources(examples, "all", 0.5, seed=8)  # type: ignore[arg-type]
    assert len(head_sources(examples, "all", 10.0)) == 300  # type: ignore[arg-type]  # at most every template
    assert head_sources(examples, "all") == list(range(300))  # type: ignore[arg-type]
    tiny = REPO / "training" / "configs" / "tiny.yaml"
    with pytest.raises(ValueError, match=r"head\.template_share"):
        load_config(tiny, {"head.template_share": 0.5, "head.sources": "written"})
    with pytest.raises(ValueError, match=r"head\.template_share"):
        load_config(tiny, {"head.template_share": -1})
    assert load_config(tiny, {"head.template_share": 0.25}).head.template_share == 0.25


def test_baseline_skops_round_trip_and_refuses_untrusted(tmp_path: Path) -> None:
    import skops.io as sio

    from grooming_detect_training.baseline import BaselineModel, UntrustedModelError

    convs = [["สวัสดีครับ", "ส่งรูปมาหน่อย"], ["กินข้าวยัง", "ยังเลย"], ["อย่าบอกแม่นะ", "โอเค"], ["ไปเรียนกัน", "ได้"]] * 3
    targets = np.array([[0, 0], [1, 0], [0, 0], [0, 0], [0, 0], [1, 1], [0, 0], [0, 0]] * 3, dtype=float)
    model = BaselineModel(["grooming", "sextortion"]).fit(convs, targets, np.ones_like(targets))
    path = tmp_path / "baseline.skops"
    model.save(path)
    again = BaselineModel.load(path)
    assert np.allclose(again.decision(convs[:2]), model.decision(convs[:2]))

    class Sneaky:
        pass

    sio.dump({"categories": ["grooming"], "payload": Sneaky()}, tmp_path / "evil.skops")
    with pytest.raises(UntrustedModelError, match="Sneaky"):
        BaselineModel.load(tmp_path / "evil.skops")


def test_config_errors_are_clear(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("encoder:\n  lora_rank: 8\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown key"):
        load_config(bad)
    with pytest.raises(ValueError, match="expected a number"):
        load_config(None, {"head.hidden": "big"})
    assert load_config(None, {"head.hidden": 64}).head.hidden == 64
    for key, value, message in [
        ("head.members", 0, "at least 1"),
        ("head.aggregate", "mean", "one of max, last"),
        ("max_hard_negative_fpr", "few", "max_hard_negative_fpr"),
        ("max_hard_negative_fpr", 1.5, "max_hard_negative_fpr"),
        ("hard_negative_confidence", 1.0, "hard_negative_confidence"),
    ]:
        with pytest.raises(ValueError, match=message):
            load_config(None, {key: value})


def test_thresholds_hold_hard_negatives_under_the_cap() -> None:
    from grooming_detect_training.data import _example
    from grooming_detect_training.pipeline import choose_thresholds

    rng = np.random.default_rng(3)
    examples, probs = [], []
    for i in range(600):  # 200 grooming positives, 200 ordinary negatives, 200 hard negatives
        kind = ("positive", "ordinary", "hard")[i % 3]
        meta = {"grooming": int(kind == "positive"), "sextortion": 0, "hard_negative": kind == "hard"}
        if kind == "positive":
            meta["alert_at"] = 0
        examples.append(_example({"id": str(i), "messages": [{"sender": "a", "text": "x"}], "metadata": meta}))
        score = {"positive": rng.uniform(0.5, 1.0), "ordinary": rng.uniform(0.0, 0.3), "hard": rng.uniform(0.2, 0.8)}
        probs.append(np.array([[score[kind], 0.0]]))
    hard = np.array([p[0, 0] for p, ex in zip(probs, examples, strict=True) if ex.meta["hard_negative"]])

    plain = choose_thresholds(examples, probs, 0.9)["grooming"]
    capped = choose_thresholds(examples, probs, 0.9, max_hard_negative_fpr=0.02)["grooming"]
    bounded = choose_thresholds(examples, probs, 0.9, max_hard_negative_fpr=0.02, confidence=0.95)["grooming"]
    assert (hard >= plain).mean() > 0.02  # precision 0.9 alone lets many hard negatives through
    assert (hard >= capped).mean() <= 0.02 < (hard >= np.nextafter(capped, 0) - 1e-3).mean()  # lowest such cut
    assert bounded > capped and (hard >= bounded).mean() < 0.02  # the upper bound keeps a margin
    assert choose_thresholds(examples, probs, 0.9, max_hard_negative_fpr=0.5)["grooming"] == plain  # not stricter


def test_the_hard_negative_cap_holds_for_the_flag_not_only_per_category() -> None:
    """Two categories each within the cap may flag twice the cap together; the flag is what moderators see."""
    from grooming_detect_training.data import _example
    from grooming_detect_training.pipeline import choose_thresholds

    rng = np.random.default_rng(5)
    examples, probs = [], []
    for i in range(800):  # 100 grooming, 100 sextortion, 600 hard negatives scored high in one category each
        kind = ("grooming", "sextortion", *["hard"] * 6)[i % 8]
        meta = {"grooming": int(kind == "grooming"), "sextortion": int(kind == "sextortion")}
        meta |= {"hard_negative": kind == "hard", "alert_at": 0 if kind != "hard" else None}
        examples.append(_example({"id": str(i), "messages": [{"sender": "a", "text": "x"}], "metadata": meta}))
        high, low = rng.uniform(0.6, 1.0), rng.uniform(0.0, 0.2)
        either = rng.permutation([rng.uniform(0.3, 0.9), low])
        score = {"grooming": [high, low], "sextortion": [low, high], "hard": either}
        probs.append(np.array([score[kind]]))
    final = np.stack([p[-1] for p in probs])
    hard = np.array([ex.meta["hard_negative"] for ex in examples])
    cuts = choose_thresholds(examples, probs, 0.5, max_hard_negative_fpr=0.02)
    flagged = (final >= [cuts["grooming"], cuts["sextortion"]]).any(axis=1)
    assert flagged[hard].sum() <= int(0.02 * hard.sum()) < flagged[hard].sum() + 1
    each = [(final[hard, j] >= cuts[c]).mean() for j, c in enumerate(("grooming", "sextortion"))]
    assert sum(each) <= 0.02 + 1e-9  # no hard negative is flagged by both here, so the two shares add up
    # the per-category rule alone would have let each category spend the whole budget
    from grooming_detect_evaluation.metrics import threshold_for_fpr

    alone = [threshold_for_fpr(final[hard, j], 0.02) for j in range(2)]
    assert ((final[hard] >= alone).any(axis=1)).mean() > 0.02


def test_the_confidence_level_is_chosen_by_split_half_cross_validation() -> None:
    """``hard_negative_confidence: auto``: the level whose thresholds, fitted on one half, hold the cap on the
    other half on average, and among those the one that keeps the most recall there."""
    from grooming_detect_training.data import _example
    from grooming_detect_training.pipeline import CONFIDENCE_LEVELS, _thresholds, choose_confidence, choose_thresholds

    rng = np.random.default_rng(7)
    examples, probs = [], []
    for i in range(900):  # 300 positives, 600 hard negatives whose scores overlap the positives' lower end
        positive = i % 3 == 0
        meta = {"grooming": int(positive), "sextortion": 0, "hard_negative": not positive}
        meta |= {"alert_at": 0} if positive else {}
        examples.append(_example({"id": str(i), "messages": [{"sender": "a", "text": "x"}], "metadata": meta}))
        probs.append(np.array([[rng.uniform(0.4, 1.0) if positive else rng.beta(2, 8), 0.0]]))
    level, tried = choose_confidence(examples, probs, 0.5, 0.02, halvings=20)
    assert set(tried) == {str(lv) for lv in CONFIDENCE_LEVELS}
    within = {lv: tried[str(lv)] for lv in CONFIDENCE_LEVELS if tried[str(lv)]["hard_negative_fpr"] <= 0.02}
    assert level in within and tried[str(level)]["recall"] == max(r["recall"] for r in within.values())
    # a stricter level never flags more held-out hard negatives on average, and never keeps more recall
    numeric = [lv for lv in CONFIDENCE_LEVELS if lv is not None]
    for low, high in itertools.pairwise(numeric):
        assert tried[str(high)]["hard_negative_fpr"] <= tried[str(low)]["hard_negative_fpr"] + 1e-9
        assert tried[str(high)]["recall"] <= tried[str(low)]["recall"] + 1e-9
    rule = {"max_hard_negative_fpr": 0.02, "hard_negative_confidence": "auto", "target_precision": 0.5}
    config = load_config(None, rule)
    report: dict = {}
    cuts = _thresholds(config, examples, probs, report)
    assert report["hard_negative_confidence"] in CONFIDENCE_LEVELS and "cross_validation" in report
    assert cuts == choose_thresholds(examples, probs, 0.5, 0.02, report["hard_negative_confidence"])
    with pytest.raises(ValueError, match="auto needs max_hard_negative_fpr"):
        load_config(None, {"hard_negative_confidence": "auto"})
