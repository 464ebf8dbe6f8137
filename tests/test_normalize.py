"""Behaviour of the Thai chat normalizer: examples per rule, offsets, rule lists and properties."""

from __future__ import annotations

import dataclasses
import itertools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grooming_detect.normalize import (
    DEFAULT_RULES,
    PLACEHOLDERS,
    THAI_SPELLING_RULES,
    AlignedText,
    NormalizedText,
    char_map_rule,
    iter_normalized,
    normalize_text,
    regex_rule,
    until_stable,
)

EXAMPLES = [
    # invisible and control characters, whitespace
    ("สวัสดี\u200bครับ", "สวัสดีครับ"),
    ("ส่\u200cง\u200dรู\u2060ป", "ส่งรูป"),
    ("\ufeffhello", "hello"),
    ("\u202eabc\u202c", "abc"),
    ("a\x00b\x7fc\x9f", "abc"),
    ("a\tb\nc\r\nd", "a b c d"),
    ("  hello \u3000  world  ", "hello world"),
    ("ส\ufe0fง", "สง"),
    # unicode compatibility forms, lowercasing
    ("ｓｅｎｄ", "send"),
    ("𝐬𝐞𝐧𝐝 ⓟⓘⓒ", "send pic"),
    ("e\u0301", "\u00e9"),
    ("Sawasdee Krub pai nai", "sawasdee krub pai nai"),
    ("OK ค่ะ", "ok ค่ะ"),
    # Thai spelling (pythainlp.util.normalize rules)
    ("เเปลก", "แปลก"),
    ("ดีีีี", "ดี"),
    ("ค่่่า", "ค่า"),
    ("กา่", "ก่า"),
    ("ก\u0e4d\u0e48\u0e32", "ก่ำ"),
    ("พ ุ่มดอกไม้", "พุ่มดอกไม้"),
    ("คำ ่ที่สอง", "คำ ที่สอง"),
    ("\u0e48ก", "ก"),
    # Thai digits
    ("๑๔ ปี", "14 ปี"),
    ("๐๘๑-๒๓๔-๕๖๗๘", "[PHONE]"),
    # repeated letters keep an emphasis marker
    ("มากกกกก", "มาก[REP]"),
    ("ค่าาาา", "ค่า[REP]"),
    ("ค่าา", "ค่า[REP]"),
    ("soooo", "so[REP]"),
    ("น่ารักกกก", "น่ารัก[REP]"),
    ("มากก", "มาก[REP]"),
    ("อืมมมมมม", "อืมมม[REP]"),
    ("งงงง", "งง[REP]"),
    ("ดีมากกกกกกค่ะ", "ดีมาก[REP]ค่ะ"),
    ("wow!!!!!", "wow![REP]"),
    # laughter
    ("555", "[LAUGH]"),
    ("5555+", "[LAUGH]"),
    ("๕๕๕", "[LAUGH]"),
    ("5555555", "[LAUGH]"),
    ("555555555555", "[LAUGH]"),
    ("hahaha", "[LAUGH]"),
    ("HAHAHA", "[LAUGH]"),
    ("ถถถถ", "[LAUGH]"),
    ("ฮ่าๆๆ", "[LAUGH]"),
    ("ฮ่าฮ่าฮ่า", "[LAUGH]"),
    ("555 555 ขำ", "[LAUGH] ขำ"),
    ("ตลกอ่ะ 55555", "ตลกอ่ะ [LAUGH]"),
    # leetspeak, only inside tokens mixing letters and digits
    ("s3nd p1c", "send pic"),
    ("ph0t0", "photo"),
    ("l1ne", "line"),
    # obfuscated Thai words
    ("ส่ ง รู ป", "ส่งรูป"),
    ("ส ่ ง รู ป", "ส่งรูป"),
    ("ส.่ง.รู.ป", "ส่งรูป"),
    ("ส-่ง-รู-ป", "ส่งรูป"),
    ("ส*่ง*รู*ป", "ส่งรูป"),
    ("ส_่ง_รู_ป", "ส่งรูป"),
    ("ส|่ง|รู|ป มาหน่อย", "ส่งรูป มาหน่อย"),
    ("จ ะ ไป", "จะไป"),
    # URLs and e-mails
    ("ดู https://example.com/abc?x=1.", "ดู [URL]."),
    ("www.google.co.th", "[URL]"),
    ("bit.ly/abc", "[URL]"),
    ("abc@gmail.com", "[EMAIL]"),
    ("ส่งมาที่ abc.def@hotmail.co.th นะ", "ส่งมาที่ [EMAIL] นะ"),
    # chat app handles keep the app word
    ("แอดไลน์ abc_123", "แอดไลน์ [HANDLE]"),
    ("ไลน์ไอดี: xyz", "ไลน์ไอดี: [HANDLE]"),
    ("line id: xyz", "line id: [HANDLE]"),
    ("LINE ID: XYZ", "line id: [HANDLE]"),
    ("ig: @name", "ig: [HANDLE]"),
    ("@username", "[HANDLE]"),
    ("t.me/name", "t.me/[HANDLE]"),
    ("https://t.me/name", "t.me/[HANDLE]"),
    ("instagram.com/nong", "instagram.com/[HANDLE]"),
    ("ทักไลน์มา xyz", "ทักไลน์มา [HANDLE]"),
    ("fb: somchai.jaidee", "fb: [HANDLE]"),
    ("แอดมาที่ nong_mai99", "แอดมาที่ [HANDLE]"),
    # phones
    ("081-234-5678", "[PHONE]"),
    ("0812345678", "[PHONE]"),
    ("+66 81 234 5678", "[PHONE]"),
    ("+66812345678", "[PHONE]"),
    ("02-123-4567", "[PHONE]"),
    ("(02) 123-4567", "[PHONE]"),
    ("โทรมา 081 555 5555 นะ", "โทรมา [PHONE] นะ"),
    ("เบอร์ 0 8 1 2 3 4 5 6 7 8", "เบอร์ [PHONE]"),
    ("+1 415 555 2671", "[PHONE]"),
    # accounts, wallets and national ids
    ("123-4-56789-0", "[ACCOUNT]"),
    ("012-3-45678-9", "[ACCOUNT]"),
    ("เลขบัญชี 1234567890", "เลขบัญชี [ACCOUNT]"),
    ("พร้อมเพย์ 0812345678", "พร้อมเพย์ [ACCOUNT]"),
    ("ทรูมันนี่ 081-234-5678", "ทรูมันนี่ [ACCOUNT]"),
    ("กสิกร 123-4-56789-0", "กสิกร [ACCOUNT]"),
    ("โอนมา 123456789012", "โอนมา [ACCOUNT]"),
    ("1234567890123", "[ID]"),
    ("1-2345-67890-12-3", "[ID]"),
    ("เลขบัตร 1 1017 00203 45 1", "เลขบัตร [ID]"),
]

