"""Entry point of dashboard-api: ``gunicorn main:app``."""

from dashboard_api.app import create_app

app = create_app()
