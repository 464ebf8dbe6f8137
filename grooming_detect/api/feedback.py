"""Moderator feedback, stored through SQLAlchemy: SQLite (WAL) by default, any URL (PostgreSQL) otherwise.

Transcript text is stored only when the caller sets ``store_content``; otherwise a row holds ids, the
verdict and the note.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timezone
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from sqlalchemy import JSON, DateTime, Integer, String, Text, create_engine, event, func, select
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

__all__ = ["FeedbackRow", "FeedbackStore", "resolve_url"]

_T = TypeVar("_T")


class _Base(DeclarativeBase):
    pass


class FeedbackRow(_Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    transcript_id: Mapped[str] = mapped_column(String(256), index=True)
    model_version: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    transcript: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def resolve_url(url: str) -> URL:
    """A bare ``postgresql://`` URL means psycopg2 to SQLAlchemy; the ``postgres`` extra installs psycopg 3.

    So a URL copied from a PostgreSQL server's docs works as it is; an explicit ``+driver`` is kept.
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres") and importlib.util.find_spec("psycopg") is not None:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


class FeedbackStore:
    """Append-only store of moderators' verdicts.

    The API calls it through :meth:`call` and :meth:`export_stream`, on threads of its own (at most
    ``threads`` at once), never on the pool that scoring uses: a locked or slow database then delays
    feedback only (a locked SQLite file used to hold /v1/moderate for 9 s, issue 15.4). Each statement
    waits at most ``timeout_s`` for a lock before failing (a 503 to the client)."""

    def __init__(self, url: str, *, threads: int = 4, timeout_s: float = 5.0) -> None:
        parsed = resolve_url(url)
        connect_args: dict[str, Any] = {"timeout": timeout_s} if parsed.get_backend_name() == "sqlite" else {}
        # pool_pre_ping: a PostgreSQL restart must not fail the next request on a dead pooled connection.
        self.engine = create_engine(parsed, future=True, pool_pre_ping=True, connect_args=connect_args)
        self._limiter = anyio.CapacityLimiter(threads)
        if self.engine.dialect.name == "sqlite":
            _sqlite_pragmas(self.engine)
        _Base.metadata.create_all(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def add(
        self,
        *,
        transcript_id: str,
        model_version: str,
        category: str,
        verdict: str,
        note: str | None,
        transcript: dict[str, Any] | None,
    ) -> FeedbackRow:
        row = FeedbackRow(
            created_at=datetime.now(timezone.utc),
            transcript_id=transcript_id,
            model_version=model_version,
            category=category,
            verdict=verdict,
            note=note,
            transcript=transcript,
        )
        with self._session.begin() as session:
            session.add(row)
        return row

    def ping(self) -> None:
        """Raise ``SQLAlchemyError`` when the store cannot be reached."""
        with self.engine.connect() as connection:
            connection.execute(select(1))

    def count(self) -> int:
        with Session(self.engine) as session:
            return int(session.scalar(select(func.count()).select_from(FeedbackRow)) or 0)

    def export_jsonl(self, batch: int = 500) -> Iterator[bytes]:
        """Every row as a JSON line (UTF-8), oldest first, for the evaluation and training tools.

        No stored row can end the export early: text that UTF-8 cannot encode (an unpaired surrogate stored
        before the API refused them) is written as its JSON escape, and a row that cannot be read at all
        becomes a line with its id and ``"error"``, so the export stays whole and says what it skipped."""
        with Session(self.engine) as session:
            for row in session.scalars(select(FeedbackRow).order_by(FeedbackRow.id).execution_options(yield_per=batch)):
                try:
                    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=timezone.utc)
                    record = {
                        "id": row.id,
                        "created_at": created.isoformat(),
                        "transcript_id": row.transcript_id,
                        "model_version": row.model_version,
                        "category": row.category,
                        "verdict": row.verdict,
                        "note": row.note,
                        "transcript": row.transcript,
                    }
                    line = json.dumps(record, ensure_ascii=False, allow_nan=False)
                except (TypeError, ValueError, AttributeError):
                    line = json.dumps({"id": row.id, "error": "this row could not be exported"})
                # "backslashreplace" writes a lone surrogate as \udxxx: valid JSON, read back as the same string
                yield (line + "\n").encode("utf-8", "backslashreplace")

    async def call(self, fn: Callable[..., _T], /, *args: Any, **kwargs: Any) -> _T:
        """Run one of this store's methods on the store's own threads."""
        return await anyio.to_thread.run_sync(lambda: fn(*args, **kwargs), limiter=self._limiter)

    async def export_stream(self, batch: int = 500) -> AsyncIterator[bytes]:
        """:meth:`export_jsonl` for a streaming response, each chunk read on the store's own threads."""
        rows = self.export_jsonl(batch)
        done = object()
        while (line := await self.call(next, rows, done)) is not done:
            yield line

    def close(self) -> None:
        self.engine.dispose()
