"""Real Thai text for the false-alert check: the Wisesight Sentiment corpus, screened and split.

Wisesight Sentiment (CC0) holds about 26,000 real Thai social-media posts and comments in ``neg.txt``,
``neu.txt``, ``pos.txt`` and ``q.txt``. Its Kaggle test split (``kaggle-competition/test.txt``) is never
read here: it is kept for independent measurement. Lines are de-duplicated and screened: lines with an
explicit term (``grooming_detect_training.synth.safety``) or a spam pattern (links, "add LINE", casino and loan
adverts) are dropped and counted. A hash of each line puts it in ``train.txt`` or ``heldout.txt``; only the held-out
half is used to measure false alerts (``grooming-detect evaluate --suite real_text``).

The corpus is third-party data fetched outside the package registries, so the repository does not hold it:
point ``--src`` at a copy (the project looks for ``../shared/data/wisesight-sentiment`` by default).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from grooming_detect_training.synth.safety import find_explicit

__all__ = ["DEFAULT_SOURCE", "SPAM", "prepare_real_text"]

DEFAULT_SOURCE = Path("../shared/data/wisesight-sentiment")
FILES = ("neg.txt", "neu.txt", "pos.txt", "q.txt")
SPAM = re.compile(
    r"https?://|www\.|\.com\b|แอดไลน์|add\s*line|@line|ไลน์\s*id|บาคาร่า|คาสิโน|สล็อต|เครดิตฟรี|เงินกู้|กู้เงินด่วน",
    re.IGNORECASE,
)


def prepare_real_text(src: Path, out: Path, heldout_share: float = 0.5) -> dict[str, int]:
    """Screen and split the corpus into ``out/train.txt`` and ``out/heldout.txt``; returns the counts."""
    missing = [f for f in FILES if not (src / f).is_file()]
    if missing:
        raise FileNotFoundError(f"{src} lacks {', '.join(missing)} (a copy of the Wisesight Sentiment corpus)")
    seen: set[str] = set()
    counts = {"read": 0, "duplicates": 0, "explicit": 0, "spam": 0, "train": 0, "heldout": 0}
    parts: dict[str, list[str]] = {"train": [], "heldout": []}
    for name in FILES:
        for line in (src / name).read_text(encoding="utf-8").splitlines():
            text = " ".join(line.split())
            if not text:
                continue
            counts["read"] += 1
            if text in seen:
                counts["duplicates"] += 1
                continue
            seen.add(text)
            if find_explicit(text):
                counts["explicit"] += 1
                continue
            if SPAM.search(text):
                counts["spam"] += 1
                continue
            bucket = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
            split = "heldout" if bucket < heldout_share else "train"
            parts[split].append(text)
            counts[split] += 1
    out.mkdir(parents=True, exist_ok=True)
    for split, lines in parts.items():
        (out / f"{split}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "screening.json").write_text(json.dumps(counts, indent=1) + "\n", encoding="utf-8")
    return counts
