"""The U-Nets: the default denoiser, and the class-guided one whose decoder draws the class a reader of noisy
digits picks (issue 33: a denoiser that commits to one digit instead of blending two)."""

from __future__ import annotations

import keras
from keras import layers, ops

from denoiser.models.base import INPUT_SHAPE, Autoencoder

LEARNS_THE_CLASS = ("unet-class",)  # architectures whose training also needs the labels
READER_WIDTH = 48  # channels of the reader's first block (then 96, 192): 1.1 M parameters


def _unet_layers(latent_dim: int, width: int) -> dict[str, layers.Layer]:
    """The U-Net's layers with weights, by name (the names its exports and `--init-from` match weights by)."""
    def conv(filters, name, **options):
        return layers.Conv2D(filters, 3, padding="same", activation="gelu", name=name, **options)

    def up(filters, name):
        return layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="gelu", name=name)

    return {"enc28_a": conv(width, "enc28_a"), "enc28_b": conv(width, "enc28_b"),
            "down14": conv(2 * width, "down14", strides=2),
            "enc14_a": conv(2 * width, "enc14_a"), "enc14_b": conv(2 * width, "enc14_b"),
            "down7": conv(4 * width, "down7", strides=2), "enc7": conv(4 * width, "enc7"),
            "latent": layers.Dense(latent_dim, name="latent"),
            "from_latent": layers.Dense(7 * 7 * 2 * width, activation="gelu", name="from_latent"),
            "up14": up(2 * width, "up14"), "dec14_a": conv(2 * width, "dec14_a"), "dec14_b": conv(2 * width, "dec14_b"),
            "up28": up(width, "up28"), "dec28_a": conv(width, "dec28_a"), "dec28_b": conv(width, "dec28_b"),
            "correction": layers.Conv2D(1, 1, name="correction")}


def _wire(layer: dict, images, width: int, classes: dict | None = None):
    """(denoised, latent) of the U-Net on `images`; `classes` ({"7", "14", "28": tensor}) are added into the
    decoder at those sizes (the class-guided U-Net)."""
    def plus(x, size):
        return x if classes is None else x + classes[size]

    skip28 = layer["enc28_b"](layer["enc28_a"](images))
    skip14 = layer["enc14_b"](layer["enc14_a"](layer["down14"](skip28)))
    latent = layer["latent"](layers.Flatten()(layer["enc7"](layer["down7"](skip14))))
    y = layers.Reshape((7, 7, 2 * width))(plus(layer["from_latent"](latent), "7"))
    y = layer["dec14_b"](layer["dec14_a"](layers.Concatenate()([plus(layer["up14"](y), "14"), skip14])))
    y = layer["dec28_b"](layer["dec28_a"](layers.Concatenate()([plus(layer["up28"](y), "28"), skip28])))
    return layers.Add(name="denoised")([images, layer["correction"](y)]), latent


def build_unet(latent_dim: int = 128, width: int = 32) -> Autoencoder:
    """The default: a residual U-Net whose deepest level passes through a Dense D-dim code.

    28x28 and 14x14 features reach the decoder through skip connections, the 7x7 level only
    through the code, which `encode` returns. The network predicts a correction added to
    the input, so a clean digit comes back nearly unchanged.
    """
    images = keras.Input(shape=INPUT_SHAPE, name="images")
    output, latent = _wire(_unet_layers(latent_dim, width), images, width)
    denoiser = keras.Model(images, output, name="unet")
    encoder = keras.Model(images, latent, name="unet_encoder")
    return Autoencoder(denoiser, encoder, None)


def build_reader(width: int = READER_WIDTH, classes: int = 10, dense: int = 256, shift: int = 0) -> keras.Model:
    """A classifier of noisy digits: three batch-normalised blocks of two 3x3 convolutions, then two dense
    layers with dropout; images -> class probabilities. `shift` > 0 starts with random shifts of up to that
    many pixels (active in training only): the uncertainty study's deep noisy reader."""
    images = keras.Input(shape=INPUT_SHAPE, name="images")
    x = images
    if shift:
        x = layers.RandomTranslation(shift / INPUT_SHAPE[0], shift / INPUT_SHAPE[1], fill_mode="constant")(x)
    for block, channels in enumerate((width, 2 * width, 4 * width)):
        for step in "ab":
            x = layers.Conv2D(channels, 3, padding="same", use_bias=False, name=f"reader_conv{block}{step}")(x)
            x = layers.Activation("relu")(layers.BatchNormalization(name=f"reader_norm{block}{step}")(x))
        x = layers.MaxPooling2D()(x)
    x = layers.Dropout(0.3)(layers.Flatten()(x))
    x = layers.Dropout(0.3)(layers.Dense(dense, activation="relu", name="reader_dense")(x))
    return keras.Model(images, layers.Dense(classes, activation="softmax", name="reader_classes")(x), name="reader")


def build_unet_class(latent_dim: int = 128, width: int = 32, classes: int = 10) -> Autoencoder:
    """The class-guided U-Net: a reader of noisy digits (`build_reader`) picks one class, and its one-hot is
    added into the decoder at 7x7, 14x14 and 28x28, so the U-Net draws that digit instead of a blend of two.

    Training forces the true class on the decoder (the `class` input, with a few random swaps from the input
    pipeline so that a clean digit's own evidence still wins) while the reader learns the labels from the
    same noisy images under random small rotations and zooms; serving feeds the reader's argmax. The class
    layers start at zero, so fine-tuning from a U-Net (`--init-from`) starts from its answers. `denoise` and
    `encode` keep the U-Net's contract (the code is the U-Net's)."""
    layer = _unet_layers(latent_dim, width)
    reader = build_reader(classes=classes)
    at = {"7": layers.Dense(7 * 7 * 2 * width, kernel_initializer="zeros", name="class_at_7"),
          "14": layers.Dense(2 * width, kernel_initializer="zeros", name="class_at_14"),
          "28": layers.Dense(width, kernel_initializer="zeros", name="class_at_28")}

    def draw(images, one_hot):
        terms = {"7": at["7"](one_hot), "14": layers.Reshape((1, 1, 2 * width))(at["14"](one_hot)),
                 "28": layers.Reshape((1, 1, width))(at["28"](one_hot))}
        return _wire(layer, images, width, terms)

    images = keras.Input(shape=INPUT_SHAPE, name="images")
    read = reader(images)  # the most probable class as a one-hot (equality, not one_hot: TFLite has no BitwiseAnd)
    picked = ops.cast(ops.equal(read, ops.max(read, axis=-1, keepdims=True)), "float32")
    output, latent = draw(images, picked)
    denoiser = keras.Model(images, output, name="unet_class")
    encoder = keras.Model(images, latent, name="unet_class_encoder")
    given = keras.Input(shape=(classes,), name="class")
    varied = layers.RandomZoom(0.1, fill_mode="constant")(layers.RandomRotation(0.03, fill_mode="constant")(images))
    trainer = keras.Model({"images": images, "class": given},
                          {"denoised": draw(images, given)[0], "class_head": reader(varied)}, name="unet_class_trainer")
    fresh = tuple(each.name for each in reader.layers) + tuple(each.name for each in at.values())
    return Autoencoder(denoiser, encoder, None, trainer=trainer,
                       loss={"denoised": "mse", "class_head": "sparse_categorical_crossentropy"}, fresh_layers=fresh)
