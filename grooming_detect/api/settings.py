"""Server settings, from the environment (prefix ``GROOMING_DETECT_``) or a ``.env`` file."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from grooming_detect.api.security import ApiKey
from grooming_detect.backends import Backend

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Every server setting with its default. Keys: ``GROOMING_DETECT_KEYS_FILE=keys.yaml`` (made by
    ``grooming-detect keys new``), or ``GROOMING_DETECT_KEYS`` as JSON in the same shape."""

    model_config = SettingsConfigDict(env_prefix="GROOMING_DETECT_", env_file=".env", extra="ignore")

    model: str = Field("default", description="Model folder, MLflow URI (models:/grooming-detect@champion) or default.")
    backend: Backend | None = Field(
        None, description="Encoder runtime: onnx (the default), onnx-int8 (faster) or torch (the reference)."
    )
    keys_file: Path | None = Field(None, description="YAML file of keys: id, sha256 of the key, scopes.")
    keys: list[ApiKey] = Field(default_factory=list, description="More keys, in the keys file's shape.")
    api_keys: list[SecretStr] = Field(
        default_factory=list, description="Plain keys with every scope (older setting; prefer keys_file)."
    )
    open_mode: bool = Field(False, description="Accept requests without an API key (local trials only).")
    open_mode_remote: bool = Field(
        False, description="Let open mode bind to an address other than loopback (anyone who reaches it may call)."
    )
    rate_limit: str | None = Field(
        "1200/minute", description="Requests per key id in a moving window (limits' notation); empty: none."
    )
    request_read_timeout_seconds: float = Field(
        30.0, gt=0, le=600, description="A connection must send a whole request (headers and body) within this."
    )
    max_connections: int = Field(
        1000, ge=1, description="Most open connections; a request beyond them answers 503 at once."
    )
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = Field(1 << 20, ge=1024, description="Largest request body, chunked or not.")
    max_transcripts: int = Field(256, ge=1, description="Most transcripts in one /v1/moderate request.")
    max_messages: int = Field(2000, ge=1, description="Most messages in one transcript.")
    max_message_chars: int = Field(4000, ge=1, description="Most characters in one message.")
    stream_ttl_seconds: float = Field(3600.0, gt=0, description="Idle live conversations are forgotten after this.")
    stream_max_conversations: int = Field(10000, ge=1, description="Most live conversations kept (oldest dropped).")
    micro_batching: bool = Field(
        True, description="Score concurrent /v1/moderate requests together in one encoder batch."
    )
    batch_max_messages: int = Field(1024, ge=1, description="Most messages in one micro-batch.")
    batch_wait_ms: float = Field(
        0.0, ge=0, le=1000, description="How long an idle server holds a request for others to batch with it."
    )
    feedback_url: str = Field("sqlite:///feedback.db", description="SQLAlchemy URL of the feedback store.")
    feedback_threads: int = Field(4, ge=1, le=64, description="Threads for the feedback store (not scoring's).")
    feedback_timeout_seconds: float = Field(
        5.0, gt=0, le=300, description="How long a feedback statement waits for a database lock before a 503."
    )
    log_level: str = "INFO"
