"""The functional test cases, identity swaps and dialect swaps moved from Python to evaluation/data/functional/.

The digests below were recorded before the move (commit 2ab53a1, when functional_mft.py and functional_inv.py
built the cases in Python): each public collection serialized with ``dataclasses.asdict`` and
``json.dumps(..., ensure_ascii=False, sort_keys=True)``, then sha256. The cases read from the data files must be
the same objects in the same order. The loader's errors name the file, the line and the field.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from grooming_detect_evaluation.data import functional_inv, functional_mft
from grooming_detect_evaluation.data.loader import (
    DIALECTS,
    CaseFileError,
    default_root,
    load_dialect_swaps,
    load_functionalities,
    load_identity_swaps,
)
from grooming_detect_evaluation.data.spec import Case, DialectSwap, Functionality, IdentitySwap

MODULES = {"functional_mft": functional_mft, "functional_inv": functional_inv}

COLLECTIONS = {
    ("functional_mft", "FUNCTIONALITIES"): (24, "09fbb00fe9a8efcdb972664a40ca942749a41f0de7a29c9e4b72a69f8bf0b442"),
    ("functional_inv", "FUNCTIONALITIES"): (12, "7f7eddd075fdc728596379d05c5743659a8a6fbc5bc708b0139d6d396d9a4d02"),
    ("functional_inv", "IDENTITY_SWAPS"): (39, "93852d757f0f5f20384c047e457e19473b97d558abf08ca9053d52705a144574"),
    ("functional_inv", "RISKY_IDENTITY_SWAPS"): (
        12,
        "53f21b409f0e8e41641e37db52913f9c26469b61007dc3a32a4c244b1056cb59",
    ),
    ("functional_inv", "DIALECT_SWAPS"): (16, "623879b38adbf67a3d928681119207a8cafd19c1e589e9e6204622646d10b22f"),
}

# One digest per functionality (same serialization, of [functionality]), in evaluation order: says which one moved.
FUNCTIONALITY_DIGESTS = {
    "grooming_age_and_alone_probe": (21, "dbd06b3b077df4c28ab0b50991dbf0725b231c06e9ff35a4fe8e2d09fe5b7ca4"),
    "grooming_secrecy_request": (21, "9085a8bd0475895e8174b4caf38d199bba1ba893c17a7b4e1779cea0bee72a76"),
    "grooming_gift_for_secrecy": (21, "b47756c1cbbad781e93598450cbda18709824621f24925fbef8a958b11ba37f1"),
    "grooming_private_photo_request": (21, "527ceccc72bb8fae552df1c9ca84d65e363e22842ec32477113cb58e3e08030a"),
    "grooming_move_to_private_app": (20, "c8a10ff53fe806f0695ba3643765f625c86a2a4415abb3947bdd5291f225cb74"),
    "grooming_meet_offline": (20, "1a4801877784329801332fe1da5e74d4a40bd830c51916633b81381729ec4e11"),
    "grooming_isolation": (20, "3b5e311ada3ebbaf6b429c8d13970b258d570cf49510af7fe24642257b517552"),
    "sextortion_threat_and_payment": (20, "fb8f58c3096f44613e710ff5e05d95940f8077852a959c3981e478410e47a1ec"),
    "sextortion_demand_more_images": (20, "56c14ef5d8a1e3ec1c85de36126eb703f03bec7718f9c049023d81fe0e117f57"),
    "sextortion_deadline_pressure": (20, "f44cc957f4953e55ba016ff1af6ebeb628ced44ae3c9e37c5e97de7f7105a301"),
    "benign_family_surprise_secret": (20, "2ed46eea2a4b0f3423ce1ebc19e5b372c8acd1f7ead3b724fcbab8f0056705dd"),
    "benign_teacher_coach_logistics": (20, "3825d595369bf96deb01bf3c46f052b1bafbc58bedf01ae496fd9fbf92ac683e"),
    "benign_shop_payment_slip": (20, "12f9fd7ab74296432b96d249967ca9d3ad7459a093ab38b030cd7fb01ef422ce"),
    "benign_sibling_teasing": (20, "9f1c5a08fac7958741602183155daafc4ab3a29cfebd8fa59b126ede969708fb"),
    "benign_adult_debt": (20, "25c3c1a31dc68537207ee5a54147072a13cde6fb98f654a8cf601d776c80ec10"),
    "benign_teen_peer_flirting": (20, "ffb9bb32f37fae1e737646f011f5ebbe1700e0b7c4443c51a063efb95f8777b3"),
    "benign_sex_education": (20, "e707a17a7bab1e1fe9ac30a81b761e5079263d98e2e891018e5d541371f57d15"),
    "benign_abuse_news_and_advice": (20, "e78793ca209d5c01c06ca29f6d7f2ea68614500fd49bbe6acf62d03786609bde"),
    "benign_game_trash_talk": (20, "dab3bda34198237f93cb5b6b1334ccd05a24c7c840a302e4880eca73db84ae0a"),
    "dir_adding_secrecy_raises_grooming": (20, "872304acbe1797f78b92f80c6f958b33e86fd883972242143908f1816b7e93c7"),
    "dir_adding_threat_raises_sextortion": (20, "ecf74cd0a55a64088231dc27f7ad2284ba0426fd8883576a996362c4c9a7156f"),
    "dir_adding_photo_request_raises_grooming": (
        20,
        "be5183a410e06408cdbaa84f3d39e90e60f3382f29652fed34acc689e35030c1",
    ),
    "dir_adding_meeting_alone_raises_grooming": (
        20,
        "c54a8d2f446100f8f3af02831789fc2d9c043e0021a0d6a615228c5ca5475aa0",
    ),
    "dir_removing_threat_lowers_sextortion": (20, "920652c8fd0149a530bf0785efe6a32d75889530c9a79b3c63e103f12dc22e6c"),
    "inv_obfuscation_spacing": (22, "4329293a1e8bf33765816991188ecd3f783dcc048cb94c2beaa9f61774460871"),
    "inv_obfuscation_leet_and_misspelling": (22, "ea0d67e371555ae0ca10ed912dcaf665ef5ac031b2d8ac3d3af4fc47e58a124b"),
    "inv_dialect_isan": (22, "27e4cb8883e33b135eb0db3b830a02a94634e6fd3c34d07eb9dccc3cf3706832"),
    "inv_dialect_northern": (22, "cbe2ef6187c84bca1f70cccb68da9b84dd8225b9f0737d36ca7d0b20b54d722d"),
    "inv_dialect_southern": (22, "b7517e3fb8ca0640d1ae854da4535b0b7e8bfb638c274642c6e7dad481fdf91d"),
    "inv_gender_particle": (22, "6480e40886b8451ea1f5fc02299d204ca91a9b2555a733f9bd9cb1bf6af77650"),
    "inv_code_mixing": (22, "ecb3dbeae0a9681c1c6a6e1eabd66fd793fe9aab1966d2fab03a820a537219ec"),
    "inv_romanized": (22, "2a2950e14fdbd38d263dd7e918c8631c78226229915d74bdc435f8de0b9f4825"),
    "inv_emoji_and_laughter": (22, "fb71c30b883268e959cd247f2e439b12210891f38329a732c3fdcc3d737060ec"),
    "inv_typos_and_elongation": (22, "4e4d338d34310f425d85225ca0587980e5442c1b225164631d8178508bcb7f58"),
    "inv_thai_digits_and_amounts": (22, "28254d3504838b0a70b72787429b0d20fcd9cca5f891080857ba2ba7d03d8902"),
    "inv_names_and_places": (22, "dea725611588cd82690f1fa10cc185d479f10992c972f1152a7f88e96e7ad4b1"),
}

DATA = Path(__file__).resolve().parents[1] / "evaluation" / "data" / "functional"


def _digest(objs: list) -> str:
    text = json.dumps([dataclasses.asdict(o) for o in objs], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the moved data is what the code built before -----------------------------------------------------------


@pytest.mark.parametrize(("module", "name"), list(COLLECTIONS), ids=[f"{m}.{n}" for m, n in COLLECTIONS])
def test_collection_matches_the_digest_recorded_before_the_move(module: str, name: str) -> None:
    objs = getattr(MODULES[module], name)
    count, digest = COLLECTIONS[(module, name)]
    assert isinstance(objs, list)
    assert len(objs) == count
    assert _digest(objs) == digest


def test_each_functionality_matches_its_digest_in_order() -> None:
    functionalities = [*functional_mft.FUNCTIONALITIES, *functional_inv.FUNCTIONALITIES]
    assert [f.name for f in functionalities] == list(FUNCTIONALITY_DIGESTS)
    for f in functionalities:
        assert (len(f.cases), _digest([f])) == FUNCTIONALITY_DIGESTS[f.name], f.name


def _is_turns(turns: object) -> bool:
    return isinstance(turns, tuple) and all(
        isinstance(t, tuple) and len(t) == 2 and t[0] in ("A", "B") and isinstance(t[1], str) for t in turns
    )


def test_the_objects_have_the_types_of_the_spec() -> None:
    # JSON does not tell a tuple from a list, nor does it keep a dict's order once sorted: check those here.
    for f in [*functional_mft.FUNCTIONALITIES, *functional_inv.FUNCTIONALITIES]:
        assert type(f) is Functionality
        assert isinstance(f.cases, tuple) and isinstance(f.tags, tuple)
        for c in f.cases:
            assert type(c) is Case
            assert _is_turns(c.messages)
            assert (c.variant is None) == (f.kind == "mft")
            assert c.variant is None or _is_turns(c.variant)
    for swap in [*functional_inv.IDENTITY_SWAPS, *functional_inv.RISKY_IDENTITY_SWAPS]:
        assert type(swap) is IdentitySwap
        assert _is_turns(swap.template) and isinstance(swap.values, tuple)
    for d in functional_inv.DIALECT_SWAPS:
        assert type(d) is DialectSwap
        assert tuple(d.versions) == DIALECTS
        assert all(_is_turns(v) for v in d.versions.values())


def test_the_package_resource_is_the_source_tree_folder() -> None:
    # Read through importlib.resources (so it works from a wheel); here that is the folder in the source tree.
    assert Path(str(default_root())).resolve() == DATA
    assert _digest(load_functionalities(DATA)) == _digest(load_functionalities())


def test_every_data_file_is_read() -> None:
    index = [json.loads(line) for line in (DATA / "functionalities.jsonl").read_text("utf-8").splitlines()]
    named = {entry["cases"] for entry in index} | {
        "functionalities.jsonl",
        "swaps/identity_terms.jsonl",
        "swaps/identity_benign.jsonl",
        "swaps/identity_risky.jsonl",
        "swaps/dialects.jsonl",
    }
    on_disk = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*.jsonl")}
    assert on_disk == named


# --- the loader's errors name the file, the line and the field ----------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small valid data tree: one functionality of each kind, and the swap files."""
    root = tmp_path / "functional"
    files = {
        "functionalities.jsonl": [
            {
                "name": "m",
                "kind": "mft",
                "category": "grooming",
                "expect_flagged": True,
                "tags": ["flagged"],
                "description": "d",
                "cases": "mft/m.jsonl",
            },
            {
                "name": "d",
                "kind": "dir",
                "category": "sextortion",
                "direction": "up",
                "tags": [],
                "description": "d",
                "cases": "dir/d.jsonl",
            },
            {"name": "i", "kind": "inv", "category": "any", "tags": ["x"], "description": "d", "cases": "inv/i.jsonl"},
        ],
        "mft/m.jsonl": [
            {"note": "one", "messages": ["A: อายุเท่าไหร่", "B: 12"]},
            {"note": "two", "messages": ["A: อยู่คนเดียวมั้ย", "B: ใช่"]},
        ],
        "dir/d.jsonl": [
            {"note": "ins", "messages": ["A: สวัสดี", "B: ดี"], "insert": {"at": 2, "turn": "A: โอนมา"}},
            {"note": "rep", "messages": ["A: สวัสดี", "B: ดี"], "replace": {"at": 0, "turn": "A: โอนมา"}},
            {"note": "drop", "messages": ["A: สวัสดี", "B: ดี", "A: โอนมา"], "drop": [2]},
        ],
        "inv/i.jsonl": [{"note": "risky: x", "messages": ["A: ส่งรูป"], "variant": ["A: ส่ ง รู ป"]}],
        "swaps/identity_terms.jsonl": [{"group": "religion", "values": ["พุทธ", "มุสลิม"]}],
        "swaps/identity_benign.jsonl": [{"group": "religion", "template": ["A: เพื่อนเป็น{identity}", "B: อืม"]}],
        "swaps/identity_risky.jsonl": [{"group": "religion", "template": ["A: พี่ก็{identity} ส่งรูปมา"]}],
        "swaps/dialects.jsonl": [
            {"name": "dialect_x", "versions": {d: ["A: ไปตลาด", "B: ได้"] for d in DIALECTS}},
        ],
    }
    for rel, rows in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return root


