"""Errors the routes raise: a 422 shaped like FastAPI's own validation errors, naming the field."""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError

__all__ = ["unprocessable"]


def unprocessable(loc: list[Any], msg: str) -> RequestValidationError:
    return RequestValidationError([{"loc": loc, "msg": msg, "type": "value_error"}])
