"""WSGI entry point for gunicorn: `gunicorn -c backend/gunicorn.conf.py 'denoiser.serving.wsgi:app'`."""

from denoiser.serving import create_app

app = create_app()