UNCHANGED = [
    # ordinary spaced words must not be glued together
    "ไป กิน ข้าว กัน",
    "มา นี่ สิ",
    "ไม่ ได้ ไป ไหน",
    "ก็ ได้ นะ",
    "ส่ง รู ป",
    "ไป-กลับ",
    # Thai abbreviations
    "ก.พ.",
    "พ.ศ. 2567",
    "ร.ร.",
    "ด.ญ.แพรว",
    "ส.ค.ส.",
    "พ.ร.บ.คอม",
    "ม.2",
    "ป.6",
    "ม.2/3",
    "ก.ค. 2567",
    # money, ages, times, quantities
    "500 บาท",
    "฿1,500",
    "2k",
    "1,000.-",
    "5,555 บาท",
    "555 บาท",
    "555฿",
    "฿555",
    "โอน 555",
    "ราคา 555 บาท",
    "1,555",
    "0.555",
    "ปี 2555",
    "อายุ 13",
    "20:00",
    "3 ทุ่ม",
    "11.55 น.",
    "3 คน",
    "100 บาท",
    # digits at the edge of a Latin token are not leetspeak
    "mp3",
    "covid19 4k b2b",
    # Latin app words without an id-like token
    "line today",
    "ไลน์ ok ไหม",
    "ออนไลน์ abc123",
    "ทักมาทางไลน์นะ",
    # emoji sequences stay intact
    "👨\u200d👩\u200d👧",
    "👩🏽\u200d💻",
    "❤\ufe0f\u200d🔥",
    "👍🏽 ❤\ufe0f",
    "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    # already normalized text and placeholders
    "แอดไลน์ [HANDLE]",
    "มาก[REP] [LAUGH] [URL] [EMAIL] [PHONE] [ACCOUNT] [ID]",
    "",
]


