"""The content rule, checked: terms that must never appear in generated data.

The synthetic data describes grooming and extortion only through tactics (age probing, flattery,
gifts, secrecy, isolation, private apps, private photo requests, meeting offline, threats to share
images unless paid). Sexually explicit words, nudity and body parts are refused outright; the list is
deliberately broad (Thai, romanized Thai and English) so that a new template cannot slip one in.
"""

from __future__ import annotations

import re

__all__ = ["CONTENT_RULE", "EXPLICIT_TERMS", "find_explicit"]

CONTENT_RULE = (
    "Synthetic conversations describe grooming and sextortion only through documented tactics "
    "(age probing, flattery, gifts and game top-ups, secrecy, isolation, moving to a private app, asking "
    "for private photos, meeting offline, threats to share images unless paid). They contain no sexually "
    "explicit text and no real people; every message is checked against a list of explicit terms."
)

EXPLICIT_TERMS: tuple[str, ...] = (
    # Thai
    "เปลือย",
    "โป๊",
    "นู้ด",
    "นูด",
    "เซ็กส์",
    "เซ็กซ์",
    "เซกส์",
    "ร่วมเพศ",
    "มีอะไรกัน",
    "ถอดเสื้อ",
    "ถอดผ้า",
    "ถอดกางเกง",
    "แก้ผ้า",
    "ล่อนจ้อน",
    "หน้าอก",
    "เต้านม",
    "จู๋",
    "จิ๋ม",
    "หี",
    "ควย",
    "อวัยวะเพศ",
    "ของสงวน",
    "ชุดชั้นใน",
    "กางเกงใน",
    "ยกทรง",
    "ช่วยตัวเอง",
    "สำเร็จความใคร่",
    "ลามก",
    "อนาจาร",
    "xxx",
    "ใต้ร่มผ้า",
    "ขึ้นเตียง",
    "อึ๊บ",
    "เย็ด",
    # English and romanized
    "nude",
    "nudes",
    "naked",
    "sex",
    "sexy",
    "porn",
    "boob",
    "breast",
    "nipple",
    "penis",
    "vagina",
    "underwear",
    "bra ",
    "lingerie",
    "horny",
    "erotic",
    "masturbat",
    "genital",
    "topless",
    "onlyfans",
)

_BOUNDARY_LATIN = {"sex", "sexy", "bra ", "nude", "nudes", "naked", "boob", "porn"}
_THAI_WORD_EXCEPTIONS = {
    # Thai substrings that occur inside ordinary words (หีบ, a chest; หนูดู, "I look", where หนู is
    # the child's own pronoun): the pattern skips them.
    "หี": r"หี(?!บ)",
    "นูด": r"(?<!ห)นูด",
}


def _pattern(term: str) -> str:
    if term in _THAI_WORD_EXCEPTIONS:
        return _THAI_WORD_EXCEPTIONS[term]
    if term in _BOUNDARY_LATIN:
        return rf"\b{re.escape(term.strip())}\b"
    return re.escape(term)


_EXPLICIT_RE = re.compile("|".join(_pattern(t) for t in EXPLICIT_TERMS), re.IGNORECASE)


def find_explicit(text: str) -> list[str]:
    """Explicit terms found in ``text`` (the terms, never the surrounding text)."""
    return sorted({m.group(0).lower() for m in _EXPLICIT_RE.finditer(text)})