def _set_line(path: Path, line: int, text: str) -> None:
    lines = path.read_text("utf-8").splitlines()
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _edit(path: Path, line: int, **changes: object) -> None:
    record = json.loads(path.read_text("utf-8").splitlines()[line - 1])
    for key, value in changes.items():
        if value is None:
            record.pop(key)
        else:
            record[key] = value
    _set_line(path, line, json.dumps(record, ensure_ascii=False))


def _error(load, root: Path) -> CaseFileError:
    with pytest.raises(CaseFileError) as info:
        load(root)
    return info.value


def test_the_small_tree_loads(tree: Path) -> None:
    mft, dir_, inv = load_functionalities(tree)
    assert (mft.kind, mft.expect_flagged, mft.tags, len(mft.cases)) == ("mft", True, ("flagged",), 2)
    assert [c.variant for c in dir_.cases] == [
        (("A", "สวัสดี"), ("B", "ดี"), ("A", "โอนมา")),
        (("A", "โอนมา"), ("B", "ดี")),
        (("A", "สวัสดี"), ("B", "ดี")),
    ]
    assert inv.cases[0].variant == (("A", "ส่ ง รู ป"),)
    assert load_identity_swaps(False, tree)[0].values == ("พุทธ", "มุสลิม")
    assert load_identity_swaps(True, tree)[0].template == (("A", "พี่ก็{identity} ส่งรูปมา"),)
    assert tuple(load_dialect_swaps(tree)[0].versions) == DIALECTS


