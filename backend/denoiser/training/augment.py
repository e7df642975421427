"""Training-time augmentation in TensorFlow graph ops: fresh for every batch, seeded and stateless.

People hand over digits MNIST never shows: thinner or bolder strokes, slanted, smaller or larger,
wobbly, with the flat, crisp-edged strokes of a canvas brush. Every image of a batch is shifted by a
whole number of pixels (as before); with `probability` it also gets a random affine map (rotation,
scale, shear) and an elastic distortion (Simard, Steinkraus and Platt 2003) in the same bilinear
resampling, then a stroke-thickness change (grey dilation or erosion blended in by a random amount)
and, sometimes, hardened edges. Only stateless random ops are used, so a seed fixes the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import tensorflow as tf

SIZE = 28
CENTRE = (SIZE - 1) / 2


@dataclass(frozen=True)
class AugmentSettings:
    """How strong each augmentation is. `probability` 0 leaves only the integer shift."""

    probability: float = 0.5
    max_shift: int = 2
    max_rotation_degrees: float = 12.0
    min_scale: float = 0.85
    max_scale: float = 1.12
    max_shear: float = 0.15
    elastic_alpha: float = 34.0  # Simard et al. 2003: alpha 34, sigma 4 on 29x29 digits
    elastic_sigma: float = 4.0
    thinnest: float = -0.5  # blend towards a 3x3 grey erosion (negative) or dilation (positive)
    boldest: float = 0.8
    crisp_probability: float = 0.25
    max_crisp_gain: float = 3.0


def _gaussian_kernel(sigma: float) -> tf.Tensor:
    radius = int(math.ceil(3 * sigma))
    x = tf.range(-radius, radius + 1, dtype=tf.float32)
    kernel = tf.exp(-0.5 * (x / sigma) ** 2)
    return kernel / tf.reduce_sum(kernel)


def _smooth(fields: tf.Tensor, sigma: float) -> tf.Tensor:
    """Separable Gaussian blur of [B, H, W, C] fields, channel by channel."""
    kernel = _gaussian_kernel(sigma)
    channels = fields.shape[-1]
    rows = tf.tile(tf.reshape(kernel, [-1, 1, 1, 1]), [1, 1, channels, 1])
    cols = tf.tile(tf.reshape(kernel, [1, -1, 1, 1]), [1, 1, channels, 1])
    fields = tf.nn.depthwise_conv2d(fields, rows, [1, 1, 1, 1], "SAME")
    return tf.nn.depthwise_conv2d(fields, cols, [1, 1, 1, 1], "SAME")


def bilinear_sample(images: tf.Tensor, rows: tf.Tensor, cols: tf.Tensor) -> tf.Tensor:
    """Sample [B, H, W, 1] images at float source coordinates [B, H, W]; outside the image is black."""
    batch = tf.shape(images)[0]
    padded = tf.pad(images[..., 0], [[0, 0], [1, 1], [1, 1]])  # a black border catches every outside sample
    top, left = tf.floor(rows), tf.floor(cols)
    down, right = rows - top, cols - left
    index_b = tf.broadcast_to(tf.range(batch)[:, None, None], tf.shape(rows))

    def at(r, c):
        r = tf.clip_by_value(tf.cast(r, tf.int32) + 1, 0, SIZE + 1)
        c = tf.clip_by_value(tf.cast(c, tf.int32) + 1, 0, SIZE + 1)
        return tf.gather_nd(padded, tf.stack([index_b, r, c], axis=-1))

    value = ((1 - down) * (1 - right) * at(top, left) + (1 - down) * right * at(top, left + 1)
             + down * (1 - right) * at(top + 1, left) + down * right * at(top + 1, left + 1))
    return value[..., None]


def _uniform(seed, shape, low, high):
    return tf.random.stateless_uniform(shape, seed=seed, minval=low, maxval=high)


def _geometry(images: tf.Tensor, chosen: tf.Tensor, seeds, settings: AugmentSettings) -> tf.Tensor:
    """Integer shift for every image; affine + elastic for the chosen ones; one resampling."""
    batch = tf.shape(images)[0]
    angle_seed, scale_seed, shear_seed, shift_seed, field_seed, alpha_seed = seeds
    on = tf.cast(chosen, tf.float32)
    angle = on * _uniform(angle_seed, [batch], -1.0, 1.0) * math.radians(settings.max_rotation_degrees)
    scale = 1.0 + on * (_uniform(scale_seed, [batch], settings.min_scale, settings.max_scale) - 1.0)
    shear = on * _uniform(shear_seed, [batch], -settings.max_shear, settings.max_shear)
    shift = tf.round(_uniform(shift_seed, [batch, 2], -settings.max_shift - 0.5, settings.max_shift + 0.5))
    # Output pixel p samples the source at M (p - c) + c - shift, M = shear · rotation / scale.
    cos, sin = tf.cos(angle) / scale, tf.sin(angle) / scale
    m00, m01, m10, m11 = cos + shear * sin, -sin + shear * cos, sin, cos
    grid_r, grid_c = tf.meshgrid(tf.range(SIZE, dtype=tf.float32) - CENTRE,
                                 tf.range(SIZE, dtype=tf.float32) - CENTRE, indexing="ij")

    def per_image(v):
        return tf.reshape(v, [-1, 1, 1])

    rows = per_image(m00) * grid_r + per_image(m01) * grid_c + CENTRE - per_image(shift[:, 0])
    cols = per_image(m10) * grid_r + per_image(m11) * grid_c + CENTRE - per_image(shift[:, 1])
    field = _smooth(_uniform(field_seed, [batch, SIZE, SIZE, 2], -1.0, 1.0), settings.elastic_sigma)
    alpha = on * _uniform(alpha_seed, [batch], 0.0, settings.elastic_alpha)
    rows += per_image(alpha) * field[..., 0]
    cols += per_image(alpha) * field[..., 1]
    return bilinear_sample(images, rows, cols)


def _thickness(images: tf.Tensor, amount: tf.Tensor) -> tf.Tensor:
    """Blend towards a 3x3 grey dilation (amount > 0) or erosion (amount < 0)."""
    dilated = tf.nn.max_pool2d(images, 3, 1, "SAME")
    eroded = -tf.nn.max_pool2d(-images, 3, 1, "SAME")
    amount = tf.reshape(amount, [-1, 1, 1, 1])
    return images + tf.nn.relu(amount) * (dilated - images) + tf.nn.relu(-amount) * (eroded - images)


def augment(images: tf.Tensor, seed: tf.Tensor, settings: AugmentSettings = AugmentSettings()) -> tf.Tensor:
    """Augment a float32 [B, 28, 28, 1] batch in [0, 1]; `seed` is a shape-[2] int tensor."""
    batch = tf.shape(images)[0]
    seeds = tf.unstack(tf.random.experimental.stateless_split(seed, 11))
    chosen = _uniform(seeds[0], [batch], 0.0, 1.0) < settings.probability
    out = _geometry(images, chosen, seeds[1:7], settings)
    amount = tf.cast(chosen, tf.float32) * _uniform(seeds[7], [batch], settings.thinnest, settings.boldest)
    out = _thickness(out, amount)
    crisp = tf.logical_and(chosen, _uniform(seeds[8], [batch], 0.0, 1.0) < settings.crisp_probability)
    gain = 1.0 + tf.cast(crisp, tf.float32) * _uniform(seeds[9], [batch], 0.0, settings.max_crisp_gain - 1.0)
    out = (out - 0.5) * tf.reshape(gain, [-1, 1, 1, 1]) + 0.5
    return tf.clip_by_value(out, 0.0, 1.0)
