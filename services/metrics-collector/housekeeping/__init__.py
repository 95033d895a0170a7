"""Housekeeping jobs of metrics-collector: artifact and orphan-model clean-up.

``register(app)`` adds their HTTP triggers to the service; ``python -m
housekeeping`` runs them from a shell. Their settings are
HousekeepingSettings (recs_shared.settings).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from recs_shared import settings
from recs_shared.settings import HousekeepingSettings
from recs_shared.store import DocumentStore, make_store


@dataclass(frozen=True)
class Context:
    config: HousekeepingSettings
    store: DocumentStore


def register(
    app: Flask,
    config: HousekeepingSettings | None = None,
    store: DocumentStore | None = None,
) -> None:
    from housekeeping.routes import blueprint

    config = config or settings.load(HousekeepingSettings)
    app.extensions["housekeeping"] = Context(config, store or make_store(config))
    app.register_blueprint(blueprint)