@pytest.mark.parametrize(("text", "expected"), EXAMPLES)
def test_examples(text: str, expected: str) -> None:
    assert normalize_text(text).text == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_unchanged(text: str) -> None:
    assert normalize_text(text).text == text


def test_placeholders_constant_lists_every_token() -> None:
    produced = "".join(normalize_text(text).text for text, _ in EXAMPLES)
    assert set(re.findall(r"\[[A-Z]+\]", produced)) == PLACEHOLDERS


# --------------------------------------------------------------------------- offsets
def test_offsets_identity_for_unchanged_text() -> None:
    result = normalize_text("ไป กิน ข้าว")
    assert result.offsets == tuple(range(len(result.text) + 1))
    assert result.to_original_span(3, 6) == (3, 6)


def test_placeholder_maps_to_whole_identifier() -> None:
    original = "ดู https://example.com/abc ด่วน"
    result = normalize_text(original)
    begin = result.text.index("[URL]")
    span = result.to_original_span(begin, begin + len("[URL]"))
    assert original[span[0] : span[1]] == "https://example.com/abc"
    # part of a placeholder still points at the whole URL
    assert result.to_original_span(begin + 1, begin + 2) == span


def test_app_link_maps_to_whole_link() -> None:
    original = "แอดมา https://t.me/somebody นะ"
    result = normalize_text(original)
    begin = result.text.index("t.me/[HANDLE]")
    span = result.to_original_span(begin, begin + len("t.me/[HANDLE]"))
    assert original[span[0] : span[1]] == "https://t.me/somebody"


def test_handle_maps_to_id_only() -> None:
    original = "แอดไลน์ abc_123 นะ"
    result = normalize_text(original)
    begin = result.text.index("[HANDLE]")
    span = result.to_original_span(begin, begin + len("[HANDLE]"))
    assert original[span[0] : span[1]] == "abc_123"
    assert original[slice(*result.to_original_span(0, 7))] == "แอดไลน์"


def test_collapsed_repeat_maps_to_whole_run() -> None:
    original = "มากกกกก นะ"
    result = normalize_text(original)
    assert result.text == "มาก[REP] นะ"
    assert original[slice(*result.to_original_span(2, 8))] == "กกกกก"
    assert original[slice(*result.to_original_span(2, 3))] == "กกกกก"
    assert original[slice(*result.to_original_span(0, 8))] == "มากกกกก"


def test_removed_characters_keep_neighbours_exact() -> None:
    original = "ส่\u200bง รู\u200bป"
    result = normalize_text(original)
    assert result.text == "ส่ง รูป"
    assert [original[slice(*result.to_original_span(i, i + 1))] for i in range(len(result.text))] == list("ส่ง รูป")


def test_joined_obfuscation_keeps_letter_offsets() -> None:
    original = "ส.่ง.รู.ป"
    result = normalize_text(original)
    assert result.text == "ส่งรูป"
    assert result.offsets == (0, 2, 3, 5, 6, 8, 9)


def test_empty_span_and_bounds() -> None:
    result = normalize_text("  abc  ")
    assert result.text == "abc"
    assert result.offsets[-1] == 7
    assert result.to_original_span(1, 1) == (3, 3)
    with pytest.raises(ValueError, match="outside"):
        result.to_original_span(2, 4)
    with pytest.raises(ValueError, match="outside"):
        result.to_original_span(2, 1)


def test_normalized_text_is_frozen() -> None:
    result = normalize_text("abc")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "x"  # type: ignore[misc]