@pytest.mark.parametrize(
    ("rel", "line", "changes", "field"),
    [
        ("mft/m.jsonl", 2, {"messages": None}, "messages"),
        ("mft/m.jsonl", 2, {"note": 5}, "note"),
        ("mft/m.jsonl", 1, {"variant": ["A: x"]}, "variant"),
        ("mft/m.jsonl", 2, {"messages": ["A: ok", "C: who"]}, "messages"),
        ("mft/m.jsonl", 2, {"messages": ["A:no space"]}, "messages"),
        ("mft/m.jsonl", 1, {"messages": []}, "messages"),
        ("inv/i.jsonl", 1, {"variant": None}, "variant"),
        ("dir/d.jsonl", 2, {"insert": {"at": 1, "turn": "A: x"}}, "replace"),  # two edits: the second is named
        ("dir/d.jsonl", 1, {"insert": None}, "insert"),
        ("dir/d.jsonl", 1, {"insert": {"at": 5, "turn": "A: x"}}, "insert.at"),
        ("dir/d.jsonl", 1, {"insert": {"at": "2", "turn": "A: x"}}, "insert.at"),
        ("dir/d.jsonl", 2, {"replace": {"at": 2, "turn": "A: x"}}, "replace.at"),
        ("dir/d.jsonl", 3, {"drop": [3]}, "drop"),
        ("dir/d.jsonl", 3, {"drop": [0, 1, 2]}, "drop"),
        ("functionalities.jsonl", 1, {"expect_flagged": "yes"}, "expect_flagged"),
        ("functionalities.jsonl", 1, {"expect_flagged": None}, "expect_flagged"),
        ("functionalities.jsonl", 3, {"direction": "up"}, "direction"),
        ("functionalities.jsonl", 2, {"kind": "dirr"}, "kind"),
        ("functionalities.jsonl", 2, {"category": "spam"}, "category"),
        ("functionalities.jsonl", 2, {"cases": "mft/d.jsonl"}, "cases"),
        ("functionalities.jsonl", 2, {"cases": "dir/missing.jsonl"}, "cases"),
        ("functionalities.jsonl", 3, {"name": "m"}, "name"),
        ("functionalities.jsonl", 3, {"tag": ["x"]}, "tag"),
    ],
)
def test_a_bad_functionality_file_names_file_line_and_field(
    tree: Path, rel: str, line: int, changes: dict, field: str
) -> None:
    _edit(tree / rel, line, **changes)
    err = _error(load_functionalities, tree)
    assert (Path(err.file), err.line, err.field) == (tree / rel, line, field)
    assert str(err).startswith(f"{tree / rel}:{line}: {field}: ")


