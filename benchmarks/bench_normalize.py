"""Throughput of the Thai chat normalizer on one core, against PyThaiNLP's ``normalize`` as a baseline.

Run ``python benchmarks/bench_normalize.py``. The lines are synthetic but shaped like real chat:
short Thai messages with elongation, laughter, emoji, English and romanized Thai, and some with
handles, phone numbers, URLs or obfuscated words. The target is >= 10,000 messages per second.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable, Sequence

from pythainlp.util import normalize as pythainlp_normalize

from grooming_detect.normalize import normalize_text

OPENERS = ["", "", "สวัสดีค่ะ ", "หวัดดีครับ ", "hi ", "นี่ๆ ", "พี่คะ ", "น้องง ", "Hello ", "เฮ้ย "]
BODIES = [
    "วันนี้ไปไหนมา",
    "กินข้าวยังคะ",
    "ทำไรอยู่",
    "เรียนอยู่ ม.2 ค่ะ",
    "หนูอายุ 13 ปี",
    "บ้านอยู่แถวไหนหรอ",
    "เหนื่อยมากกกกก",
    "น่ารักจังเลยยย",
    "โอเคค่าาาา",
    "ไม่บอกใครหรอก ความลับของเรานะ",
    "อย่าบอกพ่อแม่นะ",
    "พี่ใจดีนะ จะซื้อของให้",
    "ส่งรูปมาดูหน่อยสิ",
    "ส่ ง รู ป มาหน่อย",
    "ส.่ง.รู.ป ให้ดูหน่อย",
    "s3nd p1c na",
    "แอดไลน์มาคุยกัน abc_123",
    "ไลน์ไอดี: nong.mai",
    "ig: @somchai.jd",
    "ทักมาที่ t.me/somebody",
    "โทรมา 081-234-5678 นะ",
    "โอนให้ 500 บาท ทรูมันนี่ 0812345678",
    "ดูนี่ https://bit.ly/3abcXYZ",
    "เจอกันที่ห้าง 3 ทุ่ม",
    "พรุ่งนี้ว่างไหม",
    "เล่นเกมด้วยกันป่ะ",
    "sawasdee krub pai nai ma",
    "How old are you?",
    "ok ค่ะ",
    "จริงดิ",
    "ฝันดีนะ",
    "คิดถึงงงง",
    "ตอนนี้อยู่คนเดียวหรอ",
    "ไม่ต้องกลัวนะ พี่ไม่ทำอะไรหรอก",
    "ขอเบอร์หน่อยได้มั้ย",
    "ค่าขนม 1,000.- โอเคไหม",
]
CLOSERS = ["", "", "", " 555", " 55555+", " ฮ่าๆๆ", " 😂😂", " ❤️", " 🥺", " นะคะ", " ครับ", " จ้า", "!!!", " hahaha"]
SPACES = ["", "", "", "  ", "\u200b"]


def build_lines(count: int = 400, seed: int = 7) -> list[str]:
    """Synthetic chat lines, reproducible from ``seed``."""
    rng = random.Random(seed)
    return [rng.choice(OPENERS) + rng.choice(BODIES) + rng.choice(SPACES) + rng.choice(CLOSERS) for _ in range(count)]


def messages_per_second(func: Callable[[str], object], lines: Sequence[str], min_seconds: float) -> float:
    """Best of three timed runs, each repeating the lines until ``min_seconds`` have passed."""
    best = 0.0
    for _ in range(3):
        done = 0
        started = time.perf_counter()
        while (elapsed := time.perf_counter() - started) < min_seconds:
            for line in lines:
                func(line)
            done += len(lines)
        best = max(best, done / elapsed)
    return best


def pin_to_one_core() -> str:
    """Measure on one core where the OS allows it (Linux); the normalizer itself is single-threaded."""
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"core {core}"
    return "unpinned"


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    """Print a table of messages per second and return it as ``{name: msgs_per_s, "ratio": ...}``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=400, help="number of synthetic chat lines")
    parser.add_argument("--seconds", type=float, default=1.0, help="minimum time per timed run")
    args = parser.parse_args(argv)

    where = pin_to_one_core()
    lines = build_lines(args.lines)
    for line in lines:  # warm-up: regex caches, PyThaiNLP dictionary
        normalize_text(line)
        pythainlp_normalize(line)

    full = messages_per_second(normalize_text, lines, args.seconds)
    baseline = messages_per_second(pythainlp_normalize, lines, args.seconds)
    results = {"grooming_detect.normalize_text": full, "pythainlp.util.normalize": baseline, "ratio": full / baseline}
    mean_chars = sum(map(len, lines)) / len(lines)
    print(f"{len(lines)} chat lines, {mean_chars:.0f} characters on average, one process ({where})")
    print(f"{'normalizer':34} {'msgs/s':>10} {'us/msg':>8}")
    for name in ("grooming_detect.normalize_text", "pythainlp.util.normalize"):
        print(f"{name:34} {results[name]:10,.0f} {1e6 / results[name]:8.1f}")
    print(f"{'ratio (full / pythainlp baseline)':34} {results['ratio']:10.2f}")
    return results


if __name__ == "__main__":
    main()
