"""Slot values, speaker particles and dialect word maps for rendering templates.

Everything here is fictional or generic: nicknames are common Thai nicknames, schools are invented,
account ids and phone numbers are random. No real person appears.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "DIALECTS",
    "PARTICLE_STYLES",
    "SLOTS",
    "ParticleStyle",
    "apply_dialect",
    "fill_slots",
]

NICKNAMES = (
    "มิว",
    "ฟ้า",
    "ต้น",
    "บอล",
    "แนน",
    "มายด์",
    "เฟิร์น",
    "ปอนด์",
    "ภูมิ",
    "ข้าวฟ่าง",
    "ใบเตย",
    "ไอซ์",
    "เจน",
    "พลอย",
    "กาย",
    "ต้นกล้า",
    "น้ำหวาน",
    "ปาล์ม",
    "ออม",
    "บีม",
    "ฝน",
    "ตั้ม",
    "เบส",
    "แพรว",
    "มุก",
    "นิว",
    "เอิร์น",
    "กัปตัน",
    "ขนุน",
    "ส้ม",
    "จูน",
    "ปิ่น",
    "โฟกัส",
    "ต่อ",
    "แบงค์",
    "ฟลุ๊ค",
    "ไข่มุก",
    "Mint",
    "Ploy",
    "Bank",
    "Fern",
    "Nice",
)
GRADES = ("ป.5", "ป.6", "ม.1", "ม.2", "ม.3", "ม.4", "ม.5", "ม.6", "ม.ต้น", "ม.ปลาย")
SCHOOLS = (
    "โรงเรียนบ้านหนองบัว",
    "โรงเรียนวัดสามัคคีวิทยา",
    "โรงเรียนประจำอำเภอ",
    "โรงเรียนเทศบาล 2",
    "โรงเรียนสาธิตแถวบ้าน",
    "โรงเรียนหญิงล้วนในเมือง",
    "โรงเรียนชายล้วนประจำจังหวัด",
    "รร.ในตัวเมือง",
    "โรงเรียนอนุบาลเดิม",
    "โรงเรียนประชาบำรุง",
)
GAMES = ("ROV", "Free Fire", "PUBG", "Roblox", "Minecraft", "Genshin", "Valorant", "MLBB", "Cookie Run", "FC Mobile")
GAME_CURRENCY = ("เพชร", "คูปอง", "Robux", "UC", "เจม", "Primogem", "VP", "ตั๋วสุ่ม", "สกินแรร์")
GIFTS = (
    "บัตรเติมเงิน",
    "สกินใหม่",
    "หูฟังไร้สาย",
    "เคสมือถือ",
    "ตุ๊กตา",
    "เสื้อทีม",
    "บัตรทรูมันนี่",
    "ขนม",
    "ตั๋วหนัง",
    "เมาส์เกมมิ่ง",
    "แพ็กเกจเน็ต",
    "ของเล่น",
)
APPS = ("LINE", "IG", "TikTok", "Discord", "Facebook", "เฟส", "ไลน์", "ไอจี", "X", "Messenger")
PRIVATE_APPS = ("Telegram", "LINE", "Discord", "WhatsApp", "ไลน์", "เทเลแกรม", "Signal", "แอคหลุม")
WALLETS = (
    "TrueMoney Wallet",
    "ทรูมันนี่",
    "พร้อมเพย์",
    "โอนเข้าบัญชี",
    "บัตร Google Play",
    "บัตรทรูมันนี่",
    "โอนผ่านแอปธนาคาร",
    "บัตรของขวัญ Steam",
    "วอลเล็ท",
)
PLACES = (
    "ห้าง",
    "ร้านกาแฟหน้าปากซอย",
    "หน้าเซเว่น",
    "สวนสาธารณะ",
    "ร้านเกม",
    "ป้ายรถเมล์หน้าโรงเรียน",
    "ลานจอดรถ",
    "ตลาดนัด",
    "สถานีรถไฟฟ้า",
    "ร้านหมูกระทะ",
    "โรงหนัง",
    "สนามกีฬาจังหวัด",
)
TIMES = ("ตอนเย็น", "สองทุ่ม", "18:30", "หลังเลิกเรียน", "บ่ายสาม", "ตอนเช้า", "4 โมงเย็น", "สามทุ่ม", "เที่ยง")
DAYS = ("พรุ่งนี้", "เสาร์นี้", "วันศุกร์", "อาทิตย์หน้า", "วันหยุดนี้", "วันจันทร์", "คืนนี้")
DEADLINES = (
    "ภายในคืนนี้",
    "ภายใน 1 ชั่วโมง",
    "ก่อนเที่ยงคืน",
    "ภายใน 10 นาที",
    "ก่อนพรุ่งนี้เช้า",
    "ภายในวันนี้",
    "ภายใน 30 นาที",
    "ก่อนสิ้นเดือน",
)
VICTIMS = (
    "พ่อแม่",
    "แม่",
    "ครูที่โรงเรียน",
    "เพื่อนทั้งห้อง",
    "กลุ่มไลน์ห้อง",
    "เพจโรงเรียน",
    "ญาติทุกคน",
    "เพื่อนในเฟส",
    "แฟนเก่า",
    "ผู้ติดตามในไอจี",
)
RELATIVES = ("ป้า", "น้า", "ยาย", "ย่า", "ลุง", "อา", "พี่สาว", "พี่ชาย", "ตา", "ปู่")
SUBJECTS = ("คณิต", "อังกฤษ", "วิทย์", "ฟิสิกส์", "ภาษาไทย", "เคมี", "สังคม", "ชีวะ")
SPORTS = ("ฟุตบอล", "บาส", "วอลเลย์", "ว่ายน้ำ", "แบด", "ปิงปอง", "เทควันโด", "ฟุตซอล")
PROVINCES = ("เชียงใหม่", "ขอนแก่น", "ภูเก็ต", "หาดใหญ่", "อุดร", "ระยอง", "น่าน", "กระบี่", "โคราช", "หัวหิน")
FOODS = ("ชาบู", "หมูกระทะ", "ส้มตำ", "ชานม", "ไก่ทอด", "ข้าวมันไก่", "ก๋วยเตี๋ยว", "พิซซ่า", "บิงซู")
ITEMS = ("เสื้อยืด", "กระเป๋า", "รองเท้า", "เคสไอโฟน", "ลิปสติก", "ครีมกันแดด", "ตุ๊กตา", "หูฟัง", "กางเกงยีนส์")
_HANDLE_STEMS = ("mint", "ploy", "bank", "nice", "game", "kitty", "boss", "pp", "fah", "tonkla", "mew", "jj")


def _handle(rng: random.Random) -> str:
    stem = rng.choice(_HANDLE_STEMS)
    sep = rng.choice(("_", ".", "", "__"))
    return f"{stem}{sep}{rng.randint(1, 2012)}"


def _amount(rng: random.Random) -> str:
    value = rng.choice((50, 99, 100, 150, 200, 250, 300, 399, 500, 700, 800, 1000, 1200, 1500, 2000, 2500))
    return f"{value:,}" if rng.random() < 0.4 else str(value)


def _big_amount(rng: random.Random) -> str:
    value = rng.choice((3000, 5000, 7000, 8000, 10000, 12000, 15000, 20000, 25000, 30000, 50000))
    return f"{value:,}" if rng.random() < 0.5 else str(value)


SlotFn = Callable[[random.Random], str]


def _pick(values: tuple[str, ...]) -> SlotFn:
    return lambda rng: rng.choice(values)


SLOTS: dict[str, SlotFn] = {
    "name": _pick(NICKNAMES),
    "me": _pick(NICKNAMES),
    "age": lambda rng: str(rng.randint(10, 16)),
    "grade": _pick(GRADES),
    "school": _pick(SCHOOLS),
    "game": _pick(GAMES),
    "game_currency": _pick(GAME_CURRENCY),
    "gift": _pick(GIFTS),
    "app": _pick(APPS),
    "private_app": _pick(PRIVATE_APPS),
    "handle": _handle,
    "amount": _amount,
    "big_amount": _big_amount,
    "wallet": _pick(WALLETS),
    "place": _pick(PLACES),
    "time": _pick(TIMES),
    "day": _pick(DAYS),
    "deadline": _pick(DEADLINES),
    "victims": _pick(VICTIMS),
    "relative": _pick(RELATIVES),
    "subject": _pick(SUBJECTS),
    "sport": _pick(SPORTS),
    "province": _pick(PROVINCES),
    "food": _pick(FOODS),
    "item": _pick(ITEMS),
}
"""Every slot a template may use, besides the speaker's particles ``{P}`` and ``{PQ}``."""


