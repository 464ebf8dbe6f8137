"""The tactic taxonomy: the moves a moderator reads to see *why* a chat was flagged.

Defined once here and used by the model (one logit per tactic per message), the scorer's answers, the
training data's per-message labels and the evaluation suites. A tactic names what a message *does*; it is
not a verdict: a mother asking "are you home alone?" plays ``alone_check`` in a benign chat, and the
conversation head, which sees who plays which tactics in what order, decides whether that is a risk.
"""

from __future__ import annotations

from typing import Final

__all__ = ["CATEGORY_TACTICS", "ROLE_INDEX", "TACTICS", "TACTIC_DESCRIPTIONS"]

TACTIC_DESCRIPTIONS: Final[dict[str, str]] = {
    "age_probe": "asks the child's age, grade or school",
    "alone_check": "checks whether the child is alone or supervised, where the parents are",
    "flattery": "compliments, 'mature for your age', a special bond, love-bombing",
    "gifts": "gifts, game top-ups, money or paying for things",
    "secrecy": "asks to keep the talk secret, not tell parents or friends, delete the chat",
    "isolation": "turns the child against family or friends",
    "platform_move": "moves the talk to a private or disappearing app or a second account",
    "photo_request": "asks for private photos or to turn on the camera",
    "meet_offline": "proposes to meet in person, pick the child up, come alone",
    "image_claim": "claims to hold the child's images, video or chats",
    "threat": "threatens to share or post them, tell parents or school, report to police",
    "demand": "demands money, gift cards, top-up codes or more photos",
    "deadline": "time pressure: tonight, within an hour, a countdown",
}
"""Every tactic with the one-line meaning the data writers and the model card use."""

TACTICS: Final[tuple[str, ...]] = tuple(TACTIC_DESCRIPTIONS)
"""Tactic names in the model's logit order."""

CATEGORY_TACTICS: Final[dict[str, frozenset[str]]] = {
    "grooming": frozenset(
        {
            "age_probe",
            "alone_check",
            "flattery",
            "gifts",
            "secrecy",
            "isolation",
            "platform_move",
            "photo_request",
            "meet_offline",
        }
    ),
    "sextortion": frozenset({"image_claim", "threat", "demand", "deadline"}),
}
"""The tactics typical of each category (for the per-category alert of a chat that turns from one to the other)."""

ROLE_INDEX: Final[dict[str, int]] = {"unknown": 0, "minor": 1, "adult": 2}
"""``Message.role`` as the conversation head's role input; callers that do not know a role send ``unknown``."""