def test_bad_json_names_file_and_line(tree: Path) -> None:
    _set_line(tree / "mft" / "m.jsonl", 2, '{"note": "two", "messages": ["A: x"],}')
    err = _error(load_functionalities, tree)
    assert (Path(err.file), err.line) == (tree / "mft" / "m.jsonl", 2)
    assert "not JSON" in str(err)


def test_a_key_given_twice_is_refused(tree: Path) -> None:
    _set_line(tree / "mft" / "m.jsonl", 1, '{"note": "a", "note": "b", "messages": ["A: x"]}')
    err = _error(load_functionalities, tree)
    assert (err.line, err.field) == (1, "note")


def test_blank_lines_are_skipped_and_counted(tree: Path) -> None:
    path = tree / "mft" / "m.jsonl"
    path.write_text("\n" + path.read_text("utf-8").replace("\n", "\n\n", 1), encoding="utf-8")
    assert len(load_functionalities(tree)[0].cases) == 2
    _edit(path, 4, note="")
    assert (_error(load_functionalities, tree).line, _error(load_functionalities, tree).field) == (4, "note")


def test_a_missing_file_is_named(tree: Path) -> None:
    shutil.rmtree(tree / "swaps")
    err = _error(load_dialect_swaps, tree)
    assert err.file == str(tree / "swaps" / "dialects.jsonl") and "no such file" in str(err)


