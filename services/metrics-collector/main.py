"""Entry point of metrics-collector: ``gunicorn main:app``."""

from metrics_collector.app import create_app

app = create_app()
