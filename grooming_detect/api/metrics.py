"""Prometheus metrics: request counts, latencies and score histograms. Never text, never ids."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["ApiMetrics"]


class ApiMetrics:
    """One registry per app, so several apps (tests) never share counters."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "grooming_detect_requests_total", "HTTP requests", ["route", "method", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "grooming_detect_request_seconds",
            "Request latency",
            ["route"],
            registry=self.registry,
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        self.scores = Histogram(
            "grooming_detect_score",
            "Conversation scores",
            ["category"],
            registry=self.registry,
            buckets=(0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0),
        )
        self.flagged = Counter(
            "grooming_detect_flagged_total", "Flagged conversations", ["category"], registry=self.registry
        )
        self.messages = Counter("grooming_detect_messages_total", "Messages scored", registry=self.registry)
        self.batch_requests = Histogram(
            "grooming_detect_batch_requests",
            "Requests scored together in one micro-batch",
            registry=self.registry,
            buckets=(1, 2, 4, 8, 16, 32, 64, 128),
        )
        self.batch_messages = Histogram(
            "grooming_detect_batch_messages",
            "Messages in one micro-batch",
            registry=self.registry,
            buckets=(1, 16, 64, 128, 256, 512, 1024, 2048, 4096),
        )
        self.conversations_dropped = Gauge(
            "grooming_detect_conversations_dropped",
            "Live conversations whose state was dropped since start (evicted: the store was full; expired: idle)",
            ["reason"],
            registry=self.registry,
        )
        self.live_conversations = Gauge(
            "grooming_detect_live_conversations", "Live streaming conversations held", registry=self.registry
        )
