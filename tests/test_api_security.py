"""Who may call what (issue 15.5), rate limits, request ids (15.10), open mode's bind address and slow
clients (15.6), against the real app and, where connections matter, a real uvicorn socket."""

from __future__ import annotations

import logging
import socket
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from livehttp import served

from grooming_detect.api.app import create_app
from grooming_detect.api.security import SCOPES, ApiKey, KeysFileError, hash_key
from grooming_detect.api.server import check_bind
from grooming_detect.api.settings import Settings
from grooming_detect.cli import main

KEYS = {scope: f"key-for-{scope.replace(':', '-')}-0123456789" for scope in SCOPES}
OTHER_SCORER = "another-scoring-client-0123456789"


def _keys() -> list[ApiKey]:
    keys = [
        ApiKey(id=f"k-{scope.replace(':', '-')}", sha256=hash_key(key), scopes=[scope]) for scope, key in KEYS.items()
    ]
    return [*keys, ApiKey(id="k-other", sha256=hash_key(OTHER_SCORER), scopes=["score"])]


def _settings(tmp_path: Path, **overrides) -> Settings:
    values = {"keys": _keys(), "feedback_url": f"sqlite:///{tmp_path / 'feedback.db'}", **overrides}
    return Settings(**values)


@pytest.fixture
def client(scorer, tmp_path: Path):
    with TestClient(create_app(_settings(tmp_path), scorer=scorer)) as c:
        yield c


def _msg(text: str = "สวัสดีครับ") -> dict:
    return {"sender": "a", "text": text}


def _endpoints(version: str) -> list[tuple[str, str, dict | None, str, set[int]]]:
    """(method, path, body, scope it needs, statuses of success) for every endpoint that needs a key."""
    feedback = {"transcript_id": "t", "model_version": version, "category": "grooming", "verdict": "confirmed"}
    return [
        ("GET", "/v1/models", None, "score", {200}),
        ("POST", "/v1/moderate", {"transcripts": [{"id": "t", "messages": [_msg()]}]}, "score", {200}),
        ("POST", "/v1/conversations/c1/messages", {"messages": [_msg()]}, "score", {200}),
        ("DELETE", "/v1/conversations/never-made", None, "score", {404}),
        ("POST", "/v1/feedback", feedback, "feedback:write", {201}),
        ("GET", "/v1/feedback/export", None, "feedback:read", {200}),
        ("GET", "/metrics", None, "metrics", {200}),
    ]


