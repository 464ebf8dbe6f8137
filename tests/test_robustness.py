"""Robustness of the normalizer on edge-case input, in the manner of PyThaiNLP's tests/test_robustness.py.

Empty and blank input, invisible and control characters, emoji sequences, lone surrogates, every
Unicode plane, and 100,000-character messages that would expose quadratic or exponential regexes.
"""

from __future__ import annotations

import random
import time

import pytest

from grooming_detect.normalize import iter_normalized, normalize_text

ZERO_WIDTH_AND_BIDI = [
    "\u200b",  # zero width space
    "\u200c",  # zero width non-joiner
    "\u200d",  # zero width joiner (outside emoji)
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    *[chr(c) for c in range(0x202A, 0x202F)],  # bidi embeddings and overrides
    *[chr(c) for c in range(0x2066, 0x206A)],  # bidi isolates
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
    "\u180e",  # mongolian vowel separator
    "\u3164",  # hangul filler
    "\U000e0041",  # tag letter A ("ASCII smuggling")
]

EMOJI_SEQUENCES = [
    "👨\u200d👩\u200d👧",  # family
    "👩🏽\u200d💻",  # skin tone + ZWJ
    "🏳\ufe0f\u200d🌈",  # variation selector + ZWJ
    "❤\ufe0f\u200d🔥",
    "🧑🏿\u200d🤝\u200d🧑🏻",
    "🇹🇭",  # regional indicators
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # tag sequence flag
    "5\ufe0f\u20e3",  # keycap
]

CONTROLS = [chr(c) for c in [*range(0x00, 0x09), *range(0x0E, 0x1C), *range(0x7F, 0x85), *range(0x86, 0xA0)]]
WHITESPACE = [chr(c) for c in range(0x110000) if chr(c).isspace()]


@pytest.mark.parametrize("text", ["", " ", "   ", "\t", "\n", "\r\n", "\u3000", "\xa0", " \t\n\r\x0b\x0c "])
def test_empty_and_blank(text: str) -> None:
    result = normalize_text(text)
    assert result.text == ""
    assert result.offsets == (len(text),)
    assert result.to_original_span(0, 0) == (len(text), len(text))


@pytest.mark.parametrize("char", ZERO_WIDTH_AND_BIDI)
def test_zero_width_alone_and_inside_words(char: str) -> None:
    assert normalize_text(char).text == ""
    assert normalize_text(char * 5).text == ""
    assert normalize_text(f"ส่{char}งรู{char}ป").text == "ส่งรูป"
    assert normalize_text(f"s{char}e{char}n{char}d").text == "send"
    assert normalize_text(f"{char}สวัสดี{char}").text == "สวัสดี"


def test_bom_only_and_leading() -> None:
    assert normalize_text("\ufeff").text == ""
    assert normalize_text("\ufeff\ufeffสวัสดี").text == "สวัสดี"


@pytest.mark.parametrize("sequence", EMOJI_SEQUENCES)
def test_emoji_sequences_kept_intact(sequence: str) -> None:
    assert normalize_text(sequence).text == sequence
    assert normalize_text(f"น่ารัก{sequence}มาก").text == f"น่ารัก{sequence}มาก"


def test_zwj_between_letters_and_emoji_removed() -> None:
    assert normalize_text("a\u200d😀").text == "a😀"
    assert normalize_text("😀\u200da").text == "😀a"


@pytest.mark.parametrize("char", CONTROLS)
def test_control_characters_removed(char: str) -> None:
    assert normalize_text(f"ab{char}cd").text == "abcd"
    assert normalize_text(char).text == ""


@pytest.mark.parametrize("char", WHITESPACE)
def test_whitespace_characters_become_one_space(char: str) -> None:
    assert normalize_text(f"ab{char}{char}cd").text == "ab cd"


def test_surrogates() -> None:
    assert normalize_text("\ud83d\ude00").text == "😀"
    assert normalize_text("a\ud800b\udfffc").text == "a\ufffdb\ufffdc"
    assert normalize_text("\udc80" * 3).text == "\ufffd" * 3
    normalize_text("\udcff" * 1000).text.encode("utf-8")


def test_every_plane_never_raises_and_is_idempotent() -> None:
    for code in range(0, 0x110000, 97):
        text = f"a{chr(code)}ก{chr(code)}5"
        once = normalize_text(text).text
        once.encode("utf-8")
        assert normalize_text(once).text == once


LONG = 100_000
LONG_PATTERNS = [
    "5",
    "a",
    "ก",
    "ก.",
    "ก-",
    "ก ",
    "ส่ ",
    "กา ",
    "่",
    "า่",
    "ิ่",
    "a.",
    "a1",
    "a@",
    "@a",
    "1-",
    "1 ",
    "0",
    "ha",
    "ถ",
    "ไลน์ ",
    "line ",
    "http://",
    "www.",
    "x.com/",
    "บัญชี ",
    "555 ",
    "\u200d",
    "😂\u200d",
    "\ufe0f",
    "e\u0301",
    "[REP]",
    " ",
]


@pytest.mark.parametrize("pattern", LONG_PATTERNS)
def test_long_messages_run_in_linear_time(pattern: str) -> None:
    text = (pattern * (LONG // len(pattern) + 1))[:LONG]
    for tail in ("", "กข", "x"):
        started = time.perf_counter()
        result = normalize_text(text + tail)
        elapsed = time.perf_counter() - started
        # Linear passes take well under a second; a backtracking blow-up would take minutes.
        assert elapsed < 5.0, f"{elapsed:.1f}s for pattern #{LONG_PATTERNS.index(pattern)}"
        assert len(result.text) <= 4 * len(text + tail)


def test_long_random_chat() -> None:
    pieces = ["ส่ง", "รูป", " ", "5", "555", ".", "-", "ก", "่", "า", "abc", "@", "0812345678", "ไลน์", "😂", "\u200b"]
    rng = random.Random(20240611)
    text = "".join(rng.choice(pieces) for _ in range(LONG // 3))
    started = time.perf_counter()
    result = normalize_text(text)
    assert time.perf_counter() - started < 5.0
    assert len(result.offsets) == len(result.text) + 1
    assert normalize_text(result.text).text == result.text


def test_iter_normalized_streams_lazily() -> None:
    def lines():
        yield "first\n"
        raise RuntimeError("read too far")

    stream = iter_normalized(lines())
    assert next(stream) == "first"