def test_rejects_non_str_without_echoing_it() -> None:
    with pytest.raises(TypeError) as info:
        normalize_text(b"secret message")  # type: ignore[arg-type]
    assert "secret" not in str(info.value)


# --------------------------------------------------------------------------- rules
def test_default_rules_is_a_plain_tuple_of_named_callables() -> None:
    assert isinstance(DEFAULT_RULES, tuple)
    names = [rule.__name__ for rule in DEFAULT_RULES]
    assert len(set(names)) == len(names)
    assert all(callable(rule) for rule in DEFAULT_RULES)


def test_empty_rules_only_repair_surrogates() -> None:
    assert normalize_text("ABC  \u200b", rules=[]).text == "ABC  \u200b"
    assert normalize_text("a\udc80b", rules=[]).text == "a\ufffdb"


def test_dropping_a_rule() -> None:
    rules = [rule for rule in DEFAULT_RULES if rule.__name__ != "replace_laughter"]
    assert normalize_text("555 ok", rules=rules).text == "555 ok"
    assert normalize_text("Hi", rules=[r for r in DEFAULT_RULES if r.__name__ != "lowercase"]).text == "Hi"


def test_extending_with_regex_rule_keeps_alignment() -> None:
    mask_age = regex_rule(r"อายุ \d+", "อายุ [AGE]", "mask_age")
    original = "หนูอายุ 13 ค่ะ"
    result = normalize_text(original, rules=[*DEFAULT_RULES, mask_age])
    assert result.text == "หนูอายุ [AGE] ค่ะ"
    begin = result.text.index("[AGE]")
    assert original[slice(*result.to_original_span(begin, begin + 5))] == "อายุ 13"


def test_rebuilding_the_thai_spelling_group_without_one_rule() -> None:
    thai = until_stable([r for r in THAI_SPELLING_RULES if r.__name__ != "join_space_split_thai"], "thai")
    rules = [thai if r.__name__ == "fix_thai_spelling" else r for r in DEFAULT_RULES]
    assert normalize_text("ส่ ง รู ป", rules=rules).text == "ส่ ง รู ป"
    assert normalize_text("ส.่ง.รู.ป", rules=rules).text == "ส่งรูป"


def test_until_stable_repeats_until_no_change_and_is_bounded() -> None:
    shrink = regex_rule("aa", "a", "shrink")
    assert normalize_text("a" * 16, rules=[until_stable([shrink], "shrink_all", max_rounds=10)]).text == "a"
    assert normalize_text("a" * 16, rules=[until_stable([shrink], "shrink_twice", max_rounds=2)]).text == "aaaa"


def test_regex_rule_template_and_callable() -> None:
    swap = regex_rule(r"(\w)-(\w)", r"\2-\1", "swap")
    assert normalize_text("a-b c-d", rules=[swap]).text == "b-a d-c"
    drop_odd = regex_rule(r"\d", lambda m: None if int(m.group()) % 2 == 0 else "", "drop_odd")
    assert normalize_text("1234", rules=[drop_odd]).text == "24"


def test_regex_rule_hint_skips_text_without_it() -> None:
    calls: list[str] = []

    def repl(m: re.Match[str]) -> str:
        calls.append(m.group())
        return "X"

    rule = regex_rule("b", repl, "b_to_x", hint="a")
    assert normalize_text("bbb", rules=[rule]).text == "bbb"
    assert normalize_text("abb", rules=[rule]).text == "aXX"
    assert calls == ["b", "b"]


def test_char_map_rule() -> None:
    rule = char_map_rule({"a": "b"}, "a_to_b")
    result = normalize_text("aXa", rules=[rule])
    assert result.text == "bXb"
    assert result.offsets == (0, 1, 2, 3)
    with pytest.raises(ValueError, match="one-to-one"):
        char_map_rule({"a": "bc"})


def test_replace_spans_rejects_overlaps_and_handles_insertions() -> None:
    at = AlignedText.from_text("abcd")
    with pytest.raises(ValueError, match="non-overlapping"):
        at.replace_spans([(0, 2, "x"), (1, 3, "y")])
    assert at.replace_spans([(1, 1, None), (2, 2, "")]) is at
    inserted = at.replace_spans([(2, 2, "[X]"), (4, 4, "!")])
    assert inserted.text == "ab[X]cd!"
    assert inserted.starts == (0, 1, 2, 2, 2, 2, 3, 4, 4)
    assert inserted.ends == (1, 2, 2, 2, 2, 3, 4, 4)


