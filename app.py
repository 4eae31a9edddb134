"""Entry point: `flask --app app ...` and `gunicorn app:app` both use this."""

from eventsapp import create_app

app = create_app()
