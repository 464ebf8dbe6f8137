"""The HTTP API: the real app with the real model (lifespan runs), auth, limits, bad input, privacy."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from livehttp import served

from grooming_detect.api.app import create_app
from grooming_detect.api.feedback import FeedbackStore
from grooming_detect.api.security import ApiKey, hash_key
from grooming_detect.api.settings import Settings
from grooming_detect.api.streams import ConversationDropped, ConversationStore

KEY = "test-key-123"
HEADERS = {"X-API-Key": KEY}


def _settings(tmp_path: Path, **overrides) -> Settings:
    values = {
        "keys": [ApiKey(id="test", sha256=hash_key(KEY), scopes=["admin"])],
        "feedback_url": f"sqlite:///{tmp_path / 'feedback.db'}",
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def client(scorer, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(tmp_path, max_transcripts=4), scorer=scorer)) as c:
        yield c


def _body(transcripts: list, **extra) -> dict:
    return {"transcripts": [t.model_dump(mode="json") for t in transcripts], **extra}


def test_health_ready_and_models(client: TestClient, scorer) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"
    info = client.get("/v1/models", headers=HEADERS).json()["models"][0]
    assert info["name"] == scorer.name and info["version"] == scorer.version
    assert info["backend"] == scorer.backend == "onnx"  # the default runtime, said where clients can read it
    assert info["categories"] == ["grooming", "sextortion"]
    assert set(info["thresholds"]) == {"grooming", "sextortion"}


def test_moderate(client: TestClient, scorer, grooming_transcript, benign_transcript) -> None:
    response = client.post("/v1/moderate", json=_body([grooming_transcript, benign_transcript]), headers=HEADERS)
    assert response.status_code == 200
    data = response.json()
    assert data["model"] == scorer.name and data["model_version"] == scorer.version
    assert data["id"] == response.headers["X-Request-ID"]
    first, second = data["results"]
    assert first["id"] == "t-grooming" and second["id"] == "t-benign"
    expected = scorer.score(grooming_transcript)
    assert first["flagged"] == expected.flagged
    assert first["first_alert_index"] == expected.first_alert_index
    assert abs(first["category_scores"]["grooming"] - expected.category_scores["grooming"]) < 1e-5
    for key in ("categories", "risk_level", "thresholds", "messages", "tactics", "first_alert_by_category"):
        assert key in first
    assert "model" not in first and "model_version" not in first  # stated once, for the whole answer
    assert {"index", "category_scores", "flagged", "spans", "tactics"} <= set(first["messages"][0])
    assert [(t["tactic"], t["first_index"]) for t in first["tactics"]] == [
        (t.tactic, t.first_index) for t in expected.tactics
    ]
    assert [m["tactics"].keys() for m in first["messages"]] == [m.tactics.keys() for m in expected.messages]


def test_caller_thresholds_and_no_spans(client: TestClient, benign_transcript) -> None:
    body = _body([benign_transcript], thresholds={"grooming": 0.0}, return_spans=False)
    result = client.post("/v1/moderate", json=body, headers=HEADERS).json()["results"][0]
    assert result["categories"]["grooming"] is True and result["thresholds"]["grooming"] == 0.0
    assert all(m["spans"] == [] for m in result["messages"])


def test_spans_only_when_asked(client: TestClient, grooming_transcript) -> None:
    body = _body([grooming_transcript])
    assert "return_spans" not in body
    plain = client.post("/v1/moderate", json=body, headers=HEADERS).json()["results"][0]
    assert plain["flagged"] and all(m["spans"] == [] for m in plain["messages"])
    asked = client.post("/v1/moderate", json=_body([grooming_transcript], return_spans=True), headers=HEADERS)
    assert any(m["spans"] for m in asked.json()["results"][0]["messages"])


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}, {"X-API-Key": ""}])
def test_auth_required(client: TestClient, headers: dict, benign_transcript) -> None:
    assert client.post("/v1/moderate", json=_body([benign_transcript]), headers=headers).status_code == 401
    assert client.post("/v1/conversations/a/messages", json={"messages": _msgs(1)}, headers=headers).status_code == 401
    for path in ("/v1/models", "/v1/feedback/export"):
        response = client.get(path, headers=headers)
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"] == "APIKey, Bearer"


def test_open_mode_and_missing_keys(scorer, tmp_path: Path, caplog, benign_transcript) -> None:
    with caplog.at_level(logging.WARNING, logger="grooming_detect.api"):
        with TestClient(create_app(_settings(tmp_path, keys=[], open_mode=True), scorer=scorer)) as c:
            assert c.post("/v1/moderate", json=_body([benign_transcript])).status_code == 200
    assert any("open mode" in r.getMessage() for r in caplog.records)
    with pytest.raises(RuntimeError, match="no API keys"):
        with TestClient(create_app(_settings(tmp_path, keys=[]), scorer=scorer)):
            pass


def _msgs(n: int, text: str = "สวัสดี") -> list[dict]:
    return [{"sender": "a", "text": text} for _ in range(n)]


BAD_BODIES = [
    ({"transcripts": []}, "transcripts"),
    ({"transcripts": [{"id": "x", "messages": []}]}, "messages"),
    ({"transcripts": [{"id": "x", "messages": [{"sender": "a", "text": 5}]}]}, "text"),
    ({"transcripts": [{"id": "x", "messages": [{"sender": "a"}]}]}, "text"),
    ({"transcripts": [{"id": "", "messages": _msgs(1)}]}, "id"),
    ({"transcripts": "nope"}, "transcripts"),
    ({"transcripts": [{"id": "x", "messages": _msgs(1)}], "thresholds": {"grooming": 2}}, "thresholds"),
    ({"transcripts": [{"id": "x", "messages": _msgs(1)}], "thresholds": {"other": 0.5}}, "thresholds"),
    ({"transcripts": [{"id": "x", "messages": _msgs(1)}], "surprise": 1}, "extra_forbidden"),
    ({"transcripts": [{"id": str(i), "messages": _msgs(1)} for i in range(5)]}, "the limit is 4"),
    ({"transcripts": [{"id": "x", "messages": _msgs(2001)}]}, "the limit is 2000"),
    ({"transcripts": [{"id": "x", "messages": _msgs(1, "ก" * 4001)}]}, "the limit is 4000"),
    ({"transcripts": [{"id": "x", "messages": [{"sender": "a", "text": "x", "role": "kid"}]}]}, "role"),
    ({"transcripts": [{"id": "x", "messages": [{"sender": "a", "text": "x", "timestamp": "yesterday"}]}]}, "timestamp"),
]


@pytest.mark.parametrize(("body", "needle"), BAD_BODIES)
def test_bad_input_is_422_naming_the_field(client: TestClient, body: dict, needle: str) -> None:
    response = client.post("/v1/moderate", json=body, headers=HEADERS)
    assert response.status_code == 422
    assert needle in json.dumps(response.json()), response.json()


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"{",
        b"[]",
        b"null",
        b'"text"',
        b"\xff\xfe\xfd",
        b'{"transcripts": [{"id": "x", "messages": [{"sender": "a", "text": "\\ud800"}]}]}',
    ],
)
def test_malformed_bodies_are_4xx(client: TestClient, raw: bytes) -> None:
    response = client.post("/v1/moderate", content=raw, headers={**HEADERS, "Content-Type": "application/json"})
    assert 400 <= response.status_code < 500


def test_odd_text_is_scored(client: TestClient) -> None:
    texts = ["\u200b\u200c\u200d\ufeff", "\x00\x01\x1f", "hello only english", "مرحبا", "😀" * 500, " "]
    body = {"transcripts": [{"id": "odd", "messages": [{"sender": "a", "text": t} for t in texts]}]}
    response = client.post("/v1/moderate", json=body, headers=HEADERS)
    assert response.status_code == 200
    assert len(response.json()["results"][0]["messages"]) == len(texts)


def test_body_over_limit_is_413(scorer, tmp_path: Path) -> None:
    with TestClient(create_app(_settings(tmp_path, max_body_bytes=2048), scorer=scorer)) as c:
        big = {"transcripts": [{"id": "x", "messages": _msgs(1, "ก" * 3000)}]}
        assert c.post("/v1/moderate", json=big, headers=HEADERS).status_code == 413

        def chunks() -> Iterator[bytes]:
            payload = json.dumps(big).encode()
            for i in range(0, len(payload), 512):
                yield payload[i : i + 512]

        response = c.post("/v1/moderate", content=chunks(), headers={**HEADERS, "Content-Type": "application/json"})
        assert response.status_code == 413
        assert "limit" in response.json()["detail"]


def test_streaming_equals_batch(client: TestClient, grooming_transcript) -> None:
    messages = [m.model_dump(mode="json") for m in grooming_transcript.messages]
    url = "/v1/conversations/live-1/messages"
    client.post(url, json={"messages": messages[:3]}, headers=HEADERS)
    client.post(url, json={"messages": messages[3:4]}, headers=HEADERS)
    last = client.post(url, json={"messages": messages[4:]}, headers=HEADERS).json()
    whole = client.post("/v1/moderate", json=_body([grooming_transcript]), headers=HEADERS).json()["results"][0]
    assert last["first_alert_index"] == whole["first_alert_index"]
    assert len(last["messages"]) == len(whole["messages"])
    for a, b in zip(last["messages"], whole["messages"], strict=True):
        assert all(abs(a["category_scores"][k] - b["category_scores"][k]) < 1e-5 for k in a["category_scores"])
    assert client.delete("/v1/conversations/live-1", headers=HEADERS).status_code == 204
    fresh = client.post(url, json={"messages": messages[:1]}, headers=HEADERS).json()
    assert len(fresh["messages"]) == 1


def test_streaming_limits(scorer, tmp_path: Path) -> None:
    with TestClient(create_app(_settings(tmp_path, max_messages=3), scorer=scorer)) as c:
        url = "/v1/conversations/c-1/messages"
        assert c.post(url, json={"messages": _msgs(2)}, headers=HEADERS).status_code == 200
        response = c.post(url, json={"messages": _msgs(2)}, headers=HEADERS)
        assert response.status_code == 422 and "the limit is 3" in json.dumps(response.json())
        assert (
            c.post("/v1/conversations/bad id!/messages", json={"messages": _msgs(1)}, headers=HEADERS).status_code
            == 422
        )
        assert c.delete("/v1/conversations/unknown", headers=HEADERS).status_code == 404


def test_conversation_store_is_bounded_with_ttl() -> None:
    now = [0.0]
    store = ConversationStore(max_conversations=2, ttl_seconds=10, clock=lambda: now[0])
    made = []

    def factory():
        made.append(object())
        return made[-1]

    a = store.get_or_create("a", factory)
    store.get_or_create("b", factory)
    assert store.get_or_create("a", factory) is a
    store.get_or_create("c", factory)  # evicts b, the least recently used
    assert len(store) == 2 and store.evicted == 1
    with pytest.raises(ConversationDropped, match="evicted"):  # issue 15.12: never a silent restart
        store.get_or_create("b", factory)
    assert store.delete("b") and store.get_or_create("b", factory) is made[-1]  # ended, it starts afresh
    now[0] = 30.0
    with pytest.raises(ConversationDropped, match="expired"):
        store.get_or_create("b", factory)
    assert store.expired >= 1


def test_a_dropped_conversation_answers_409_until_ended(scorer, tmp_path: Path) -> None:
    """Issue 15.12: when the store is full, the conversation it drops used to restart from zero on its next
    append, without a word; now that append is a 409 saying what happened, and /metrics counts the drop."""
    with TestClient(create_app(_settings(tmp_path, stream_max_conversations=1), scorer=scorer)) as c:
        first, second = "/v1/conversations/one/messages", "/v1/conversations/two/messages"
        assert c.post(first, json={"messages": _msgs(2)}, headers=HEADERS).status_code == 200
        assert c.post(second, json={"messages": _msgs(1)}, headers=HEADERS).status_code == 200  # drops "one"
        again = c.post(first, json={"messages": _msgs(1)}, headers=HEADERS)
        assert again.status_code == 409 and "evicted" in again.json()["detail"]
        assert 'grooming_detect_conversations_dropped{reason="evicted"} 1.0' in c.get("/metrics", headers=HEADERS).text
        assert c.delete("/v1/conversations/one", headers=HEADERS).status_code == 204
        restarted = c.post(first, json={"messages": _msgs(1)}, headers=HEADERS)
        assert restarted.status_code == 200 and len(restarted.json()["messages"]) == 1


def test_the_message_limit_holds_under_concurrent_appends(scorer, tmp_path: Path) -> None:
    """Issue 15.3: with a limit of 10, concurrent appends left 17 messages held (the check ran outside the
    session's lock). Twelve appends of one message at once: exactly ten succeed, the rest are 422."""
    with served(create_app(_settings(tmp_path, max_messages=10), scorer=scorer)) as http:
        barrier = threading.Barrier(12)
        codes: list[int] = []

        def append() -> None:
            barrier.wait()
            codes.append(
                http.post("/v1/conversations/race/messages", json={"messages": _msgs(1)}, headers=HEADERS).status_code
            )

        threads = [threading.Thread(target=append) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        held = http.post("/v1/conversations/race/messages", json={"messages": _msgs(1)}, headers=HEADERS)
    assert sorted(codes) == [200] * 10 + [422] * 2
    assert held.status_code == 422 and "would hold 11 messages; the limit is 10" in json.dumps(held.json())


@pytest.fixture(scope="module")
def postgres_server(tmp_path_factory) -> Iterator[object]:
    """A real PostgreSQL server (pgserver's wheel), stopped at the end of the module."""
    pgserver = pytest.importorskip("pgserver", reason="install the dev extra: pip install -e '.[all]'")
    server = pgserver.get_server(tmp_path_factory.mktemp("pgdata"), cleanup_mode="delete")
    yield server
    server.cleanup()


def _fresh_database(server, name: str) -> str:
    server.psql(f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name};")
    return server.get_uri(name)  # a bare postgresql:// URL, as an operator would paste it


@pytest.fixture(params=["sqlite", "postgresql"])
def feedback_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'feedback.db'}"
    return _fresh_database(request.getfixturevalue("postgres_server"), "feedback_roundtrip")


def test_feedback_is_stored_without_content_unless_asked(
    scorer, tmp_path: Path, grooming_transcript, feedback_url: str
) -> None:
    settings = _settings(tmp_path, feedback_url=feedback_url)
    base = {"transcript_id": "t-1", "model_version": scorer.version, "category": "grooming"}
    with TestClient(create_app(settings, scorer=scorer)) as c:
        r = c.post(
            "/v1/feedback",
            json={
                **base,
                "verdict": "confirmed",
                "note": "escalated",
                "transcript": grooming_transcript.model_dump(mode="json"),
            },
            headers=HEADERS,
        )
        assert r.status_code == 201 and r.json()["stored_content"] is False
        r = c.post(
            "/v1/feedback",
            json={
                **base,
                "verdict": "false_positive",
                "store_content": True,
                "transcript": grooming_transcript.model_dump(mode="json"),
            },
            headers=HEADERS,
        )
        assert r.json()["stored_content"] is True
        assert c.post("/v1/feedback", json={**base, "verdict": "meh"}, headers=HEADERS).status_code == 422
        assert (
            c.post(
                "/v1/feedback", json={**base, "category": "spam", "verdict": "confirmed"}, headers=HEADERS
            ).status_code
            == 422
        )
        assert (
            c.post(
                "/v1/feedback", json={**base, "verdict": "confirmed", "store_content": True}, headers=HEADERS
            ).status_code
            == 422
        )
    with TestClient(create_app(settings, scorer=scorer)) as c:  # a restarted server sees the same rows
        response = c.get("/v1/feedback/export", headers=HEADERS)
        assert response.headers["content-type"].startswith("application/x-ndjson")
        rows = [json.loads(line) for line in response.text.splitlines()]
    assert [r["verdict"] for r in rows] == ["confirmed", "false_positive"]
    assert rows[0]["transcript"] is None and rows[0]["note"] == "escalated"
    assert rows[1]["transcript"]["id"] == grooming_transcript.id
    assert rows[1]["transcript"]["messages"][0]["text"] == grooming_transcript.messages[0].text  # Thai intact
    store = FeedbackStore(feedback_url)
    try:
        assert store.engine.dialect.name == feedback_url.split(":")[0]
    finally:
        store.close()


def test_unpaired_surrogates_are_refused_and_never_break_the_export(scorer, tmp_path: Path) -> None:
    """Issue 15.1: feedback whose transcript metadata held "\\ud800" was stored, and the export then ended
    early at it, losing every later record. Such input is now a 422 naming the field; a row stored before
    (written to the store directly) is exported as a JSON escape, and the rows after it are all there."""
    settings = _settings(tmp_path)
    base = {"transcript_id": "t-1", "model_version": scorer.version, "category": "grooming", "verdict": "confirmed"}
    transcript = {"id": "c", "messages": [{"sender": "a", "text": "hi"}], "metadata": {"src": "x\ud800"}}
    raw = json.dumps({**base, "store_content": True, "transcript": transcript}).encode()
    assert b"\\ud800" in raw  # the JSON escape, as an attacker would send it
    with TestClient(create_app(settings, scorer=scorer)) as c:
        r = c.post("/v1/feedback", content=raw, headers={**HEADERS, "content-type": "application/json"})
        assert r.status_code == 422
        assert r.json()["detail"][0]["loc"] == ["body", "transcript", "metadata"]
        for field in ("note", "transcript_id"):
            bad = json.dumps({**base, field: "n\udfff"}).encode()
            r = c.post("/v1/feedback", content=bad, headers={**HEADERS, "content-type": "application/json"})
            assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", field]
        c.app.state.feedback.add(  # a row from before the fix
            transcript_id="old",
            model_version="0.0",
            category="grooming",
            verdict="confirmed",
            note="plain",
            transcript={"id": "c", "metadata": {"k\udc00": "v"}},
        )
        assert c.post("/v1/feedback", json=base, headers=HEADERS).status_code == 201
        export = c.get("/v1/feedback/export", headers=HEADERS)
    assert export.status_code == 200
    rows = [json.loads(line) for line in export.content.decode("utf-8").splitlines()]
    assert [r["transcript_id"] for r in rows] == ["old", "t-1"]
    assert rows[0]["note"] == "plain" and rows[0]["transcript"]["metadata"] == {"k\udc00": "v"}
    assert all(r["created_at"].endswith("+00:00") for r in rows)  # UTC, with its offset (issue 15.13)


def test_feedback_store_outage_is_503_and_recovers(scorer, tmp_path: Path, caplog) -> None:
    """A PostgreSQL outage answers 503 without quoting the note; the next request after it comes back works."""
    pgserver = pytest.importorskip("pgserver", reason="install the dev extra: pip install -e '.[all]'")
    pgdata = tmp_path / "pg"
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    url = server.get_uri()
    canary = "CANARY-บันทึกลับ-7"
    body = {"transcript_id": "t-9", "model_version": scorer.version, "category": "sextortion", "note": canary}
    try:
        with TestClient(create_app(_settings(tmp_path, feedback_url=url), scorer=scorer)) as c:
            assert c.post("/v1/feedback", json={**body, "verdict": "confirmed"}, headers=HEADERS).status_code == 201
            server.cleanup()  # the database goes down under a running API
            with caplog.at_level(logging.DEBUG):
                down = c.post("/v1/feedback", json={**body, "verdict": "false_negative"}, headers=HEADERS)
                export = c.get("/v1/feedback/export", headers=HEADERS)
            assert down.status_code == 503 and down.headers["retry-after"]
            assert "unavailable" in down.json()["detail"] and canary not in down.text
            assert export.status_code == 503
            assert canary not in caplog.text
            server = pgserver.get_server(pgdata, cleanup_mode="delete")  # ... and comes back on the same socket
            assert server.get_uri() == url
            again = c.post("/v1/feedback", json={**body, "verdict": "false_negative"}, headers=HEADERS)
            assert again.status_code == 201
            rows = [json.loads(line) for line in c.get("/v1/feedback/export", headers=HEADERS).text.splitlines()]
    finally:
        server.cleanup()
    assert [r["verdict"] for r in rows] == ["confirmed", "false_negative"]  # nothing lost, nothing doubled


def test_bare_postgresql_url_uses_the_installed_driver() -> None:
    from grooming_detect.api.feedback import resolve_url

    assert resolve_url("postgresql://mod:pw@db.internal/feedback").drivername == "postgresql+psycopg"
    assert resolve_url("postgresql+psycopg://mod@db/feedback").drivername == "postgresql+psycopg"
    assert resolve_url("sqlite:///feedback.db").drivername == "sqlite"


def test_metrics_and_logs_never_hold_text(client: TestClient, caplog) -> None:
    canary = "CANARY-ข้อความลับ-42"
    body = {"transcripts": [{"id": "c", "messages": [{"sender": "a", "text": canary + " ส่งรูปมาหน่อย"}]}]}
    with caplog.at_level(logging.DEBUG):
        assert client.post("/v1/moderate", json=body, headers=HEADERS).status_code == 200
        client.post(
            "/v1/conversations/z/messages", json={"messages": body["transcripts"][0]["messages"]}, headers=HEADERS
        )
        bad = {"transcripts": [{"id": "c", "messages": [{"sender": "a", "text": canary * 500}]}]}
        assert client.post("/v1/moderate", json=bad, headers=HEADERS).status_code == 422
        bad_role = {"transcripts": [{"id": "c", "messages": [{"sender": "a", "text": "x", "role": canary}]}]}
        response = client.post("/v1/moderate", json=bad_role, headers=HEADERS)
        assert canary not in response.text
    metrics = client.get("/metrics", headers=HEADERS).text
    assert "grooming_detect_requests_total" in metrics and "grooming_detect_score_bucket" in metrics
    assert canary not in metrics
    from grooming_detect.api.logs import JsonFormatter

    lines = [JsonFormatter().format(r) for r in caplog.records]
    assert any('"route": "/v1/moderate"' in line for line in lines)
    assert all(canary not in line for line in lines)


def test_openapi_docs(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/v1/moderate" in spec["paths"] and "/v1/conversations/{conversation_id}/messages" in spec["paths"]
    assert "examples" in json.dumps(spec["components"]["schemas"]["ModerateRequest"])


def test_real_uvicorn_socket(scorer, tmp_path: Path, sextortion_transcript) -> None:
    with served(create_app(_settings(tmp_path), scorer=scorer)) as http:
        assert http.get("/readyz").json()["status"] == "ready"
        response = http.post("/v1/moderate", json=_body([sextortion_transcript]), headers=HEADERS)
        assert response.status_code == 200
        assert response.json()["results"][0]["id"] == sextortion_transcript.id
        assert http.post("/v1/moderate", content=b"{", headers=HEADERS).status_code == 422


def _concurrent_posts(http: httpx.Client, bodies: list[dict]) -> list[dict]:
    """POST every body at once (one thread each) and return the answers in order."""
    barrier = threading.Barrier(len(bodies))
    answers: list[dict] = [{}] * len(bodies)

    def post(i: int) -> None:
        barrier.wait()
        response = http.post("/v1/moderate", json=bodies[i], headers=HEADERS)
        assert response.status_code == 200, response.text
        answers[i] = response.json()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def _batch_counts(http: httpx.Client) -> tuple[float, float]:
    """(batches run, requests scored in them), read from the server's own /metrics."""
    values = {}
    for line in http.get("/metrics", headers=HEADERS).text.splitlines():
        if line.startswith(("grooming_detect_batch_requests_count", "grooming_detect_batch_requests_sum")):
            name, value = line.split()
            values[name] = float(value)
    return values["grooming_detect_batch_requests_count"], values["grooming_detect_batch_requests_sum"]


def test_concurrent_requests_are_scored_together_and_each_gets_its_own_answer(
    scorer, tmp_path: Path, grooming_transcript, sextortion_transcript, benign_transcript
) -> None:
    """Micro-batching: eight requests at once (different transcripts, thresholds, spans) run in fewer
    encoder batches than requests, and each answer is what the library gives for that request alone."""
    transcripts = [grooming_transcript, sextortion_transcript, benign_transcript]
    requests = [
        ([transcripts[i % 3]], None if i % 4 else {"grooming": 0.3}, i == 5)  # one with spans, two with thresholds
        for i in range(8)
    ]
    bodies = [_body(ts, **({"thresholds": th} if th else {}), return_spans=spans) for ts, th, spans in requests]
    settings = _settings(tmp_path, batch_wait_ms=200.0)  # a wide window, so the eight surely meet
    with served(create_app(settings, scorer=scorer)) as http:
        answers = _concurrent_posts(http, bodies)
        batches, scored = _batch_counts(http)
    assert scored == 8 and batches < 8
    for (ts, th, spans), answer in zip(requests, answers, strict=True):
        alone = scorer.score_batch(ts, thresholds=th, return_spans=spans)[0]
        got = answer["results"][0]
        assert got["id"] == alone.id and got["thresholds"] == alone.thresholds
        assert got["flagged"] == alone.flagged and got["first_alert_index"] == alone.first_alert_index
        for category, value in alone.category_scores.items():
            assert got["category_scores"][category] == pytest.approx(value, abs=1e-4)
        assert [len(m["spans"]) > 0 for m in got["messages"]] == [bool(m.spans) for m in alone.messages]


def test_micro_batches_respect_the_message_cap_and_can_be_turned_off(
    scorer, tmp_path: Path, grooming_transcript
) -> None:
    n = len(grooming_transcript.messages)
    bodies = [_body([grooming_transcript]) for _ in range(6)]
    capped = _settings(tmp_path, batch_wait_ms=200.0, batch_max_messages=n)  # one transcript per batch
    with served(create_app(capped, scorer=scorer)) as http:
        capped_answers = _concurrent_posts(http, bodies)
        batches, scored = _batch_counts(http)
    assert batches == scored == 6
    with served(create_app(_settings(tmp_path, micro_batching=False), scorer=scorer)) as http:
        direct = _concurrent_posts(http, bodies)
        assert "grooming_detect_batch_requests_count 0.0" in http.get("/metrics", headers=HEADERS).text
    for a, b in zip(capped_answers, direct, strict=True):
        assert a["results"][0]["category_scores"] == pytest.approx(b["results"][0]["category_scores"], abs=1e-4)


def test_the_key_is_checked_before_the_body_is_read(client: TestClient) -> None:
    """Issue 15.9: without a key, a malformed or oversized body was parsed (422, 413) before the key was
    looked at; now it is a 401 from the headers alone."""
    for raw in (b"{", b'{"transcripts": "nope"}', b"x" * (2 << 20)):
        response = client.post("/v1/moderate", content=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 401, response.text
    wrong = client.post("/v1/feedback", content=b"{", headers={"X-API-Key": "nope", "Content-Type": "application/json"})
    assert wrong.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"transcripts": [{"id": "x", "messages": _msgs(1)}], "CANARYKEY": 1},
        {"transcripts": [{"id": "x", "messages": _msgs(1)}], "thresholds": {"CANARYKEY": 0.5}},
        {"transcripts": [{"id": "x", "messages": _msgs(1)}], "thresholds": {"CANARYKEY": "high"}},
        {"transcripts": [{"id": "x", "messages": [{"sender": "a", "text": "x", "CANARYKEY": 1}]}]},
    ],
)
def test_error_bodies_never_repeat_what_the_client_named(client: TestClient, body: dict) -> None:
    """Issue 15.7: a 422 echoed invented field names and threshold keys; now it names the field path (a
    client's own key as <key>) and the rule."""
    response = client.post("/v1/moderate", json=body, headers=HEADERS)
    assert response.status_code == 422
    assert "CANARYKEY" not in response.text and "high" not in response.text
    assert all(item["loc"][0] == "body" and item["msg"] for item in response.json()["detail"])