@dataclass(frozen=True)
class ParticleStyle:
    """How one speaker ends sentences: the tag written to the dataset and the particle choices."""

    tag: str
    statement: tuple[str, ...]
    question: tuple[str, ...]


PARTICLE_STYLES: dict[str, ParticleStyle] = {
    "krub": ParticleStyle("krub", ("ครับ", "คับ", "ครับผม", "ฮะ", "คร้าบ"), ("ครับ", "คับ", "ฮะ")),
    "ka": ParticleStyle("ka", ("ค่ะ", "คะ", "ค่า", "นะคะ", "คร่า"), ("คะ", "คะ", "ค้า")),
    "ja": ParticleStyle("ja", ("จ้า", "จ้ะ", "นะจ๊ะ", "จ่ะ"), ("จ๊ะ", "จ้ะ", "หรอจ๊ะ")),
    "none": ParticleStyle("none", ("", "", "อ่ะ", "นะ", "แหละ"), ("", "", "", "อ่ะ")),
}


@dataclass(frozen=True)
class Dialect:
    """A regional variety rendered from central Thai by word substitution plus its own particles."""

    name: str
    words: tuple[tuple[str, tuple[str, ...]], ...]
    particles: tuple[str, ...]

    def pattern(self) -> re.Pattern[str]:
        # Longest first, and never in front of a vowel or tone mark: "ทำไม่" is not "ทำไม" + "่".
        keys = sorted((k for k, _ in self.words), key=len, reverse=True)
        return re.compile("(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\u0e30-\u0e3a\u0e47-\u0e4e])")


