"""Chat noise applied after rendering: what makes synthetic lines look like real Thai chat.

Every transform takes the text and a seeded ``random.Random`` and returns new text, so the whole
generator stays deterministic. Transforms apply to risky and benign conversations alike, so that
noise carries no label signal.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["ChatStyle", "add_noise", "obfuscate_words", "romanize_text", "sample_style"]

_THAI = re.compile(r"[\u0e00-\u0e7f]")
_LATIN = re.compile(r"[A-Za-z]")
LAUGHS = ("555", "5555", "55555+", "555555", "ฮ่าๆ", "อิอิ", "คิคิ", "๕๕๕", "lol", "5555555")
EMOJI = ("😂", "🤣", "😊", "🥺", "😭", "❤️", "🙏", "😅", "👍", "🥰", "😳", "🤔", "😆", "💕", "😤", "🙄", "👨‍👩‍👧", "🫶")
EMPHATIC = re.compile(r"(มาก|จริง|น่ารัก|จ้า|ค่ะ|นะ|สวย|เลย|ไม่|ดี|ค่า|โอเค|เหงา|คิดถึง|ป่ะ)")
CODE_MIX = {
    "รูป": ("pic", "รูป", "photo"),
    "ส่ง": ("send", "ส่ง"),
    "เกม": ("game",),
    "เพื่อน": ("friend", "เพื่อน"),
    "ความลับ": ("secret",),
    "น่ารัก": ("cute", "น่ารัก"),
    "โอเค": ("ok", "okay", "โอเค"),
    "เติม": ("top up", "เติม"),
    "ไลน์": ("line", "LINE"),
    "โทร": ("call",),
    "ว่าง": ("free",),
    "เงิน": ("money",),
    "ขอบคุณ": ("thank you", "thx", "ขอบคุณ"),
    "ขอโทษ": ("sorry", "sry"),
    "จริงๆ": ("really", "จริงๆ"),
    "ลบ": ("delete", "del"),
}
_CODE_MIX_RE = re.compile("|".join(sorted(map(re.escape, CODE_MIX), key=len, reverse=True)))
RISKY_WORDS = (
    "รูป",
    "ส่ง",
    "ไลน์",
    "โอน",
    "เงิน",
    "คลิป",
    "ความลับ",
    "แฉ",
    "ประจาน",
    "ลบ",
    "เจอ",
    "คนเดียว",
    "พ่อแม่",
    "บอก",
    "วิดีโอคอล",
    "เติม",
    "บัญชี",
)
_RISKY_RE = re.compile("|".join(sorted(map(re.escape, RISKY_WORDS), key=len, reverse=True)))
MISSPELL = {"รูป": "รุป", "ส่ง": "สง", "ไลน์": "ไลท์", "โอน": "โอ๋น", "เงิน": "เงิล", "คลิป": "คริป", "บอก": "บอฃ"}
LEET = str.maketrans({"e": "3", "i": "1", "o": "0", "a": "4", "s": "5"})
_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_COMBINING = re.compile(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


@dataclass(frozen=True)
class ChatStyle:
    """One speaker's habits, drawn once per conversation so a speaker stays consistent."""

    laugh: float
    emoji: float
    elongate: float
    typo: float
    code_mix: float
    thai_digits: float
    romanized: bool


def sample_style(rng: random.Random, *, romanized: bool = False, code_mixed: bool = False) -> ChatStyle:
    return ChatStyle(
        laugh=rng.choice((0.0, 0.05, 0.12, 0.25)),
        emoji=rng.choice((0.0, 0.08, 0.2, 0.35)),
        elongate=rng.choice((0.0, 0.05, 0.15)),
        typo=rng.choice((0.0, 0.03, 0.08)),
        code_mix=rng.choice((0.3, 0.6)) if code_mixed else 0.0,
        thai_digits=rng.choice((0.0, 0.0, 0.3)),
        romanized=romanized,
    )


def _elongate(text: str, rng: random.Random) -> str:
    matches = list(EMPHATIC.finditer(text))
    if not matches:
        return text
    m = rng.choice(matches)
    return text[: m.end()] + text[m.end() - 1] * rng.randint(2, 6) + text[m.end() :]


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    kind = rng.random()
    if kind < 0.4:
        marks = [m.start() for m in _COMBINING.finditer(text)]
        if marks:
            i = rng.choice(marks)
            return text[:i] + text[i + 1 :]
    i = rng.randrange(1, len(text) - 1)
    if kind < 0.7:
        return text[:i] + text[i] + text[i:]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def _code_mix(text: str, rng: random.Random, rate: float) -> str:
    return _CODE_MIX_RE.sub(lambda m: rng.choice(CODE_MIX[m.group(0)]) if rng.random() < rate else m.group(0), text)


def _clusters(word: str) -> list[str]:
    """Split a Thai word into a base letter plus its combining marks, the unit people space out."""
    out: list[str] = []
    for ch in word:
        if out and _COMBINING.match(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _obfuscate(word: str, rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.35:
        return " ".join(_clusters(word))
    if kind < 0.6:
        return rng.choice((".", "-", "*", "_")).join(_clusters(word))
    if kind < 0.8 and word in MISSPELL:
        return MISSPELL[word]
    return rng.choice((".", " ")).join(word)


def obfuscate_words(text: str, rng: random.Random, rate: float = 0.6) -> tuple[str, bool]:
    """Hide words moderators search for (spacing, dots, misspelling); returns the text and whether it changed."""
    changed = False

    def sub(m: re.Match[str]) -> str:
        nonlocal changed
        if rng.random() >= rate:
            return m.group(0)
        changed = True
        return _obfuscate(m.group(0), rng)

    out = _RISKY_RE.sub(sub, text)
    if _LATIN.search(out) and rng.random() < 0.3:
        leet = re.sub(r"\b(send|pic|photo|line|money|secret|delete)\b", lambda m: m.group(0).translate(LEET), out)
        changed = changed or leet != out
        out = leet
    return out, changed


@lru_cache(maxsize=65536)
def _romanize_word(word: str) -> str:
    from pythainlp.transliterate import romanize

    return romanize(word, engine="royin") if _THAI.search(word) else word


def romanize_text(text: str) -> str:
    """Thai written in Latin letters, word by word, as people type when their keyboard is English."""
    from pythainlp.tokenize import word_tokenize

    words = [w for w in word_tokenize(text, engine="newmm") if w.strip()]
    return " ".join(_romanize_word(w) for w in words)


def add_noise(text: str, style: ChatStyle, rng: random.Random) -> str:
    """Apply one speaker's habits to one message."""
    if style.romanized:
        text = romanize_text(text)
    if style.code_mix:
        text = _code_mix(text, rng, style.code_mix)
    if rng.random() < style.elongate:
        text = _elongate(text, rng)
    if rng.random() < style.typo:
        text = _typo(text, rng)
    if rng.random() < style.thai_digits:
        text = text.translate(_THAI_DIGITS)
    if rng.random() < style.laugh:
        text = f"{text} {rng.choice(LAUGHS)}" if rng.random() < 0.8 else f"{rng.choice(LAUGHS)} {text}"
    if rng.random() < style.emoji:
        text = f"{text}{rng.choice(('', ' '))}{rng.choice(EMOJI) * rng.choice((1, 1, 2, 3))}"
    return text.strip()
