"""Training configuration: ``training/configs/*.yaml`` read into typed dataclasses.

Every field has a default and a meaning below; a YAML file only names what it changes. Unknown keys are
an error (a typo must not silently train something else).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, Literal

__all__ = ["DataConfig", "EncoderConfig", "HeadConfig", "TrainConfig", "load_config"]


@dataclass
class DataConfig:
    """Where the data comes from.

    Attributes:
        synthetic_dir: folder of ``grooming-detect data generate``; generated there if missing.
        synthetic_n: transcripts to generate when the folder is missing.
        synthetic_seed: generator seed.
        extra_files: labelled JSON Lines / CSV / Parquet files merged with the synthetic data.
        max_train: cap on training transcripts (a stratified sample; 0 means all). Encoding every message
            costs CPU time, so the default model trains on a sample.
        max_validation: cap on validation transcripts (0 means all).
        max_test: cap on test transcripts (0 means all).
        templates: train on the template generator's conversations (the synthetic splits). With it off, the
            template test split is still read, to report on it.
        written_dirs: folders of the free-written corpus (``grooming_detect_evaluation.chats`` schema); every
            conversation trains except a ``written_validation`` share, chosen by a hash of its id.
        written_validation: share of the written corpus held out as a validation split (reported, never
            used to choose anything when ``select_on`` is ``ood_dev``).
        ood_dir: folder holding ``ood_dev/`` and ``ood_test/``: conversations written apart from every
            training source. Missing sets are skipped.
        select_on: the split that chooses early stopping, calibration and thresholds: ``ood_dev`` (the
            default when present) or ``validation`` (the in-distribution one, as before 0.4.0).
        counterfactual: share of training conversations that also train as an identity-swapped copy
            (gender particles, religion, sexual identity, dialect markers, nationality; each copy swaps a
            group the conversation holds; see ``grooming_detect_training.augment``).
        role_dropout: share of training conversations whose ``role`` fields are hidden (``unknown``), so
            that the model works when callers give no roles.
        template_tactics: learn tactics from the template stages too. Their labels come per stage, so a
            mother's "are you home alone?" in a benign template is no tactic while the written corpus tags
            it ``alone_check``; with this off only written labels teach the tactic layer.
    """

    synthetic_dir: str = "data/synthetic"
    synthetic_n: int = 20000
    synthetic_seed: int = 0
    extra_files: list[str] = field(default_factory=list)
    max_train: int = 0
    max_validation: int = 0
    max_test: int = 0
    templates: bool = True
    written_dirs: list[str] = field(default_factory=list)
    written_validation: float = 0.1
    ood_dir: str | None = None
    select_on: Literal["ood_dev", "validation"] = "validation"
    counterfactual: float = 0.0
    role_dropout: float = 0.5
    template_tactics: bool = True


@dataclass
class EncoderConfig:
    """How the message encoder is tuned.

    Attributes:
        finetune: ``lora`` (peft adapter, small artifact), ``full`` (all weights) or ``none`` (frozen).
        max_length: tokens per window; longer messages are split into windows and averaged.
        lora_r: LoRA rank.
        lora_alpha: LoRA scaling numerator.
        lora_dropout: dropout on the LoRA path.
        lora_targets: attention / FFN modules that get adapters.
        lr: learning rate of the encoder (adapter) weights.
        steps: optimizer steps of joint encoder + head tuning (0 skips it).
        batch_conversations: conversations per joint step.
        eval_every: joint steps between validation checks (early stopping and checkpoints).
        eval_conversations: validation transcripts used for those checks.
        time_budget_min: stop joint tuning after this many minutes (0 means no limit).
        aux_weight: weight of the per-message tactic loss (which tactics does this message play?) where the
            data labels them; it teaches the encoder the tactics directly rather than only through the
            conversation labels. 0 turns it off.
    """

    finetune: Literal["none", "lora", "full"] = "lora"
    max_length: int = 64
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.05
    lora_targets: list[str] = field(default_factory=lambda: ["query", "value"])
    lr: float = 2e-4
    steps: int = 300
    batch_conversations: int = 8
    eval_every: int = 50
    eval_conversations: int = 200
    time_budget_min: float = 0.0
    aux_weight: float = 1.0


@dataclass
class HeadConfig:
    """The conversation head, trained on cached message vectors.

    Attributes:
        hidden: GRU state size.
        speaker_slots: speakers told apart by order of first message.
        speaker_dim: speaker embedding size.
        dropout: dropout in the head.
        lr: learning rate.
        weight_decay: AdamW weight decay.
        epochs: most epochs.
        batch_size: conversations per step.
        patience: epochs without a better validation PR-AUC before stopping.
        members: heads trained from different seeds whose logits the model averages (1 is a single head).
        aggregate: conversation risk so far from per-message logits: ``max`` (highest so far, never falls) or
            ``last`` (the head's latest output; it is trained to be the risk so far, and ignores one-message
            spikes that later context explains). Chosen on validation PR-AUC; see the model card.
        tactics: the head tags each message with the tactics of ``grooming_detect.tactics`` and feeds them
            to its GRU (multi-task); off gives the pre-0.4.0 head.
        tactic_weight: weight of the per-message tactic loss while training the head.
        roles: the head reads ``Message.role``.
        lexical_tactics: also fit the lexical tactic tagger (``grooming_detect.lexical``: character n-gram
            TF-IDF and a logistic regression per tactic, on messages with known tactics) and blend it with the
            head's tactic layer; the blend weight and tactic thresholds are chosen on the selection split.
        lexical_ngrams: shortest and longest character n-gram of the tagger.
        lexical_min_df: n-grams in fewer training messages are left out.
        lexical_c: inverse L2 strength of the tagger's logistic regressions.
        sources: which training conversations the head (every member) learns from: ``all``, ``written``
            (the free-written corpus only) or ``templates``. The encoder's joint tuning and the lexical tagger
            still use every source. On ood_dev a head on the written corpus alone ranked better than one on
            both in two trainings running (issue 12 notes), while templates still teach the encoder.
        template_share: with ``sources: all``, the head keeps this many template conversations per written
            one (a seeded sample; null keeps every template). Templates outnumber the written chats, and a
            head on all of them learns their phrasing; a head on none forgets the extortion wording only
            they hold. The share is chosen on the selection split (issue 12 notes).
        member_sources: one training source per head member (``all``, ``written`` or ``templates``; as many
            as ``members``), in place of ``sources`` for every member. The ensemble averages its members, so
            ``[written, written, all, all]`` weighs a head that knows the templates' wording half. Null: every
            member learns from ``sources``.
    """

    hidden: int = 256
    speaker_slots: int = 4
    speaker_dim: int = 16
    dropout: float = 0.1
    lr: float = 1e-3
    weight_decay: float = 1e-4
    epochs: int = 30
    batch_size: int = 64
    patience: int = 4
    members: int = 1
    aggregate: Literal["max", "last"] = "max"
    tactics: bool = False
    tactic_weight: float = 1.0
    roles: bool = False
    lexical_tactics: bool = False
    lexical_ngrams: tuple[int, int] = (2, 4)
    lexical_min_df: int = 2
    lexical_c: float = 10.0
    sources: Literal["all", "written", "templates"] = "all"
    template_share: float | None = None
    member_sources: tuple[str, ...] | None = None


@dataclass
class TrainConfig:
    """One training run.

    Attributes:
        name: registered model name in MLflow.
        version: version written into the model (reported in every answer).
        seed: seed for every random number generator.
        output_dir: where the trained model folder is written.
        checkpoint_dir: checkpoints and the message-vector cache (``--resume`` continues from here).
        target_precision: each category's threshold is the lowest reaching this precision on validation.
        max_hard_negative_fpr: and, where it is stricter, flags at most this share of validation's hard
            negatives (null: precision alone decides).
        hard_negative_confidence: with ``max_hard_negative_fpr``, the confidence (say 0.95) with which the
            hard-negative false-positive rate must stay within it: its Clopper-Pearson upper bound on
            validation, not the rate seen there, is held to the cap (null: the rate seen). ``auto`` chooses
            the level on the selection split by split-half cross-validation
            (``grooming_detect_training.pipeline.choose_confidence``).
        experiment: MLflow experiment name.
        register: register the model in the MLflow registry with the ``challenger`` alias.
        baseline: also train the TF-IDF + logistic regression baseline and report it beside the model.
        ablation: also train one fresh head member on each training source alone (templates, the
            free-written corpus) on the same encoder, and report them beside the shipped head on the
            first reported OOD split (the model card's ablation table).
        data: see :class:`DataConfig`.
        encoder: see :class:`EncoderConfig`.
        head: see :class:`HeadConfig`.
    """

    name: str = "grooming-detect"
    version: str = "0.1.0"
    seed: int = 0
    output_dir: str = "runs/default/model"
    checkpoint_dir: str = "runs/default/checkpoints"
    target_precision: float = 0.9
    max_hard_negative_fpr: float | None = None
    hard_negative_confidence: float | Literal["auto"] | None = None
    experiment: str = "grooming-detect"
    register: bool = True
    baseline: bool = True
    ablation: bool = False
    data: DataConfig = field(default_factory=DataConfig)
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    head: HeadConfig = field(default_factory=HeadConfig)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _build(cls: type, values: dict[str, Any], where: str) -> Any:
    if not isinstance(values, dict):
        raise ValueError(f"{where}: expected a mapping")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}")
    kwargs = {}
    for name, value in values.items():
        default = getattr(cls(), name)
        if is_dataclass(default):
            kwargs[name] = _build(type(default), value, f"{where}.{name}")
        elif isinstance(default, bool) and not isinstance(value, bool):
            raise ValueError(f"{where}.{name}: expected true or false")
        elif isinstance(default, int | float) and not isinstance(default, bool):
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ValueError(f"{where}.{name}: expected a number")
            kwargs[name] = type(default)(value)
        elif isinstance(default, tuple):
            if not isinstance(value, list | tuple) or len(value) != len(default):
                raise ValueError(f"{where}.{name}: expected a list of {len(default)}")
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
                raise ValueError(f"{where}.{name}: expected whole numbers")
            kwargs[name] = tuple(value)
        elif isinstance(default, list) and not isinstance(value, list):
            raise ValueError(f"{where}.{name}: expected a list")
        else:
            kwargs[name] = value
    return cls(**kwargs)


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> TrainConfig:
    """Read a YAML config (or the defaults) and apply ``overrides`` (dotted keys -> values)."""
    import yaml

    values: dict[str, Any] = {}
    if path is not None:
        loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        values = loaded or {}
    for dotted, value in (overrides or {}).items():
        node = values
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    config = _build(TrainConfig, values, "config")
    if config.encoder.finetune not in ("none", "lora", "full"):
        raise ValueError("config.encoder.finetune: one of none, lora, full")
    if not 0 < config.target_precision < 1:
        raise ValueError("config.target_precision: must be between 0 and 1")
    cap = config.max_hard_negative_fpr
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int | float) or not 0 <= cap < 1):
        raise ValueError("config.max_hard_negative_fpr: a number from 0 to 1 (exclusive), or null")
    level = config.hard_negative_confidence
    if level == "auto" and cap is None:
        raise ValueError("config.hard_negative_confidence: auto needs max_hard_negative_fpr")
    if level not in (None, "auto") and (
        isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1
    ):
        raise ValueError("config.hard_negative_confidence: a number between 0 and 1, auto, or null")
    if config.head.aggregate not in ("max", "last"):
        raise ValueError("config.head.aggregate: one of max, last")
    if config.head.sources not in ("all", "written", "templates"):
        raise ValueError("config.head.sources: one of all, written, templates")
    share = config.head.template_share
    if share is not None and (isinstance(share, bool) or not isinstance(share, int | float) or share <= 0):
        raise ValueError("config.head.template_share: template conversations per written one (above 0), or null")
    member_sources = config.head.member_sources
    if member_sources is not None:
        if not isinstance(member_sources, list | tuple):
            raise ValueError("config.head.member_sources: a list, one source per head member, or null")
        config.head.member_sources = member_sources = tuple(member_sources)
        if len(member_sources) != config.head.members or any(
            s not in ("all", "written", "templates") for s in member_sources
        ):
            raise ValueError("config.head.member_sources: one of all, written, templates per head member, or null")
        if config.head.sources != "all" or share is not None:
            raise ValueError("config.head.member_sources: replaces head.sources and head.template_share; leave those")
    if share is not None and config.head.sources != "all":
        raise ValueError("config.head.template_share: needs head.sources: all")
    if config.head.members < 1:
        raise ValueError("config.head.members: must be at least 1")
    low, high = config.head.lexical_ngrams
    if not 1 <= low <= high <= 8:
        raise ValueError("config.head.lexical_ngrams: [shortest, longest] with 1 <= shortest <= longest <= 8")
    if config.head.lexical_min_df < 1 or config.head.lexical_c <= 0:
        raise ValueError("config.head.lexical_min_df must be at least 1 and lexical_c above 0")
    if config.data.select_on not in ("ood_dev", "validation"):
        raise ValueError("config.data.select_on: one of ood_dev, validation")
    for name in ("written_validation", "counterfactual", "role_dropout"):
        value = getattr(config.data, name)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
            raise ValueError(f"config.data.{name}: a number from 0 to 1 (exclusive)")
    return config
