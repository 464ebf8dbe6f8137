"""Compositional generator of labelled Thai chat transcripts.

A conversation is planned as a list of turns (stage, family, template), then rendered with slot values,
speaker particles, a dialect and chat noise. Plans follow grooming stage models (contact, age probing,
flattery, gifts, secrecy, isolation, moving to a private app, private photo requests, meeting offline),
sextortion scripts (hook, threat, demand, pressure) and benign scenarios with the same surface cues.
Each conversation has its own ``random.Random`` seeded from (seed, split, index), so the output is
the same bytes for the same seed and any single conversation can be regenerated alone.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from grooming_detect.scores import CATEGORIES
from grooming_detect_evaluation.identity import IDENTITY_TERMS
from grooming_detect_training.synth.lexicon import PARTICLE_STYLES, SLOTS, apply_dialect, fill_slots
from grooming_detect_training.synth.library import Library, SplitPool, load_library
from grooming_detect_training.synth.realism import add_noise, obfuscate_words, sample_style
from grooming_detect_training.synth.spec import Role, Scenario

__all__ = [
    "ALERT_STRONG",
    "ALERT_WEAK",
    "GROOMING_TACTICS",
    "LABELS",
    "alert_index",
    "generate",
    "generate_split",
    "split_sizes",
]

LABELS = CATEGORIES
GROOMING_TACTICS = (
    "age_probe",
    "flattery",
    "gifts",
    "secrecy",
    "isolation",
    "platform_move",
    "photo_request",
    "meet_offline",
)
SEXTORTION_STAGES = ("threat", "demand", "pressure")
ALERT_STRONG = frozenset({"secrecy", "isolation", "photo_request", "meet_offline", *SEXTORTION_STAGES})
"""A careful moderator is worried at the first of these, whatever came before."""
ALERT_WEAK = frozenset({"age_probe", "flattery", "gifts", "platform_move"})
"""Each alone is ordinary chat; the second distinct one from the same sender is a worry."""
SETTINGS = ("game", "dm", "tutor", "scout", "teen")
HOOKS = ("friendly", "romantic", "agency")
KIND_WEIGHTS = {"benign": 0.55, "grooming": 0.22, "sextortion": 0.15, "both": 0.08}
DIALECT_WEIGHTS = {"central": 0.52, "isan": 0.16, "northern": 0.16, "southern": 0.16}
PER_CONVERSATION_SLOTS = ("handle", "relative", "game", "school", "grade", "private_app", "province", "wallet")
SPLIT_FRACTIONS = {"train": 0.8, "validation": 0.1, "test": 0.1}


@dataclass(frozen=True)
class Turn:
    stage: str
    family: str
    template: int
    role: Role


@dataclass
class _Plan:
    """Turns being planned for one conversation, drawing families from one split's pool."""

    lib: Library
    pool: SplitPool
    rng: random.Random
    turns: list[Turn] = field(default_factory=list)

    def say(self, stage: str, group: str | None = None, role: Role | None = None) -> None:
        families = self.pool.by_group.get(group, []) if group else []
        families = families or self.pool.by_stage[stage]
        family = self.rng.choice(families)
        index = self.rng.randrange(len(self.lib.templates[family]))
        self.turns.append(Turn(stage, family, index, role or self.lib.stages[stage].role))

    def reply(self, stage: str, p: float = 0.85) -> None:
        name = f"{stage}.reply"
        if name in self.lib.stages and self.rng.random() < p:
            self.say(name)

    def smalltalk(self, exchanges: int, first: Role = "A") -> None:
        other: Role = "B" if first == "A" else "A"
        for _ in range(exchanges):
            self.say("smalltalk", role=first)
            if self.rng.random() < 0.85:
                self.say("smalltalk.reply", role=other)

    def pace(self) -> int:
        """Innocent exchanges before the first tactic: risk may show at message 3 or after 15."""
        return self.rng.choice((0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 8))


def _plan_grooming(plan: _Plan, require_photo: bool = False) -> str:
    rng = plan.rng
    setting = rng.choice(SETTINGS)
    plan.smalltalk(plan.pace(), first=rng.choice(("A", "B")))
    for _ in range(rng.choice((1, 1, 2))):
        plan.say("rapport", group=f"rapport.{setting}")
        plan.reply("rapport", 0.9)
    tactics = rng.sample(GROOMING_TACTICS, rng.randint(3, 7))
    if not ALERT_STRONG.intersection(tactics):
        tactics[-1] = rng.choice(sorted(ALERT_STRONG.intersection(GROOMING_TACTICS)))
    if require_photo and "photo_request" not in tactics:
        tactics.append("photo_request")
    order = sorted(tactics, key=GROOMING_TACTICS.index)
    for i in range(len(order) - 1):
        if rng.random() < 0.2:
            order[i], order[i + 1] = order[i + 1], order[i]
    for tactic in order:
        plan.say(tactic)
        if rng.random() < 0.25:
            plan.say(tactic)
        plan.reply(tactic)
        if rng.random() < 0.15:
            plan.smalltalk(1)
    return setting