@pytest.mark.parametrize(
    ("rel", "changes", "field"),
    [
        ("swaps/identity_benign.jsonl", {"group": "caste"}, "group"),
        ("swaps/identity_benign.jsonl", {"template": ["A: ไม่มีช่อง"]}, "template"),
        ("swaps/identity_benign.jsonl", {"values": ["x", "y"]}, "values"),
        ("swaps/identity_terms.jsonl", {"values": ["พุทธ"]}, "values"),
        ("swaps/identity_terms.jsonl", {"values": "พุทธ,มุสลิม"}, "values"),
    ],
)
def test_a_bad_identity_swap_names_file_line_and_field(tree: Path, rel: str, changes: dict, field: str) -> None:
    _edit(tree / rel, 1, **changes)
    err = _error(lambda root: load_identity_swaps(False, root), tree)
    assert (Path(err.file), err.line, err.field) == (tree / rel, 1, field)


@pytest.mark.parametrize(
    "versions",
    [
        {d: ["A: x"] for d in DIALECTS[:3]},
        {d: ["A: x"] for d in reversed(DIALECTS)},
        {d: ["A: x"] * (2 if d == "isan" else 1) for d in DIALECTS},
        {d: ["A: x" if d != "northern" else "x"] for d in DIALECTS},
    ],
)
def test_a_bad_dialect_swap_names_file_line_and_field(tree: Path, versions: dict) -> None:
    _edit(tree / "swaps" / "dialects.jsonl", 1, versions=versions)
    err = _error(load_dialect_swaps, tree)
    assert (Path(err.file), err.line, err.field) == (tree / "swaps" / "dialects.jsonl", 1, "versions")
