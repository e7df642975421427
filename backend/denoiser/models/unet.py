"""The U-Nets: the default denoiser, and the class-guided one whose decoder draws the class a reader of noisy
digits picks (issue 33: a denoiser that commits to one digit instead of blending two)."""

from __future__ import annotations

import keras
from keras import layers, ops

from denoiser.models.base import INPUT_SHAPE, Autoencoder

LEARNS_THE_CLASS = ("unet-class",)  # architectures whose training also needs the labels
READER_WIDTH = 48  # channels of the reader's first block (then 96, 192): 1.1 M parameters


def _conv_block(x, filters: int, name: str):
    x = layers.Conv2D(filters, 3, padding="same", activation="gelu", name=f"{name}_a")(x)
    return layers.Conv2D(filters, 3, padding="same", activation="gelu", name=f"{name}_b")(x)


def build_unet(latent_dim: int = 128, width: int = 32) -> Autoencoder:
    """The default: a residual U-Net whose deepest level passes through a Dense D-dim code.

    28x28 and 14x14 features reach the decoder through skip connections, the 7x7 level only
    through the code, which `encode` returns. The network predicts a correction added to
    the input, so a clean digit comes back nearly unchanged.
    """
    images = keras.Input(shape=INPUT_SHAPE, name="images")
    skip28 = _conv_block(images, width, "enc28")
    x = layers.Conv2D(2 * width, 3, strides=2, padding="same", activation="gelu", name="down14")(skip28)
    skip14 = _conv_block(x, 2 * width, "enc14")
    x = layers.Conv2D(4 * width, 3, strides=2, padding="same", activation="gelu", name="down7")(skip14)
    x = layers.Conv2D(4 * width, 3, padding="same", activation="gelu", name="enc7")(x)
    latent = layers.Dense(latent_dim, name="latent")(layers.Flatten()(x))
    y = layers.Dense(7 * 7 * 2 * width, activation="gelu", name="from_latent")(latent)
    y = layers.Reshape((7, 7, 2 * width))(y)
    y = layers.Conv2DTranspose(2 * width, 3, strides=2, padding="same", activation="gelu", name="up14")(y)
    y = _conv_block(layers.Concatenate()([y, skip14]), 2 * width, "dec14")
    y = layers.Conv2DTranspose(width, 3, strides=2, padding="same", activation="gelu", name="up28")(y)
    y = _conv_block(layers.Concatenate()([y, skip28]), width, "dec28")
    correction = layers.Conv2D(1, 1, name="correction")(y)
    output = layers.Add(name="denoised")([images, correction])
    denoiser = keras.Model(images, output, name="unet")
    encoder = keras.Model(images, latent, name="unet_encoder")
    return Autoencoder(denoiser, encoder, None)


def build_reader(width: int = READER_WIDTH, classes: int = 10) -> keras.Model:
    """A classifier of noisy digits: three batch-normalised blocks of two 3x3 convolutions, then two dense
    layers with dropout; images -> class probabilities."""
    images = keras.Input(shape=INPUT_SHAPE, name="images")
    x = images
    for block, channels in enumerate((width, 2 * width, 4 * width)):
        for step in "ab":
            x = layers.Conv2D(channels, 3, padding="same", use_bias=False, name=f"reader_conv{block}{step}")(x)
            x = layers.Activation("relu")(layers.BatchNormalization(name=f"reader_norm{block}{step}")(x))
        x = layers.MaxPooling2D()(x)
    x = layers.Dropout(0.3)(layers.Flatten()(x))
    x = layers.Dropout(0.3)(layers.Dense(256, activation="relu", name="reader_dense")(x))
    return keras.Model(images, layers.Dense(classes, activation="softmax", name="reader_classes")(x), name="reader")


def build_unet_class(latent_dim: int = 128, width: int = 32, classes: int = 10) -> Autoencoder:
    """The class-guided U-Net: a reader of noisy digits (`build_reader`) picks one class, and its one-hot is
    added into the decoder at 7x7, 14x14 and 28x28, so the U-Net draws that digit instead of a blend of two.

    Training forces the true class on the decoder (the `class` input, with a few random swaps from the input
    pipeline so that a clean digit's own evidence still wins) while the reader learns the labels from the
    same noisy images under random small rotations and zooms; serving feeds the reader's argmax. The class
    layers start at zero, so fine-tuning from a U-Net (`--init-from`) starts from its answers. `denoise` and
    `encode` keep the U-Net's contract (the code is the U-Net's)."""
    plain = build_unet(latent_dim, width)
    layer = {each.name: each for each in plain.denoiser.layers}
    reader = build_reader(classes=classes)
    at7 = layers.Dense(7 * 7 * 2 * width, kernel_initializer="zeros", name="class_at_7")
    at14 = layers.Dense(2 * width, kernel_initializer="zeros", name="class_at_14")
    at28 = layers.Dense(width, kernel_initializer="zeros", name="class_at_28")

    def draw(images, one_hot):
        skip28 = layer["enc28_b"](layer["enc28_a"](images))
        skip14 = layer["enc14_b"](layer["enc14_a"](layer["down14"](skip28)))
        latent = layer["latent"](layers.Flatten()(layer["enc7"](layer["down7"](skip14))))
        y = layers.Reshape((7, 7, 2 * width))(layer["from_latent"](latent) + at7(one_hot))
        y = layer["up14"](y) + layers.Reshape((1, 1, 2 * width))(at14(one_hot))
        y = layer["dec14_b"](layer["dec14_a"](layers.Concatenate()([y, skip14])))
        y = layer["up28"](y) + layers.Reshape((1, 1, width))(at28(one_hot))
        y = layer["dec28_b"](layer["dec28_a"](layers.Concatenate()([y, skip28])))
        return layers.Add(name="denoised")([images, layer["correction"](y)])

    images = keras.Input(shape=INPUT_SHAPE, name="images")
    read = reader(images)  # the most probable class as a one-hot (equality, not one_hot: TFLite has no BitwiseAnd)
    picked = ops.cast(ops.equal(read, ops.max(read, axis=-1, keepdims=True)), "float32")
    denoiser = keras.Model(images, draw(images, picked), name="unet_class")
    given = keras.Input(shape=(classes,), name="class")
    varied = layers.RandomZoom(0.1, fill_mode="constant")(layers.RandomRotation(0.03, fill_mode="constant")(images))
    trainer = keras.Model({"images": images, "class": given},
                          {"denoised": draw(images, given), "class_head": reader(varied)}, name="unet_class_trainer")
    fresh = tuple(each.name for each in reader.layers) + tuple(each.name for each in (at7, at14, at28))
    return Autoencoder(denoiser, plain.encoder, None, trainer=trainer,
                       loss={"denoised": "mse", "class_head": "sparse_categorical_crossentropy"}, fresh_layers=fresh)
