"""Structured JSON logs: request id, route, status, counts, latency, model version. Never message text."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

__all__ = ["LOGGER_NAME", "JsonFormatter", "configure_logging", "log_event"]

LOGGER_NAME = "grooming_detect.api"
_FIELDS = (
    "request_id",
    "method",
    "route",
    "status",
    "latency_ms",
    "transcripts",
    "messages",
    "flagged",
    "model_version",
    "backend",
    "conversations",
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with only whitelisted fields (so text cannot slip in through ``extra``)."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "event": record.getMessage(),
        }
        payload.update({k: getattr(record, k) for k in _FIELDS if hasattr(record, k)})
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> logging.Logger:
    logger = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    logger.setLevel(level.upper())
    logger.propagate = True
    return logger


def log_event(event: str, level: int = logging.INFO, **fields: Any) -> None:
    logging.getLogger(LOGGER_NAME).log(level, event, extra=fields)