DIALECTS: dict[str, Dialect] = {
    "central": Dialect("central", (), ()),
    "isan": Dialect(
        "isan",
        (
            ("ไม่", ("บ่",)),
            ("อะไร", ("หยัง", "อีหยัง")),
            ("ที่ไหน", ("ใส", "บ่อนใด")),
            ("มาก", ("หลาย", "คัก")),
            ("ทำไม", ("เป็นหยัง",)),
            ("ไหม", ("บ่",)),
            ("เท่าไหร่", ("จักหน่อย", "เท่าใด")),
            ("ไปไหน", ("ไปใส",)),
            ("ตอนนี้", ("ตอนนี่",)),
            ("กิน", ("กิน",)),
            ("เรา", ("เฮา",)),
            ("รัก", ("ฮัก",)),
            ("ร้อน", ("ฮ้อน",)),
            ("เหรอ", ("บ้อ",)),
            ("อยู่", ("อยู่",)),
            ("พูด", ("เว้า",)),
            ("สวย", ("งาม",)),
            ("เด็ก", ("เด็กน้อย",)),
        ),
        ("เด้อ", "เนาะ", "เด้", "เนาะ"),
    ),
    "northern": Dialect(
        "northern",
        (
            ("ไม่", ("บ่",)),
            ("อะไร", ("อะหยัง", "หยัง")),
            ("ที่ไหน", ("ตี้ไหน", "ไหน")),
            ("มาก", ("ขนาด", "แต้ๆ")),
            ("ทำไม", ("ยะหยัง",)),
            ("ไหม", ("ก่อ",)),
            ("เท่าไหร่", ("เต้าใด",)),
            ("กิน", ("กิ๋น",)),
            ("เรา", ("เฮา",)),
            ("ทำ", ("ยะ",)),
            ("สวย", ("งาม",)),
            ("ไปไหน", ("ไปไหน",)),
            ("เหรอ", ("ก๋า",)),
            ("ครู", ("ครู",)),
            ("เด็ก", ("ละอ่อน",)),
            ("ดี", ("ดี",)),
            ("เธอ", ("ตั๋ว",)),
            ("ไป", ("ไป",)),
        ),
        ("เน้อ", "ก่า", "เนาะ", "เน้อ"),
    ),
    "southern": Dialect(
        "southern",
        (
            ("ไม่", ("ไม่", "ม่าย")),
            ("อะไร", ("ไหร", "อิหยัง")),
            ("ที่ไหน", ("ไหน้",)),
            ("มาก", ("หนัด", "ขิ้ม")),
            ("ทำไม", ("ทำไหร",)),
            ("ไหม", ("ม่าย", "ไหม")),
            ("เท่าไหร่", ("เท่าไหร",)),
            ("เรา", ("เรา", "ฉาน")),
            ("เธอ", ("เติ้น", "หมึง")),
            ("สวย", ("หลาว",)),
            ("ไปไหน", ("ไปไหน้",)),
            ("เหรอ", ("โหละ", "ม่าย")),
            ("เด็ก", ("เด็ก",)),
            ("ตอนนี้", ("ตอนนี้",)),
            ("ยัง", ("ยัง",)),
            ("อยู่", ("อยู่",)),
        ),
        ("หนิ", "โหละ", "แหละ", "ว่ะ"),
    ),
}
_DIALECT_PATTERNS = {name: d.pattern() for name, d in DIALECTS.items() if d.words}
_DIALECT_MAPS = {name: dict(d.words) for name, d in DIALECTS.items()}


def apply_dialect(text: str, dialect: str, rng: random.Random, strength: float = 0.8) -> str:
    """Swap central words for the dialect's, each with probability ``strength``.

    A plain string substitution on Thai (which has no spaces between words) can hit a substring of a
    longer word; the map keeps to words whose substrings rarely mislead, and the noise is realistic.
    """
    pattern = _DIALECT_PATTERNS.get(dialect)
    if pattern is None:
        return text
    mapping = _DIALECT_MAPS[dialect]

    def swap(match: re.Match[str]) -> str:
        if rng.random() > strength:
            return match.group(0)
        return rng.choice(mapping[match.group(0)])

    out = pattern.sub(swap, text)
    particles = DIALECTS[dialect].particles
    if particles and rng.random() < 0.35:
        out = f"{out.rstrip()} {rng.choice(particles)}"
    return out


class _SlotFiller(dict):
    """``format_map`` mapping that draws each slot once per message (same value if used twice)."""

    def __init__(self, rng: random.Random, fixed: dict[str, str]) -> None:
        super().__init__(fixed)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        if key not in SLOTS:
            raise KeyError(f"unknown template slot {{{key}}}")
        value = SLOTS[key](self.rng)
        self[key] = value
        return value


def fill_slots(template: str, rng: random.Random, fixed: dict[str, str]) -> str:
    """Render a template; ``fixed`` holds per-conversation values (names, particles, age...)."""
    return template.format_map(_SlotFiller(rng, fixed))