@pytest.mark.parametrize("value", [True, "0.5", None, [0.5], 1.5, -0.1])
def test_thresholds_must_be_numbers_from_0_to_1(client: TestClient, value: object) -> None:
    """Issue 15.11: ``true`` and ``"0.5"`` were read as thresholds."""
    body = {"transcripts": [{"id": "x", "messages": _msgs(1)}], "thresholds": {"grooming": value}}
    assert client.post("/v1/moderate", json=body, headers=HEADERS).status_code == 422
    stream = {"messages": _msgs(1), "thresholds": {"grooming": value}}
    assert client.post("/v1/conversations/t/messages", json=stream, headers=HEADERS).status_code == 422
    ok = {"transcripts": [{"id": "x", "messages": _msgs(1)}], "thresholds": {"grooming": 1}}
    assert client.post("/v1/moderate", json=ok, headers=HEADERS).status_code == 200


def test_probes_answer_head(client: TestClient) -> None:
    assert client.head("/healthz").status_code == 200 and client.head("/readyz").status_code == 200


def test_hosting_headers_and_offline_docs(scorer, tmp_path: Path, benign_transcript) -> None:
    """Issue 15.13: no server banner, security headers on every answer, no-store on scores, and /docs
    served from the package's own assets (no CDN: it must work air-gapped)."""
    with served(create_app(_settings(tmp_path), scorer=scorer)) as http:
        scored = http.post("/v1/moderate", json=_body([benign_transcript]), headers=HEADERS)
        health = http.get("/healthz")
        docs = http.get("/docs")
        assets = [http.get(f"/static-offline-docs/{name}") for name in ("swagger-ui-bundle.js", "swagger-ui.css")]
    assert "server" not in scored.headers
    assert scored.headers["Cache-Control"] == "no-store" and "Cache-Control" not in health.headers
    for response in (scored, health, docs):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert scored.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert docs.status_code == 200 and "/static-offline-docs/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text
    assert all(a.status_code == 200 and len(a.content) > 10_000 for a in assets)


