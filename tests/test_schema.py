from __future__ import annotations

from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

import grooming_detect
from grooming_detect import Message, Transcript
from grooming_detect.schema import TranscriptLimits


def _msgs(n: int, text: str = "สวัสดีครับ") -> list[dict]:
    return [{"sender": f"u{i % 2}", "text": text} for i in range(n)]


def test_reexported_from_package() -> None:
    assert grooming_detect.Message is Message
    assert grooming_detect.Transcript is Transcript


def test_defaults_and_round_trip() -> None:
    t = Transcript(id="c1", messages=[Message(sender="a", text="ไปไหนมา 555")])
    assert t.metadata == {}
    assert t.messages[0].role == "unknown"
    assert t.messages[0].timestamp is None
    again = Transcript.model_validate_json(t.model_dump_json())
    assert again == t


def test_timestamp_and_role_parse() -> None:
    m = Message.model_validate({"sender": "a", "text": "hi", "timestamp": "2026-01-02T03:04:05Z", "role": "minor"})
    assert m.timestamp == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert m.role == "minor"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"id": "x", "messages": []}, "messages"),
        ({"id": "", "messages": _msgs(1)}, "id"),
        ({"id": "x", "messages": [{"sender": "", "text": "a"}]}, "messages.0.sender"),
        ({"id": "x", "messages": [{"sender": "a", "text": 5}]}, "messages.0.text"),
        ({"id": "x", "messages": [{"sender": "a", "text": "a", "role": "child"}]}, "messages.0.role"),
        ({"id": "x", "messages": [{"sender": "a", "text": "a", "extra": 1}]}, "messages.0.extra"),
        ({"id": "x", "messages": "hello"}, "messages"),
        ({"id": 3, "messages": _msgs(1)}, "id"),
    ],
)
def test_bad_input_names_the_field(payload: dict, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        Transcript.model_validate(payload)
    locs = {".".join(str(p) for p in e["loc"]) for e in info.value.errors()}
    assert field in locs


def test_default_limits_are_enforced() -> None:
    Transcript.model_validate({"id": "x", "messages": _msgs(2000)})
    with pytest.raises(ValidationError, match="2001 messages; the limit is 2000"):
        Transcript.model_validate({"id": "x", "messages": _msgs(2001)})
    Transcript.model_validate({"id": "x", "messages": _msgs(1, "ก" * 4000)})
    with pytest.raises(ValidationError, match="4001 characters; the limit is 4000"):
        Transcript.model_validate({"id": "x", "messages": _msgs(1, "ก" * 4001)})


def test_limits_are_configurable() -> None:
    limits = TranscriptLimits(max_messages=3, max_message_chars=10)
    ctx = {"limits": limits}
    Transcript.model_validate({"id": "x", "messages": _msgs(3, "a" * 10)}, context=ctx)
    with pytest.raises(ValidationError, match="the limit is 3"):
        Transcript.model_validate({"id": "x", "messages": _msgs(4)}, context=ctx)
    with pytest.raises(ValidationError, match="the limit is 10"):
        Transcript.model_validate({"id": "x", "messages": _msgs(1, "a" * 11)}, context=ctx)
    with pytest.raises(ValueError, match="positive"):
        TranscriptLimits(max_messages=0)


def test_lone_surrogates_are_rejected_not_mangled() -> None:
    with pytest.raises(ValidationError, match="surrogate"):
        Message(sender="a", text="abc\ud800")


def test_error_messages_never_echo_text() -> None:
    canary = "CANARY-ข้อความลับ-" * 300
    with pytest.raises(ValidationError) as info:
        Transcript.model_validate({"id": "x", "messages": _msgs(1, canary)})
    from grooming_detect.jsonl import format_validation_error

    assert "CANARY" not in format_validation_error(info.value)


def test_control_and_zero_width_text_is_kept_verbatim() -> None:
    text = "ส\u200bง\x00รู\u202eป 👨\u200d👩\u200d👧"
    assert Message(sender="a", text=text).text == text
