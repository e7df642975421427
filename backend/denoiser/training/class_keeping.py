"""A classifier-aware loss: pixels (MSE) plus how far the denoised image's class probabilities drift from the
clean image's, by a frozen classifier (`denoiser train --keep-class WEIGHT --teacher DIR`).

A denoiser trained on MSE alone draws the most likely pixels, and under heavy noise a clean-looking wrong digit
costs it little. The KL term makes drawing a different class expensive. The teacher is a classifier trained
apart from the one that judges the models (`denoiser train-classifier --seed 7 --output-dir runs/teacher`), so
the changed-class figures are not measured by the network the denoiser was trained to please.
"""

from __future__ import annotations

from collections.abc import Callable

import tensorflow as tf

EPSILON = 1e-7


def class_keeping_loss(teacher_dir: str, weight: float) -> Callable[[tf.Tensor, tf.Tensor], tf.Tensor]:
    """Per-image loss(clean, denoised) = MSE + weight * KL(teacher(clean) || teacher(denoised))."""
    teacher = tf.saved_model.load(teacher_dir)
    classify = teacher.signatures["classify"]

    def loss(clean, denoised):
        clean = tf.cast(clean, tf.float32)
        denoised = tf.cast(denoised, tf.float32)
        pixels = tf.reduce_mean(tf.square(clean - denoised), axis=[1, 2, 3])
        target = tf.stop_gradient(classify(images=clean)["probabilities"])
        drawn = classify(images=denoised)["probabilities"]
        drift = tf.reduce_sum(target * (tf.math.log(target + EPSILON) - tf.math.log(drawn + EPSILON)), axis=1)
        return pixels + weight * drift

    loss.teacher = teacher  # keeps the SavedModel's variables alive as long as the loss
    return loss
