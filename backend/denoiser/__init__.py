"""Digit-image denoiser: data, noise, models, training, export, evaluation and the HTTP API."""

__version__ = "0.1.0"
