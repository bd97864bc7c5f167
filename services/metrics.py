"""Prometheus metrics of the running assistant (served by the web server at `GET /metrics`).

Defined here, below the conversation core and the delivery path, so that the router, the reminders
and the evidence store can count without knowing about HTTP. One process, one registry: several
`App`s in one test process share the counters, so tests compare before/after values.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)

MESSAGES = Counter(
    "cchc_messages_handled", "Incoming chat messages handled by the engine", ["channel", "intent"], registry=REGISTRY
)
ENGINE_LATENCY = Histogram(
    "cchc_engine_latency_seconds", "Time from a message entering the router to its replies",
    buckets=(0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0), registry=REGISTRY,
)
REMINDERS = Counter(
    "cchc_reminders", "Reminder deliveries by outcome (sent, failed, retried)", ["outcome"], registry=REGISTRY
)
RATE_LIMITED = Counter(
    "cchc_rate_limited", "Answers «429 Too Many Requests» from a messenger", ["channel"], registry=REGISTRY
)
EVIDENCE_BYTES = Counter("cchc_evidence_bytes_stored", "Bytes of evidence files stored", registry=REGISTRY)

for _outcome in ("sent", "failed", "retried"):
    REMINDERS.labels(_outcome)  # present at 0 from the start: a dashboard sees the series
for _channel in ("telegram", "zalo"):
    RATE_LIMITED.labels(_channel)


def render() -> tuple[bytes, str]:
    """The exposition text and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
