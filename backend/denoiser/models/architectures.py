"""The autoencoder family, as Keras Functional models.

Every architecture returns a `Autoencoder` of three models sharing weights: `denoiser`
(images -> images), `encoder` (images -> latent [N, D]) and, for pure bottleneck models,
`decoder` (latent -> images). Outputs are linear; the exported signatures clip them to [0, 1]
(a sigmoid + MSE U-Net can collapse to all-zero output in Keras 3, see DESIGN.md).
"""

from __future__ import annotations

import keras
from keras import layers

from denoiser.models.base import INPUT_SHAPE, Autoencoder
from denoiser.models.unet import LEARNS_THE_CLASS, build_unet, build_unet_class  # noqa: F401 (training's)
from denoiser.models.vae import build_vae

ARCHITECTURES = ("unet", "unet-class", "dense", "conv", "conv-bn", "conv-deep", "conv-pool", "sparse", "vae")
DEFAULT_ARCH = "unet"


def _bottleneck(encoder_in: keras.Input, latent: keras.KerasTensor, decoder_fn, name: str) -> Autoencoder:
    """Build encoder/decoder/denoiser for a model whose only path runs through `latent`."""
    encoder = keras.Model(encoder_in, latent, name=f"{name}_encoder")
    latent_in = keras.Input(shape=latent.shape[1:], name="latent")
    decoder = keras.Model(latent_in, decoder_fn(latent_in), name=f"{name}_decoder")
    images = keras.Input(shape=INPUT_SHAPE, name="images")
    denoiser = keras.Model(images, decoder(encoder(images)), name=name)
    return Autoencoder(denoiser, encoder, decoder)


def build_dense(latent_dim: int = 128, hidden: int = 256, l1: float = 0.0, name: str = "dense") -> Autoencoder:
    """784-256-D-256-784 fully connected autoencoder (EE5179 report); `l1` adds a sparsity penalty."""
    images = keras.Input(shape=INPUT_SHAPE, name="images")
    x = layers.Flatten()(images)
    x = layers.Dense(hidden, activation="relu")(x)
    regularizer = keras.regularizers.L1(l1) if l1 else None
    latent = layers.Dense(latent_dim, activation="relu", activity_regularizer=regularizer, name="latent")(x)

    def decode(z):
        y = layers.Dense(hidden, activation="relu")(z)
        y = layers.Dense(784)(y)
        return layers.Reshape(INPUT_SHAPE)(y)

    return _bottleneck(images, latent, decode, name)


def build_sparse(latent_dim: int = 128, l1: float = 1e-5) -> Autoencoder:
    """The dense autoencoder with an L1 activity penalty on the code (EE5179 report)."""
    return build_dense(latent_dim, l1=l1, name="sparse")


def build_conv(latent_dim: int = 128) -> Autoencoder:
    """Strided Conv2D 32/64 -> Dense D -> Conv2DTranspose (DL-project report)."""
    images = keras.Input(shape=INPUT_SHAPE, name="images")
    x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(images)
    x = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(x)
    latent = layers.Dense(latent_dim, name="latent")(layers.Flatten()(x))

    def decode(z):
        y = layers.Dense(7 * 7 * 64, activation="relu")(z)
        y = layers.Reshape((7, 7, 64))(y)
        y = layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(y)
        y = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(y)
        return layers.Conv2D(1, 3, padding="same")(y)

    return _bottleneck(images, latent, decode, "conv")


def build_conv_bn(latent_dim: int = 128) -> Autoencoder:
    """Conv+BatchNorm encoder to D, Dense 3136 -> Conv/UpSampling/BatchNorm decoder (ML-assignment report)."""
    images = keras.Input(shape=INPUT_SHAPE, name="images")
    x = images
    for filters in (32, 64):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = layers.BatchNormalization()(x)
        x = layers.MaxPooling2D(2)(x)
    latent = layers.Dense(latent_dim, activation="relu", name="latent")(layers.Flatten()(x))

    def decode(z):
        y = layers.Dense(3136, activation="relu")(z)
        y = layers.Reshape((7, 7, 64))(y)
        for filters in (64, 32):
            y = layers.Conv2D(filters, 3, padding="same", activation="relu")(y)
            y = layers.BatchNormalization()(y)
            y = layers.UpSampling2D(2)(y)
        return layers.Conv2D(1, 3, padding="same")(y)

    return _bottleneck(images, latent, decode, "conv_bn")