# --------------------------------------------------------------------------- iter_normalized
def test_iter_normalized_one_line_per_line() -> None:
    lines = ["Hello\n", "ส่ ง รู ป\r\n", "\n", "a\u2028b\x85c\n", "last"]
    assert list(iter_normalized(lines)) == ["hello", "ส่งรูป", "", "a b c", "last"]


def test_iter_normalized_custom_rules_never_emit_line_breaks() -> None:
    out = list(iter_normalized(["a\u2028b\rc\n"], rules=[]))
    assert out == ["a b c "]


# --------------------------------------------------------------------------- properties
PIECES = [
    *"กขคงจสมนรปอยวหลถฮเแโใไะาำิีึืุู่้๊๋็์ัํๅๆฯ",
    *["ส่", "รู", "ไป", "กิน", "ข้าว", "มาก", "ค่า", "อืม", "ลูก", "ไลน์", "แอด", "ไอดี", "บาท", "ฮ่า"],
    *"0123456789๕๑",
    *["5", "55", "555", " ", "  ", "\t", "\n", *".-*_|/+:@,()[]$฿"],
    *["\u200b", "\u200c", "\u200d", "\u200e", "\ufeff", "\u2060", "\ufe0f", "\x00", "\x85", "\u2028"],
    *["😂", "👨", "👩", "❤", "\U0001f3fb", "Ⓜ", "™", "ｓ", "𝐬", "ﬀ", "…", "\u0301", "İ", "Σ"],
    *"abcdeghilmnopstxyzABZ013457",
    *["http://", "https://x.co/a", "www.", ".com", ".co.th", "t.me/", "line", "ig", "id", "@abc"],
    *["abc@x.com", "081", "-234-", "5678", "+66", "02", "haha", "ถถถ"],
    *["[REP]", "[URL]", "[LAUGH]", "[HANDLE]", "\ud83d", "\ude00", "\udc80"],
]
chat_like = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=60)  # surrogates included
PROPERTY_SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_invariants(original: str, result: NormalizedText) -> None:
    text, offsets, ends = result.text, result.offsets, result.ends
    assert result.original == original
    assert len(offsets) == len(text) + 1 and len(ends) == len(text)
    assert offsets[-1] == len(original)
    assert all(a <= b for a, b in itertools.pairwise(offsets))
    assert all(a <= b for a, b in itertools.pairwise(ends))
    assert all(0 <= offsets[i] <= ends[i] <= len(original) for i in range(len(text)))
    for begin in range(len(text) + 1):
        span = result.to_original_span(begin, len(text))
        assert 0 <= span[0] <= span[1] <= len(original)
    assert len(text) <= 4 * len(original)
    assert text == text.strip() and "  " not in text
    assert text.splitlines() in ([text], [])
    assert not re.search("[\ud800-\udfff]", text)


@PROPERTY_SETTINGS
@given(st.one_of(chat_like, any_text))
def test_invariants(original: str) -> None:
    check_invariants(original, normalize_text(original))


@PROPERTY_SETTINGS
@given(st.one_of(chat_like, any_text))
def test_idempotent(original: str) -> None:
    once = normalize_text(original).text
    assert normalize_text(once).text == once


@PROPERTY_SETTINGS
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join), st.sampled_from(sorted(PLACEHOLDERS)))
def test_placeholders_survive(prefix: str, placeholder: str) -> None:
    once = normalize_text(f"{prefix} {placeholder} ok").text
    assert placeholder in once


@PROPERTY_SETTINGS
@given(st.lists(st.text(alphabet=st.characters(exclude_categories=()), max_size=20), max_size=5))
def test_iter_normalized_keeps_line_count(lines: list[str]) -> None:
    out = list(iter_normalized(lines))
    assert len(out) == len(lines)
    assert all(len(line.splitlines()) <= 1 for line in out)