def _plan_extortion(plan: _Plan, blunt: bool) -> None:
    rng = plan.rng
    stages = list(SEXTORTION_STAGES)
    if blunt and rng.random() < 0.4:
        stages = ["demand", "threat", "pressure"]
    for stage in stages:
        for _ in range(rng.choice((1, 1, 2))):
            plan.say(stage)
            plan.reply(stage)
    if rng.random() < 0.4:
        plan.say(rng.choice(("demand", "pressure")))
        plan.reply("pressure", 0.6)


def _plan_sextortion(plan: _Plan) -> str:
    rng = plan.rng
    if rng.random() < 0.3:
        _plan_extortion(plan, blunt=True)
        return "blunt"
    hook = rng.choice(HOOKS)
    plan.smalltalk(plan.pace() // 2, first=rng.choice(("A", "B")))
    for _ in range(rng.randint(1, 3)):
        plan.say("hook", group=f"hook.{hook}")
        plan.reply("hook", 0.9)
    _plan_extortion(plan, blunt=False)
    return hook


def _plan_benign(plan: _Plan, scenario: Scenario) -> None:
    rng = plan.rng
    if rng.random() < 0.5:
        plan.smalltalk(rng.randint(1, 3), first=scenario.beats[0].role)
    for beat in scenario.beats:
        if beat.name in scenario.optional and rng.random() < 0.3:
            continue
        plan.say(beat.name)
        if rng.random() < 0.15:
            plan.say(beat.name)
        if rng.random() < 0.12:
            plan.smalltalk(1, first=rng.choice(("A", "B")))


def alert_index(stages: list[str], roles: list[Role], label_stages: frozenset[str] | None = None) -> int | None:
    """First message at which a careful moderator is already worried (see ALERT_STRONG / ALERT_WEAK)."""
    weak_seen: dict[Role, set[str]] = {"A": set(), "B": set()}
    for i, (stage, role) in enumerate(zip(stages, roles, strict=True)):
        if label_stages is not None and stage not in label_stages:
            continue
        if stage in ALERT_STRONG:
            return i
        if stage in ALERT_WEAK:
            weak_seen[role].add(stage)
            if len(weak_seen[role]) >= 2:
                return i
    return None


GROOMING_ALERT_STAGES = frozenset(GROOMING_TACTICS)
SEXTORTION_ALERT_STAGES = frozenset(SEXTORTION_STAGES)


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _particle_style(rng: random.Random, adult_driver: bool) -> str:
    if adult_driver:
        return _weighted(rng, {"krub": 0.45, "ka": 0.15, "ja": 0.1, "none": 0.3})
    return _weighted(rng, {"krub": 0.3, "ka": 0.35, "ja": 0.05, "none": 0.3})


def _make_conversation(lib: Library, pool: SplitPool, split: str, index: int, seed: int) -> dict[str, Any]:
    rng = random.Random(f"{seed}:{split}:{index}")
    plan = _Plan(lib, pool, rng)
    kind = _weighted(rng, KIND_WEIGHTS)
    scenario_name, setting, hard_negative = kind, None, False
    minor_roles: frozenset[str] = frozenset({"B"})
    if kind == "grooming":
        setting = _plan_grooming(plan)
    elif kind == "sextortion":
        setting = _plan_sextortion(plan)
        minor_roles = frozenset({"B"}) if rng.random() < 0.8 else frozenset()
    elif kind == "both":
        setting = _plan_grooming(plan, require_photo=True)
        _plan_extortion(plan, blunt=False)
        scenario_name = "grooming_to_sextortion"
    elif rng.random() < 0.85:
        scenario = lib.scenarios[rng.choice(sorted(lib.scenarios))]
        _plan_benign(plan, scenario)
        scenario_name, hard_negative, minor_roles = scenario.name, scenario.hard_negative, scenario.minor_roles
    else:
        plan.smalltalk(rng.randint(3, 9), first=rng.choice(("A", "B")))
        scenario_name = "smalltalk"
        minor_roles = rng.choice((frozenset(), frozenset({"A", "B"}), frozenset({"B"})))
    if rng.random() < 0.12:
        plan.turns.insert(rng.randint(0, len(plan.turns)), _identity_turn(plan))

    stages = [t.stage for t in plan.turns]
    roles = [t.role for t in plan.turns]
    grooming = int(kind in ("grooming", "both"))
    sextortion = int(kind in ("sextortion", "both"))
    alert_g = alert_index(stages, roles, GROOMING_ALERT_STAGES) if grooming else None
    alert_s = alert_index(stages, roles, SEXTORTION_ALERT_STAGES) if sextortion else None
    alerts = [a for a in (alert_g, alert_s) if a is not None]
    alert_at = min(alerts) if alerts else None
    if alert_at is not None and rng.random() < 0.25:
        keep = rng.randint(max(alerts) + 1, len(plan.turns))
        del plan.turns[keep:]
        stages, roles = stages[:keep], roles[:keep]

    messages, tags = _render(lib, plan.turns, rng, minor_roles)
    identity = sorted(g for g, rx in IDENTITY_TERMS.items() if any(rx.search(m["text"]) for m in messages))
    metadata: dict[str, Any] = {
        "grooming": grooming,
        "sextortion": sextortion,
        "alert_at": alert_at,
        "alert_at_grooming": alert_g,
        "alert_at_sextortion": alert_s,
        "stages": stages,
        "families": [t.family for t in plan.turns],
        "templates": [f"{t.family}#{t.template}" for t in plan.turns],
        "scenario": scenario_name,
        "setting": setting,
        "hard_negative": hard_negative,
        "identity_terms": identity,
        "split": split,
        "source": "synthetic",
        **tags,
    }
    return {"id": f"syn-{seed}-{split}-{index:06d}", "messages": messages, "metadata": metadata}


def _identity_turn(plan: _Plan) -> Turn:
    family = plan.rng.choice(plan.pool.by_stage["identity"])
    index = plan.rng.randrange(len(plan.lib.templates[family]))
    return Turn("identity", family, index, plan.rng.choice(("A", "B")))


def _render(
    lib: Library, turns: list[Turn], rng: random.Random, minor_roles: frozenset[str]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    dialect = _weighted(rng, DIALECT_WEIGHTS)
    romanized = rng.random() < 0.04
    code_mixed = rng.random() < 0.2
    obfuscated_conv = rng.random() < 0.15
    nick = {"A": SLOTS["name"](rng), "B": SLOTS["name"](rng)}
    particles = {"A": _particle_style(rng, "A" not in minor_roles), "B": _particle_style(rng, "B" not in minor_roles)}
    styles = {
        role: sample_style(rng, romanized=romanized and (role == "B" or rng.random() < 0.5), code_mixed=code_mixed)
        for role in ("A", "B")
    }
    senders = {"A": f"u{rng.randint(10000, 99999)}", "B": f"u{rng.randint(10000, 99999)}"}
    # Drawn once per conversation so that a relative, a game or an account id stays the same throughout.
    fixed = {key: SLOTS[key](rng) for key in PER_CONVERSATION_SLOTS}
    fixed["age"] = str(rng.randint(11, 16))
    when = datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=rng.randint(0, 600 * 86400))
    obfuscated = False
    messages = []
    for turn in turns:
        other = "B" if turn.role == "A" else "A"
        style = PARTICLE_STYLES[particles[turn.role]]
        values = {
            **fixed,
            "name": nick[other],
            "me": nick[turn.role],
            "P": rng.choice(style.statement),
            "PQ": rng.choice(style.question),
        }
        text = fill_slots(lib.templates[turn.family][turn.template], rng, values)
        text = re.sub(r"\s{2,}", " ", apply_dialect(text, dialect, rng)).strip()
        if obfuscated_conv:
            text, changed = obfuscate_words(text, rng, rate=0.5)
            obfuscated = obfuscated or changed
        text = add_noise(text, styles[turn.role], rng)
        when += timedelta(seconds=rng.choice((rng.randint(3, 90), rng.randint(60, 1800), rng.randint(1800, 20000))))
        messages.append(
            {
                "sender": senders[turn.role],
                "text": text,
                "timestamp": when.isoformat().replace("+00:00", "Z"),
                "role": "minor" if turn.role in minor_roles else "adult",
            }
        )
    latin = sum(bool(re.search(r"[A-Za-z]{2,}", m["text"])) for m in messages)
    script = "romanized" if romanized else ("mixed" if code_mixed or latin else "thai")
    tags = {
        "dialect": dialect,
        "script": script,
        "particles": [particles["A"], particles["B"]],
        "obfuscated": obfuscated,
    }
    return messages, tags


def split_sizes(n: int) -> dict[str, int]:
    """Transcripts per split for ``n`` in all (80 / 10 / 10, the remainder to train)."""
    val = round(n * SPLIT_FRACTIONS["validation"])
    test = round(n * SPLIT_FRACTIONS["test"])
    return {"train": n - val - test, "validation": val, "test": test}


def generate_split(split: str, n: int, seed: int, lib: Library | None = None) -> Iterator[dict[str, Any]]:
    """Yield ``n`` conversations of one split as plain dicts in the foundation schema."""
    lib = lib or load_library()
    pool = lib.pool(split)
    for index in range(n):
        yield _make_conversation(lib, pool, split, index, seed)


def generate(n: int, seed: int = 0) -> dict[str, list[dict[str, Any]]]:
    """All three splits, template-family disjoint and conversation disjoint."""
    lib = load_library()
    return {split: list(generate_split(split, size, seed, lib)) for split, size in split_sizes(n).items()}
