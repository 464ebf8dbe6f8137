"""RiskScorer on the shipped model: shapes, thresholds, streaming equals batch, spans, privacy."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from grooming_detect import Message, Transcript
from grooming_detect.scorer import RiskScorer, resolve_model_path


def _close(a: dict[str, float], b: dict[str, float], tol: float = 1e-5) -> bool:
    return a.keys() == b.keys() and all(math.isclose(a[k], b[k], abs_tol=tol) for k in a)


def test_result_shape(scorer: RiskScorer, grooming_transcript: Transcript) -> None:
    result = scorer.score(grooming_transcript)
    assert result.id == grooming_transcript.id
    assert result.model == scorer.name and result.model_version == scorer.version
    assert set(result.category_scores) == {"grooming", "sextortion"} == set(result.categories)
    assert result.thresholds == scorer.thresholds
    assert [m.index for m in result.messages] == list(range(len(grooming_transcript.messages)))
    assert result.category_scores == result.messages[-1].category_scores
    assert result.risk_level in ("low", "medium", "high")
    assert scorer.model.config.aggregate == "last"  # the shipped model reads the head's latest output
    for message in result.messages:
        assert _close(message.category_scores, message.step_scores)


def test_highest_so_far_never_falls(tiny_model_dir: Path, grooming_transcript: Transcript) -> None:
    tiny = RiskScorer.from_pretrained(tiny_model_dir)
    assert tiny.model.config.aggregate == "max"
    result = tiny.score(grooming_transcript, return_spans=False)
    for earlier, later in zip(result.messages, result.messages[1:], strict=False):
        assert all(later.category_scores[c] >= earlier.category_scores[c] for c in tiny.categories)
    assert any(m.category_scores != m.step_scores for m in result.messages)


def test_risky_conversations_score_above_benign(
    scorer, grooming_transcript, sextortion_transcript, benign_transcript
) -> None:
    g, s, b = scorer.score_batch([grooming_transcript, sextortion_transcript, benign_transcript])
    assert g.category_scores["grooming"] > b.category_scores["grooming"]
    assert s.category_scores["sextortion"] > max(b.category_scores["sextortion"], g.category_scores["sextortion"])
    assert g.flagged and not b.flagged
    assert s.risk_level in ("medium", "high")
    assert b.risk_level in ("low", "medium")
    assert g.first_alert_index is not None and g.first_alert_index <= len(grooming_transcript.messages) - 1


def test_hand_written_sextortion_is_flagged(scorer, sextortion_transcript) -> None:
    assert scorer.score(sextortion_transcript, return_spans=False).categories["sextortion"]


def test_caller_thresholds(scorer: RiskScorer, benign_transcript: Transcript) -> None:
    result = scorer.score(benign_transcript, thresholds={"grooming": 0.0})
    assert result.categories["grooming"] and result.flagged and result.first_alert_index == 0
    assert result.thresholds["grooming"] == 0.0
    assert result.thresholds["sextortion"] == scorer.thresholds["sextortion"]
    for bad in ({"nope": 0.5}, {"grooming": 1.5}, {"grooming": -0.1}, {"grooming": "high"}, {"grooming": True}):
        with pytest.raises(ValueError):
            scorer.score(benign_transcript, thresholds=bad)


def test_stream_equals_batch(scorer, grooming_transcript, sextortion_transcript, benign_transcript) -> None:
    for transcript in (grooming_transcript, sextortion_transcript, benign_transcript):
        whole = scorer.score(transcript, return_spans=True)
        session = scorer.stream(transcript.id, return_spans=True)
        for message in transcript.messages[:2]:
            session.add(message)
        streamed = session.add(transcript.messages[2:])
        assert streamed.first_alert_index == whole.first_alert_index
        assert streamed.first_alert_by_category == whole.first_alert_by_category
        assert streamed.categories == whole.categories and streamed.risk_level == whole.risk_level
        for a, b in zip(streamed.messages, whole.messages, strict=True):
            assert _close(a.category_scores, b.category_scores) and _close(a.step_scores, b.step_scores)
            assert a.flagged == b.flagged
            assert [(s.begin, s.end, s.category) for s in a.spans] == [(s.begin, s.end, s.category) for s in b.spans]


def _without_spans(text: str, spans: list) -> str:
    kept, start = [], 0
    for span in sorted(spans, key=lambda s: s.begin):
        kept.append(text[start : span.begin])
        start = max(start, span.end)
    return "".join(kept) + text[start:]


@pytest.mark.parametrize("method", ["fast", "exhaustive"])
def test_removing_the_spans_lowers_the_message_score_by_their_scores(
    scorer, grooming_transcript, sextortion_transcript, method: str
) -> None:
    """What a span's score means. ``exhaustive``: removing the top span alone lowers the message's own risk
    by its score. ``fast``: the spans of a category are verified together, so removing all of them lowers
    it by the sum of their scores."""
    checked = 0
    for transcript in (grooming_transcript, sextortion_transcript):
        result = scorer.score(transcript, return_spans=True, span_method=method)
        for message_score in result.messages:
            if not message_score.spans:
                continue
            top = message_score.spans[0]
            text = transcript.messages[message_score.index].text
            assert all(0 <= s.begin < s.end <= len(text) for s in message_score.spans)
            removed = (
                [top] if method == "exhaustive" else [s for s in message_score.spans if s.category == top.category]
            )
            edited = [m.model_copy() for m in transcript.messages]
            edited[message_score.index] = Message(
                sender=edited[message_score.index].sender, text=_without_spans(text, removed)
            )
            again = scorer.score(Transcript(id="edited", messages=edited), return_spans=False)
            before = message_score.step_scores[top.category]
            after = again.messages[message_score.index].step_scores[top.category]
            assert before - after == pytest.approx(sum(s.score for s in removed), abs=0.02)
            checked += 1
    assert checked >= 2


def test_spans_are_opt_in(scorer: RiskScorer, grooming_transcript: Transcript) -> None:
    """Issue 14: spans cost several encodings per message, so the library computes them only when asked."""
    plain = scorer.score(grooming_transcript)
    assert plain.flagged and all(m.spans == [] for m in plain.messages)
    assert any(m.spans for m in scorer.score(grooming_transcript, return_spans=True).messages)
    assert all(m.spans == [] for m in scorer.score_batch([grooming_transcript])[0].messages)
    assert all(m.spans == [] for m in scorer.stream("s").add(grooming_transcript.messages).messages)


def test_spans_point_into_the_original_text(scorer: RiskScorer) -> None:
    text = "ส่ ง รู ป ส่ ว น ตั ว มาให้พี่ดูหน่อย อย่าบอกใครนะ"
    t = Transcript(id="obf", messages=[Message(sender="a", text="อายุเท่าไหร่"), Message(sender="a", text=text)])
    result = scorer.score(t, thresholds={"grooming": 0.01, "sextortion": 0.01}, return_spans=True)
    spans = result.messages[1].spans
    assert spans
    for span in spans:
        assert 0 <= span.begin < span.end <= len(text)
        assert text[span.begin : span.end].strip()


def test_odd_text_never_crashes(scorer: RiskScorer) -> None:
    texts = [
        "",
        " ",
        "\u200b\u200d\ufeff",
        "\x00\x07",
        "👨\u200d👩\u200d👧" * 50,
        "hello there",
        "ก" * 4000,
        "٣٤٥ مرحبا",
        "\u202eสวัสดี",
        "5555555555",
    ]
    t = Transcript(id="odd", messages=[Message(sender=f"s{i}", text=x) for i, x in enumerate(texts)])
    result = scorer.score(t)
    assert len(result.messages) == len(texts)
    assert all(0.0 <= v <= 1.0 for m in result.messages for v in m.category_scores.values())


def test_session_keeps_no_text(scorer: RiskScorer) -> None:
    canary = "CANARYลับสุดยอด"
    session = scorer.stream("c1")
    session.add([Message(sender="sender-" + canary, text=canary + " ส่งรูปมา")])
    state = session._state
    seen = [state.speakers, state.first_alert, state.running, [m.model_dump() for m in state.messages]]
    assert canary not in repr(seen)
    assert all(canary not in key for key in state.speakers)


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        RiskScorer.from_pretrained(tmp_path / "missing")
    assert resolve_model_path("some/dir") == Path("some/dir")


def test_first_alert_per_category(scorer: RiskScorer, grooming_transcript: Transcript) -> None:
    """Each category's first alert is its first message at or above its threshold, whatever came after."""
    thresholds = {"grooming": 0.3, "sextortion": 0.0}  # sextortion alerts at once, grooming when it rises
    result = scorer.score(grooming_transcript, thresholds=thresholds, return_spans=False)
    for category, threshold in thresholds.items():
        hits = [m.index for m in result.messages if m.category_scores[category] >= threshold]
        assert result.first_alert_by_category[category] == (hits[0] if hits else None)
    assert result.first_alert_by_category["sextortion"] == 0
    firsts = [i for i in result.first_alert_by_category.values() if i is not None]
    assert result.first_alert_index == min(firsts)
    quiet = scorer.score(grooming_transcript, thresholds={"grooming": 1.0, "sextortion": 1.0}, return_spans=False)
    assert quiet.first_alert_by_category == {"grooming": None, "sextortion": None} and quiet.first_alert_index is None
