"""Template content as data files: same bytes as before the move, and a loader that names file, line and field."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import pytest

from grooming_detect_training.synth.card import dataset_stats, render_card
from grooming_detect_training.synth.generator import generate
from grooming_detect_training.synth.library import ContentError, content_root, load_library, read_library

# Recorded from the Python content modules (training/synth/content/*.py) before they became YAML files. A change
# to the generator, the lexicon or the templates that is meant to change the output must update these on purpose.
DATA_DIGESTS = {
    (2000, 0): "13f8cf40773278b489a2b4742f5e7b5b62ff484d4f7ebb40508da076ee60461c",
    (500, 7): "c81ffe2a4cff318ceb5c007320fca242961a9f9d346753adee55f722dc1e2aa5",
}
CARD_DIGEST_500_7 = "466c21eba967429953650f8054a5fe953ac1530c6d2741d865d7a8a49ef1aa61"
LIBRARY_DIGEST = "35c2e209f163c9be204323b66476258e3dfa47042b465543d691958e6040c08d"


def _data_digest(splits: dict[str, list[dict]]) -> str:
    h = hashlib.sha256()
    for split, rows in splits.items():
        h.update(split.encode() + b"\n")
        for row in rows:
            h.update((json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode())
    return h.hexdigest()


def _library_digest() -> str:
    """Every stage (role, families and templates in order) and scenario; stages sorted by name."""
    lib = load_library()
    stages = sorted([s.name, s.role, [[f, t] for f, t in s.families.items()]] for s in lib.stages.values())
    scenarios = sorted(
        [
            s.name,
            s.description,
            s.hard_negative,
            list(s.roles),
            [b.name for b in s.beats],
            sorted(s.optional),
            sorted(s.minor_roles),
        ]
        for s in lib.scenarios.values()
    )
    return hashlib.sha256(json.dumps([stages, scenarios], ensure_ascii=False).encode()).hexdigest()


@pytest.mark.parametrize(("n", "seed"), sorted(DATA_DIGESTS))
def test_same_seed_same_bytes_as_before_the_move(n: int, seed: int) -> None:
    splits = generate(n, seed)
    assert _data_digest(splits) == DATA_DIGESTS[(n, seed)]
    if (n, seed) == (500, 7):
        card = render_card(dataset_stats(splits, load_library()), n=n, seed=seed)
        assert hashlib.sha256(card.encode()).hexdigest() == CARD_DIGEST_500_7


def test_library_holds_the_same_content() -> None:
    assert _library_digest() == LIBRARY_DIGEST


def test_content_files_are_named_for_what_they_hold() -> None:
    lib = load_library()
    root = Path(str(content_root()))
    names = {p.relative_to(root).as_posix() for p in root.rglob("*.yaml")}
    assert {f"grooming/{s}.yaml" for s in ("rapport", "secrecy", "photo_request")} <= names
    assert {f"sextortion/{s}.yaml" for s in ("hook", "threat", "demand", "pressure")} <= names
    assert {f"benign/{s}.yaml" for s in lib.scenarios} <= names
    assert {"smalltalk.yaml", "identity.yaml"} <= names
    assert not list(root.rglob("*.py"))


STAGE = """\
stages:
  - name: threat
    role: A
    families:
      threat.first:
        - one {P}
        - two
      threat.second:
        - three
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_folder_loads_in_order(tmp_path: Path) -> None:
    _write(tmp_path, "sextortion/threat.yaml", STAGE)
    _write(
        tmp_path,
        "benign/chat.yaml",
        """\
scenario:
  name: chat
  description: two friends chat
  hard_negative: false
  roles: [friend, friend]
  minor_roles: [A, B]
  optional: [chat.bye]
  beats:
    - name: chat.hi
      role: A
      families:
        chat.hi.plain: ["hi", "hello"]
    - name: chat.bye
      role: B
      families:
        chat.bye.plain: ["bye"]
""",
    )
    lib = read_library(tmp_path)
    assert list(lib.stages["threat"].families) == ["threat.first", "threat.second"]
    assert lib.templates["threat.first"] == ["one {P}", "two"]
    chat = lib.scenarios["chat"]
    assert [b.name for b in chat.beats] == ["chat.hi", "chat.bye"]
    assert chat.optional == {"chat.bye"} and chat.minor_roles == {"A", "B"} and chat.roles == ("friend", "friend")
    assert chat.beats[1] is lib.stages["chat.bye"]


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        (STAGE.replace("    role: A\n", ""), 2, "stages.0.role"),  # missing: the line of its parent
        (STAGE.replace("role: A", "role: C"), 3, "stages.0.role"),
        (STAGE.replace("- two", "- 555"), 7, "stages.0.families.threat.first.1"),  # YAML reads 555 as a number
        (STAGE.replace("- three", "- yes"), 9, "stages.0.families.threat.second.0"),
        (STAGE.replace("threat.second:", "demand.second:"), 8, "stages.0.families.demand.second"),
        (STAGE.replace("threat.second:", "threat.first:"), 8, "stages.0.families.threat.first"),  # repeated key
        (STAGE.replace("    families:", "    familes:"), 4, "stages.0.familes"),
        (STAGE.replace("- two", "- two {P"), 7, "stages.0.families.threat.first.1"),
        (
            STAGE.replace("      threat.second:\n        - three\n", "      threat.second: []\n"),
            8,
            "stages.0.families.threat.second",
        ),
        (STAGE + "scenario: {name: x}\n", 1, "(top level)"),
        ("stages: null\n", 1, "(top level)"),
        ("- just a list\n", 1, "(top level)"),
        ("stages: [\n", 2, "not valid YAML"),
    ],
)
def test_a_bad_file_names_file_line_and_field(tmp_path: Path, text: str, line: int, field: str) -> None:
    path = _write(tmp_path, "sextortion/threat.yaml", text)
    with pytest.raises(ContentError) as err:
        read_library(tmp_path)
    message = str(err.value)
    assert any(m.startswith(f"{path}:{line}: {field}") for m in message.splitlines()), message


