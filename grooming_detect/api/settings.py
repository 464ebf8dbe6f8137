"""Server settings, from the environment (prefix ``GROOMING_DETECT_``) or a ``.env`` file."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from grooming_detect.backends import Backend

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Every server setting with its default. ``GROOMING_DETECT_API_KEYS='["k1","k2"]'`` sets the keys."""

    model_config = SettingsConfigDict(env_prefix="GROOMING_DETECT_", env_file=".env", extra="ignore")

    model: str = Field("default", description="Model folder, MLflow URI (models:/grooming-detect@champion) or default.")
    backend: Backend | None = Field(
        None, description="Encoder runtime: onnx (the default), onnx-int8 (faster) or torch (the reference)."
    )
    api_keys: list[SecretStr] = Field(default_factory=list, description="Accepted X-API-Key values.")
    open_mode: bool = Field(False, description="Accept requests without an API key (local trials only).")
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
