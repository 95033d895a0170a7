"""Entry point of billing-collector: ``gunicorn main:app``."""

from billing_collector.app import create_app

app = create_app()