def test_access_control_matrix(client: TestClient, scorer) -> None:
    """Every endpoint x every scope x no key / a wrong key: 401 without a valid key, 403 without the
    endpoint's scope, the endpoint's own answer with it (or with admin); both ways of sending the key."""
    checked = 0
    for method, path, body, needed, ok in _endpoints(scorer.version):
        for headers in ({}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
            response = client.request(method, path, json=body, headers=headers)
            assert response.status_code == 401, (method, path, headers)
            assert "wrong" not in response.text
        for scope, key in KEYS.items():
            for headers in ({"X-API-Key": key}, {"Authorization": f"Bearer {key}"}):
                response = client.request(method, path, json=body, headers=headers)
                allowed = scope in (needed, "admin")
                expected = ok if allowed else {403}
                assert response.status_code in expected, (method, path, scope, response.status_code)
                if not allowed:
                    assert needed in response.json()["detail"] and key not in response.text
                checked += 1
    assert checked == 7 * 5 * 2


def test_probes_and_docs_need_no_key(client: TestClient) -> None:
    for path in ("/healthz", "/readyz", "/openapi.json", "/docs"):
        assert client.get(path).status_code == 200, path


def test_openapi_names_each_operations_scope(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    found = {
        (method.upper(), path): op.get("x-required-scope")
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
    }
    for method, path, _, needed, _ in _endpoints("0"):
        path = path.replace("c1", "{conversation_id}").replace("never-made", "{conversation_id}")
        assert found[(method, path)] == needed
    assert spec["components"]["securitySchemes"]["Bearer"]["scheme"] == "bearer"


def test_a_live_conversation_belongs_to_the_key_that_made_it(client: TestClient) -> None:
    """Another key can neither extend, read nor end a conversation: the same id is its own, separate one."""
    owner, other = {"X-API-Key": KEYS["score"]}, {"X-API-Key": OTHER_SCORER}
    path = "/v1/conversations/shared-id/messages"
    assert len(client.post(path, json={"messages": [_msg(), _msg()]}, headers=owner).json()["messages"]) == 2
    theirs = client.post(path, json={"messages": [_msg()]}, headers=other)
    assert theirs.status_code == 200 and len(theirs.json()["messages"]) == 1  # a new conversation of its own
    assert client.delete("/v1/conversations/shared-id", headers=other).status_code == 204  # ends its own only
    assert client.delete("/v1/conversations/shared-id", headers=other).status_code == 404
    mine = client.post(path, json={"messages": [_msg()]}, headers=owner)
    assert len(mine.json()["messages"]) == 3  # the owner's conversation went on untouched


def test_logs_name_the_key_id_never_the_key(client: TestClient, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="grooming_detect.api"):
        client.get("/v1/models", headers={"X-API-Key": KEYS["score"]})
        client.get("/v1/models", headers={"X-API-Key": "a-wrong-key-CANARY"})
    logged = [r for r in caplog.records if r.getMessage() == "request"]
    assert [getattr(r, "key_id", None) for r in logged] == ["k-score", None]
    text = "\n".join(str(r.__dict__) for r in caplog.records)
    assert KEYS["score"] not in text and "CANARY" not in text


def test_keys_file_from_the_cli_holds_only_hashes(scorer, tmp_path: Path, capsys) -> None:
    path = tmp_path / "keys.yaml"
    assert (
        main(["keys", "new", "--id", "moderation-ui", "--scopes", "score,feedback:write", "--keys-file", str(path)])
        == 0
    )
    first = capsys.readouterr().out.strip()
    assert main(["keys", "new", "--id", "exporter", "--scopes", "feedback:read", "--keys-file", str(path)]) == 0
    second = capsys.readouterr().out.strip()
    stored = path.read_text(encoding="utf-8")
    assert first not in stored and second not in stored and hash_key(first) in stored
    assert main(["keys", "new", "--id", "exporter", "--keys-file", str(path)]) == 2  # ids are unique
    assert main(["keys", "new", "--id", "x", "--scopes", "everything"]) == 2
    settings = Settings(keys_file=path, feedback_url=f"sqlite:///{tmp_path / 'f.db'}")
    with TestClient(create_app(settings, scorer=scorer)) as c:
        assert c.get("/v1/models", headers={"X-API-Key": first}).status_code == 200
        assert c.get("/v1/feedback/export", headers={"X-API-Key": first}).status_code == 403
        assert c.get("/v1/feedback/export", headers={"X-API-Key": second}).status_code == 200


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("keys: [{id: a, sha256: abc, scopes: [score]}]", "keys.0.sha256"),
        (f"keys: [{{id: a, sha256: {'a' * 64}, scopes: [root]}}]", "keys.0.scopes.0"),
        (f"keys: [{{id: a, sha256: {'a' * 64}, scopes: [score], key: plain}}]", "keys.0.key"),
        ("keys: [", "not YAML"),
        (
            f"keys: [{{id: a, sha256: {'a' * 64}, scopes: [score]}}, {{id: a, sha256: {'b' * 64}, scopes: [score]}}]",
            "repeated: a",
        ),
    ],
)
def test_a_bad_keys_file_stops_the_server_naming_the_rule(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KeysFileError, match=r"keys\.yaml|unique") as info:
        create_app(Settings(keys_file=path, feedback_url="sqlite://"))
    assert needle in str(info.value)


