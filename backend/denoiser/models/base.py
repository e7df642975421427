"""What every architecture returns: an `Autoencoder`, weight-sharing Keras views of one model, on
28x28x1 inputs (`INPUT_SHAPE`). Its own module so that the VAE and the other architectures share it
without importing each other."""

from __future__ import annotations

from dataclasses import dataclass

import keras

INPUT_SHAPE = (28, 28, 1)


@dataclass
class Autoencoder:
    """Weight-sharing views of one autoencoder."""

    denoiser: keras.Model
    encoder: keras.Model
    decoder: keras.Model | None
    # What `fit` trains and its loss; the denoiser itself for deterministic models. A VAE trains a model
    # that samples its code and adds beta * KL (vae.py), and serves `denoiser` (decoder of the mean).
    trainer: keras.Model | None = None
    loss: str | dict = "mse"
    # Extra signature: images -> {"latent", "log_variance"} for models with a posterior (the VAE).
    posterior: keras.Model | None = None
    # Layers an extension adds to its base architecture (unet-class to unet): new when fine-tuning from the base.
    fresh_layers: tuple[str, ...] = ()

    @property
    def training_model(self) -> keras.Model:
        """The model `fit` compiles and trains."""
        return self.trainer or self.denoiser