def build_conv_deep(latent_dim: int = 128) -> Autoencoder:
    """The DL-project report's deeper variant: strided Conv2D 32/64/128 with LeakyReLU -> Dense D -> Dense
    7x7x128 -> Conv2DTranspose 64/32 with LeakyReLU -> 1 channel. The report's last transpose had stride 2,
    which makes 56x56 images; here it has stride 1 so the output is 28x28."""
    images = keras.Input(shape=INPUT_SHAPE, name="images")
    x = images
    for filters in (32, 64, 128):
        x = layers.LeakyReLU()(layers.Conv2D(filters, 3, strides=2, padding="same")(x))
    latent = layers.Dense(latent_dim, name="latent")(layers.Flatten()(x))

    def decode(z):
        y = layers.Reshape((7, 7, 128))(layers.Dense(7 * 7 * 128)(z))
        for filters in (64, 32):
            y = layers.LeakyReLU()(layers.Conv2DTranspose(filters, 3, strides=2, padding="same")(y))
        return layers.Conv2DTranspose(1, 3, padding="same")(y)

    return _bottleneck(images, latent, decode, "conv_deep")


def build_conv_pool(latent_dim: int = 128) -> Autoencoder:
    """EE5179's pooling/unpooling network: Conv2D 8-16-16 each followed by 2x2 max pooling (28 -> 4), a
    4x4xC code (C = latent_dim / 16, so 256 gives the report's 16 channels and 128 the Keras blog's 8),
    then Conv2D + UpSampling2D back to 28x28 (the report's layer table is cut off after the second
    upsampling; the rest follows the Keras convolutional-autoencoder pattern it matches: a valid 3x3
    convolution takes 16x16 to 14x14 before the last upsampling)."""
    if latent_dim % 16:
        raise ValueError(f"conv-pool's code is a 4x4 map: latent_dim must be a multiple of 16, got {latent_dim}")
    channels = latent_dim // 16
    images = keras.Input(shape=INPUT_SHAPE, name="images")
    x = images
    for filters in (8, 16, 16):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D(2, padding="same")(x)
    x = layers.Conv2D(channels, 3, padding="same", activation="relu")(x)
    latent = layers.Flatten(name="latent")(x)

    def decode(z):
        y = layers.Reshape((4, 4, channels))(z)
        y = layers.Conv2D(16, 3, padding="same", activation="relu")(y)
        y = layers.UpSampling2D(2)(y)  # 8x8
        y = layers.Conv2D(16, 3, padding="same", activation="relu")(y)
        y = layers.UpSampling2D(2)(y)  # 16x16
        y = layers.Conv2D(16, 3, activation="relu")(y)  # valid: 14x14
        y = layers.UpSampling2D(2)(y)  # 28x28
        return layers.Conv2D(1, 3, padding="same")(y)

    return _bottleneck(images, latent, decode, "conv_pool")


def build(arch: str, latent_dim: int = 128, width: int = 32, beta: float = 1.0) -> Autoencoder:
    """Build the named architecture (see ARCHITECTURES) with a `latent_dim`-sized code (`beta`: VAE only)."""
    if latent_dim < 2:
        raise ValueError(f"latent_dim must be at least 2, got {latent_dim}")
    if arch == "unet":
        return build_unet(latent_dim, width)
    if arch == "unet-class":
        return build_unet_class(latent_dim, width)
    if arch == "vae":
        return build_vae(latent_dim, width, beta)
    builders = {"dense": build_dense, "conv": build_conv, "conv-bn": build_conv_bn, "conv-deep": build_conv_deep,
                "conv-pool": build_conv_pool, "sparse": build_sparse}
    if arch not in builders:
        raise ValueError(f"unknown architecture {arch!r}; choose one of {', '.join(ARCHITECTURES)}")
    return builders[arch](latent_dim)
