"""Entry point of web: ``gunicorn main:app``."""

from web_app.app import create_app

app = create_app()