def test_scenario_optional_must_name_a_beat(tmp_path: Path) -> None:
    text = """\
scenario:
  name: chat
  description: two friends chat
  hard_negative: false
  roles: [friend, friend]
  optional: [chat.nope]
  beats:
    - {name: chat.hi, role: A, families: {chat.hi.plain: [hi]}}
"""
    path = _write(tmp_path, "benign/chat.yaml", text)
    with pytest.raises(ContentError, match=rf"^{path}:6: scenario\.optional\.0: 'chat\.nope' is not one of the beats"):
        read_library(tmp_path)


def _error(folder: Path) -> str:
    with pytest.raises(ContentError) as err:
        read_library(folder)
    return str(err.value)


def test_a_stage_or_family_defined_in_two_files_names_both(tmp_path: Path) -> None:
    first = _write(tmp_path, "a.yaml", STAGE)
    second = _write(tmp_path, "b.yaml", STAGE.replace("threat", "demand"))
    assert list(read_library(tmp_path).stages) == ["threat", "demand"]
    second.write_text(STAGE.replace("threat.second", "threat.third"), encoding="utf-8")
    assert _error(tmp_path) == f"{second}:2: stage 'threat' is already defined at {first}:2"
    # a family id may start with another stage's name ("threat.first.x" in threat, or in threat.first)
    first.write_text(STAGE.replace("threat.second", "threat.first.x"), encoding="utf-8")
    second.write_text(STAGE.replace("name: threat", "name: threat.first").replace("threat.first:", "threat.first.y:"))
    second.write_text(second.read_text().replace("threat.second", "threat.first.x"), encoding="utf-8")
    assert _error(tmp_path) == f"{second}:8: family id 'threat.first.x' is already defined at {first}:8"
    second.unlink()  # the same within one file
    first.write_text(STAGE + STAGE.removeprefix("stages:\n"), encoding="utf-8")
    assert _error(tmp_path) == f"{first}:10: stage 'threat' is already defined at {first}:2"


def test_an_empty_folder_or_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="no content files"):
        read_library(tmp_path)
    path = _write(tmp_path, "empty.yaml", "# nothing yet\n")
    with pytest.raises(ContentError, match=rf"^{path}: the file is empty"):
        read_library(tmp_path)


def _shipped(name: str) -> str:
    return (resources.files("grooming_detect_training.synth") / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("  grade:\n", "  Grade:\n", "words.Grade.[key]"),
        ("amounts: [50,", "amounts: [-50,", "amounts.0"),
        ('    question: ["ครับ"', '    questions: ["ครับ"', "particles.krub.questions"),
        ("    words: {}\n", "    words: []\n", "dialects.central.words"),
    ],
)
def test_a_bad_lexicon_names_file_line_and_field(old: str, new: str, field: str) -> None:
    from grooming_detect_training.synth.lexicon import read_lexicon

    text = _shipped("lexicon.yaml")
    assert old in text
    bad = text.replace(old, new, 1)
    line = bad[: bad.index(new)].count("\n") + 1
    with pytest.raises(ContentError) as err:
        read_lexicon(bad, "lexicon.yaml")
    assert any(m.startswith(f"lexicon.yaml:{line}: {field}") for m in str(err.value).splitlines()), str(err.value)


def test_the_explicit_term_list_is_checked() -> None:
    from grooming_detect_training.synth.safety import EXPLICIT_TERMS, read_terms

    text = _shipped("explicit_terms.yaml")
    assert read_terms(text).terms == list(EXPLICIT_TERMS)
    with pytest.raises(ContentError, match=r"^explicit_terms\.yaml:\d+: \(top level\): Value error, word_boundary"):
        read_terms(text.replace('word_boundary: ["nude"', 'word_boundary: ["sux", "nude"'))
    with pytest.raises(ContentError, match=r"^explicit_terms\.yaml:\d+: terms\.\d+: String should have at least 2"):
        read_terms(text.replace('  - "xxx"', '  - "x"'))
