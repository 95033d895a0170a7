"""Builds the metrics collector of a profile: its sources and its publisher."""

from __future__ import annotations

from metrics_collector.runner import MetricsCollector
from metrics_collector.sources import make_sources
from recs_shared.publisher import make_publisher
from recs_shared.settings import MetricsCollectorSettings
from recs_shared.store import make_store


def build_collector(settings: MetricsCollectorSettings) -> MetricsCollector:
    store = make_store(settings)
    return MetricsCollector(
        make_sources(settings, store), publisher=lambda: make_publisher(settings)
    )
