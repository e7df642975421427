"""WSGI entry point for gunicorn: `gunicorn -c backend/gunicorn.conf.py 'denoiser.api.wsgi:app'`."""

from denoiser.api import create_app

app = create_app()
