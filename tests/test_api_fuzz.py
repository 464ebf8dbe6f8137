"""schemathesis against the live server, from its own OpenAPI document (issue 15): valid and invalid
requests to every operation, checked for server errors, answers that break the document (status, media
type, schema, headers) and error answers that repeat what the client sent. Hypothesis is derandomized,
so a run is reproducible and bounded: a few hundred cases in the fast tier, over 2,000 in the full one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from livehttp import served
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from grooming_detect.api.app import create_app
from grooming_detect.api.security import ApiKey, hash_key
from grooming_detect.api.settings import Settings

KEY = "fuzz-key-0123456789abcdef"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture(scope="module")
def live(scorer, tmp_path_factory) -> Iterator[tuple[httpx.Client, dict[str, Any]]]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    config = Settings(
        keys=[ApiKey(id="fuzz", sha256=hash_key(KEY), scopes=["admin"])],
        feedback_url=f"sqlite:///{folder / 'feedback.db'}",
        rate_limit=None,  # the limiter is tested on its own; here it would only turn cases into 429s
        stream_max_conversations=64,
    )
    with served(create_app(config, scorer=scorer)) as http:
        yield http, http.get("/openapi.json").json()


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _echoed(case: Any, response: httpx.Response, vocabulary: str) -> list[str]:
    """Strings the client sent (6+ characters, not words of the API's own document) that an error repeats."""
    if response.status_code < 400:
        return []
    sent = [case.body, case.query, case.path_parameters]
    return [s for s in set(_strings(sent)) if len(s) >= 6 and s not in vocabulary and s in response.text]


def _runner(operation: Any, mode: GenerationMode, body: Any, examples: int) -> Any:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        body(case)

    return run


def _fuzz(live: tuple[httpx.Client, dict[str, Any]], per_operation: int) -> dict[str, int]:
    http, spec = live
    schema = schemathesis.openapi.from_dict(spec)
    vocabulary = json.dumps(spec, ensure_ascii=False)
    base_url = str(http.base_url).rstrip("/")
    counts: dict[str, int] = {}
    problems: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        modes = [GenerationMode.POSITIVE]
        if operation.body or any(True for _ in operation.iter_parameters()):
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:
            label = f"{operation.label} {mode.value}"
            counts[label] = 0

            def _one(case: Any, label: str) -> None:
                counts[label] += 1
                response = case.call(base_url=base_url, headers={"X-API-Key": KEY}, timeout=120)
                try:
                    case.validate_response(response, checks=CHECKS)
                except BaseException as exc:
                    problems.append(f"{label}: {type(exc).__name__}: {str(exc)[:300]}")
                if _echoed(case, response, vocabulary):
                    problems.append(f"{label}: answer {response.status_code} repeats client input")

            _runner(operation, mode, lambda case, label=label: _one(case, label), per_operation)()
    assert not problems, "\n".join(sorted(set(problems))[:20])
    return counts


def test_fuzz_fast_tier(live) -> None:
    counts = _fuzz(live, per_operation=25)
    assert sum(counts.values()) >= 200, counts


@pytest.mark.slow
def test_fuzz_full_tier(live) -> None:
    counts = _fuzz(live, per_operation=160)
    assert sum(counts.values()) >= 2000, counts
