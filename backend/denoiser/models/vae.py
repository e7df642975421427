"""The variational autoencoder (Kingma and Welling, "Auto-Encoding Variational Bayes").

A convolutional encoder maps a (noisy) digit to the mean and log-variance of a diagonal Gaussian
posterior over a D-dimensional code; training samples the code with the reparameterisation trick and
minimises the per-pixel binary cross-entropy against the *clean* digit plus `beta` times the KL
divergence to the standard normal prior (both per pixel, so `beta` = 1 is the evidence bound divided by
784). Served: `denoise` decodes the mean, `encode` returns the mean (and `posterior` its log-variance),
`decode` maps any code to a digit, so points of the latent map can be turned back into images.
"""

from __future__ import annotations

import keras
from keras import layers, ops

from denoiser.models.base import INPUT_SHAPE, Autoencoder

PIXELS = 28 * 28


class Sample(layers.Layer):
    """z = mean + exp(log_variance / 2) * eps, eps ~ N(0, 1): the reparameterisation trick."""

    def __init__(self, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mean, log_variance = inputs
        eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_variance) * eps


class KLDivergence(layers.Layer):
    """Adds beta * KL(q(z|x) || N(0, I)) / 784 to the loss (the evidence bound's prior term, per pixel)."""

    def __init__(self, beta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.beta = beta

    def call(self, inputs):
        mean, log_variance = inputs
        kl = -0.5 * ops.sum(1.0 + log_variance - ops.square(mean) - ops.exp(log_variance), axis=-1)
        self.add_loss(self.beta * ops.mean(kl) / PIXELS)
        return mean


def build_vae(latent_dim: int = 16, width: int = 32, beta: float = 1.0) -> Autoencoder:
    """Conv encoder (width, 2*width, stride 2) -> mean, log-variance; Dense -> ConvTranspose decoder."""
    images = keras.Input(shape=INPUT_SHAPE, name="images")
    x = layers.Conv2D(width, 3, strides=2, padding="same", activation="gelu", name="enc14")(images)
    x = layers.Conv2D(2 * width, 3, strides=2, padding="same", activation="gelu", name="enc7")(x)
    x = layers.Dense(256, activation="gelu", name="enc_dense")(layers.Flatten()(x))
    mean = layers.Dense(latent_dim, name="latent")(x)
    # Bounded so exp() cannot overflow on inputs far from the training data (a photo, a letter).
    log_variance = layers.Dense(latent_dim, name="log_variance_raw")(x)
    log_variance = layers.Lambda(lambda v: ops.clip(v, -12.0, 8.0), name="log_variance")(log_variance)
    posterior = keras.Model(images, [mean, log_variance], name="vae_posterior")
    encoder = keras.Model(images, mean, name="vae_encoder")

    latent_in = keras.Input(shape=(latent_dim,), name="latent")
    y = layers.Dense(256, activation="gelu", name="dec_dense")(latent_in)
    y = layers.Dense(7 * 7 * 2 * width, activation="gelu", name="dec_7")(y)
    y = layers.Reshape((7, 7, 2 * width))(y)
    y = layers.Conv2DTranspose(2 * width, 3, strides=2, padding="same", activation="gelu", name="dec14")(y)
    y = layers.Conv2DTranspose(width, 3, strides=2, padding="same", activation="gelu", name="dec28")(y)
    decoded = layers.Conv2D(1, 3, padding="same", activation="sigmoid", name="pixels")(y)
    decoder = keras.Model(latent_in, decoded, name="vae_decoder")

    noisy = keras.Input(shape=INPUT_SHAPE, name="images")
    z_mean, z_log_variance = posterior(noisy)
    z_mean = KLDivergence(beta, name="kl")([z_mean, z_log_variance])  # identity on the mean, adds the loss
    trainer = keras.Model(noisy, decoder(Sample(name="sample")([z_mean, z_log_variance])), name="vae_trainer")
    denoiser = keras.Model(images, decoder(encoder(images)), name="vae")
    return Autoencoder(denoiser, encoder, decoder, trainer=trainer, loss="binary_crossentropy",
                       posterior=posterior)