def test_openapi_names_the_errors_security_and_export_type(client: TestClient) -> None:
    """Issue 15.8: every protected route documents its error answers and the API-key scheme; the export
    is JSON Lines."""
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["APIKeyHeader"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "One of the server's API keys.",
    }
    for path, method in (("/v1/moderate", "post"), ("/v1/feedback", "post"), ("/v1/models", "get")):
        operation = spec["paths"][path][method]
        assert {"401", "413", "422"} <= set(operation["responses"]), path
        assert operation["security"] == [{"APIKeyHeader": []}, {"Bearer": []}]  # either one
        assert {"403", "429"} <= set(operation["responses"]) and operation["x-required-scope"], path
    assert "409" in spec["paths"]["/v1/conversations/{conversation_id}/messages"]["post"]["responses"]
    assert "404" in spec["paths"]["/v1/conversations/{conversation_id}"]["delete"]["responses"]
    assert "503" in spec["paths"]["/v1/feedback"]["post"]["responses"]
    export = spec["paths"]["/v1/feedback/export"]["get"]["responses"]["200"]["content"]
    assert list(export) == ["application/x-ndjson"]


def test_a_locked_feedback_store_does_not_stall_scoring(scorer, tmp_path: Path, benign_transcript) -> None:
    """Issue 15.4: a locked SQLite feedback file held /v1/moderate for 9 s (both used one thread pool).
    With 48 feedback requests waiting on the lock, scoring answers before any of them does."""
    import sqlite3

    database = tmp_path / "locked.db"
    settings = _settings(tmp_path, feedback_url=f"sqlite:///{database}", feedback_timeout_seconds=20.0)
    with served(create_app(settings, scorer=scorer)) as http:
        lock = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
        lock.execute("BEGIN EXCLUSIVE")
        finished: list[float] = []
        body = {"transcript_id": "t", "model_version": scorer.version, "category": "grooming", "verdict": "confirmed"}

        def send_feedback() -> None:
            http.post("/v1/feedback", json=body, headers=HEADERS)
            finished.append(time.monotonic())

        threads = [threading.Thread(target=send_feedback) for _ in range(48)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)  # let them reach the lock
        scored = http.post("/v1/moderate", json=_body([benign_transcript]), headers=HEADERS)
        scored_at = time.monotonic()
        assert scored.status_code == 200
        assert not finished, "a feedback request finished while the store was locked"
        lock.execute("ROLLBACK")
        lock.close()
        for thread in threads:
            thread.join(timeout=60)
    assert len(finished) == 48 and min(finished) > scored_at
