"""Training on more than one device: `denoiser train --distribute mirrored`.

MirroredStrategy keeps one copy of the model on every local GPU (every logical CPU device when there is
no GPU, which is how it is tested here) and averages their gradients each step. `--batch-size` stays
the batch of one replica, so the global batch, and the throughput, grow with the number of devices.
"""

from __future__ import annotations

import tensorflow as tf

STRATEGIES = ("none", "mirrored")


def devices(name: str) -> list[str]:
    """The devices a strategy trains on: every local GPU, else every logical CPU, for "mirrored"."""
    if name not in STRATEGIES:
        raise ValueError(f"unknown distribution strategy {name!r}; choose one of {', '.join(STRATEGIES)}")
    if name == "none":
        return ["(TensorFlow's default placement)"]
    gpus = [device.name for device in tf.config.list_logical_devices("GPU")]
    return gpus or [device.name for device in tf.config.list_logical_devices("CPU")]


def make_strategy(name: str) -> tf.distribute.Strategy:
    """The default (one device) strategy for "none"; MirroredStrategy over `devices(name)` for "mirrored"."""
    chosen = devices(name)
    if name == "none":
        return tf.distribute.get_strategy()
    # NCCL all-reduce needs GPUs; reducing to one device works on any.
    reduce = None if "GPU" in chosen[0].upper() else tf.distribute.ReductionToOneDevice()
    return tf.distribute.MirroredStrategy(devices=chosen, cross_device_ops=reduce)
