"""Functional tests (CheckList / HateCheck style): minimum-functionality and direction cases.

The cases are data, in ``evaluation/data/functional/`` (``functionalities.jsonl`` lists them; ``mft/`` and
``dir/`` hold the cases; ``functional/README.md`` gives the format and the content rule). This module exposes the
``mft`` and ``dir`` functionalities as ``FUNCTIONALITIES``, in the order of ``functionalities.jsonl``.
"""

from __future__ import annotations

from grooming_detect_evaluation.data.loader import shipped
from grooming_detect_evaluation.data.spec import Functionality

__all__ = ["FUNCTIONALITIES"]

FUNCTIONALITIES: list[Functionality] = [f for f in shipped()[0] if f.kind in ("mft", "dir")]