def test_rate_limit_per_key_is_429_with_retry_after(scorer, tmp_path: Path) -> None:
    with TestClient(create_app(_settings(tmp_path, rate_limit="3/minute"), scorer=scorer)) as c:
        codes = [c.get("/v1/models", headers={"X-API-Key": KEYS["score"]}).status_code for _ in range(4)]
        refused = c.get("/v1/models", headers={"X-API-Key": KEYS["score"]})
        other = c.get("/v1/models", headers={"X-API-Key": OTHER_SCORER})
    assert codes == [200, 200, 200, 429] and refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60 and "k-score" in refused.json()["detail"]
    assert other.status_code == 200  # limits are per key


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("req-123.abc_X", True), ("x" * 64, True), ("x" * 65, False), ("ค่า", False), ("a b", False), ("é", False)],
)
def test_request_ids_are_kept_only_when_safe(client: TestClient, sent: str, kept: bool) -> None:
    """Issue 15.10: a client's X-Request-ID is echoed and logged, so only a bounded, safe pattern is kept."""
    raw = sent.encode("utf-8")
    answer = client.get("/healthz", headers={"X-Request-ID": raw}).headers["X-Request-ID"]
    assert (answer == sent) is kept
    assert kept or (len(answer) == 32 and answer.isalnum())


def test_open_mode_binds_to_loopback_unless_told(caplog) -> None:
    open_settings = Settings(open_mode=True)
    for host in ("127.0.0.1", "::1", "localhost"):
        check_bind(open_settings, host)
    with pytest.raises(SystemExit, match=r"127\.0\.0\.1 only"):
        check_bind(open_settings, "0.0.0.0")
    check_bind(Settings(keys=_keys()), "0.0.0.0")  # keys: any address
    with caplog.at_level(logging.WARNING, logger="grooming_detect.api"):
        check_bind(Settings(open_mode=True, open_mode_remote=True), "0.0.0.0")
    assert any("non-loopback" in r.getMessage() for r in caplog.records)


def _port(http) -> int:
    return int(str(http.base_url).rsplit(":", 1)[1].strip("/"))


def _seconds_until_closed(sock: socket.socket, trickle: bytes, every_s: float, limit_s: float) -> float:
    """Send ``trickle`` one byte at a time; how long until the server closes the connection."""
    start = time.monotonic()
    sock.settimeout(every_s)
    for byte in trickle * 1000:
        try:
            sock.sendall(bytes([byte]))
            if sock.recv(1024) == b"":
                break
        except TimeoutError:
            pass
        except (BrokenPipeError, ConnectionResetError):
            break
        if time.monotonic() - start > limit_s:
            break
    return time.monotonic() - start


def test_slow_clients_are_cut_and_idle_connections_do_not_stop_scoring(scorer, tmp_path: Path) -> None:
    """Issue 15.6: headers or a body sent a byte at a time used to hold a connection for ever. Each
    request must arrive whole within the read timeout (2 s here, 30 s by default); 200 idle connections
    leave scoring working."""
    settings = _settings(tmp_path, request_read_timeout_seconds=2.0)
    with served(create_app(settings, scorer=scorer)) as http:
        port = _port(http)
        with socket.create_connection(("127.0.0.1", port)) as slow_headers:
            took = _seconds_until_closed(slow_headers, b"GET /healthz HTTP/1.1\r\nX-Pad: ", 0.3, 15)
        assert 1.5 < took < 6
        head = f"POST /v1/moderate HTTP/1.1\r\nHost: x\r\nX-API-Key: {KEYS['admin']}\r\n"
        head += "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        with socket.create_connection(("127.0.0.1", port)) as slow_body:
            slow_body.sendall(head.encode())
            took = _seconds_until_closed(slow_body, b'{"transcripts": [', 0.3, 15)
        assert took < 6
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(200)]
        try:
            start = time.monotonic()
            body = {"transcripts": [{"id": "t", "messages": [_msg()]}]}
            answer = http.post("/v1/moderate", json=body, headers={"X-API-Key": KEYS["score"]})
            assert answer.status_code == 200 and time.monotonic() - start < 10
        finally:
            for sock in idle:
                sock.close()


def test_connections_beyond_the_cap_get_503_at_once(scorer, tmp_path: Path) -> None:
    with served(create_app(_settings(tmp_path, max_connections=4), scorer=scorer)) as http:
        idle = [socket.create_connection(("127.0.0.1", _port(http))) for _ in range(6)]
        try:
            time.sleep(0.2)
            import httpx

            with httpx.Client(base_url=str(http.base_url), timeout=10) as fresh:
                assert fresh.get("/healthz").status_code == 503
        finally:
            for sock in idle:
                sock.close()
        time.sleep(0.2)
        with httpx.Client(base_url=str(http.base_url), timeout=10) as fresh:
            assert fresh.get("/healthz").status_code == 200
