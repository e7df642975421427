"""`--distribute mirrored`: one model copy per device, gradients averaged, --batch-size per replica.

Tested on two logical CPU devices (there is no GPU here): the same code path MirroredStrategy takes over
several GPUs, with a reduction to one device instead of NCCL.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from denoiser.training import data, distribute

DATA_DIR = data.REPO_ROOT.parent / "shared" / "datasets"

TWO_CPUS = textwrap.dedent("""
    import sys
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from denoiser.training import train
    train.main(sys.argv[1:])
""")


def test_unknown_strategy_is_refused():
    with pytest.raises(ValueError, match="choose one of none, mirrored"):
        distribute.devices("parameter-server")


def test_no_distribution_trains_on_one_device():
    assert len(distribute.devices("none")) == 1


@pytest.mark.slow
@pytest.mark.skipif(not (DATA_DIR / "mnist").is_dir(), reason="needs ../shared/datasets")
def test_mirrored_training_on_two_devices_exports_a_working_model(tmp_path):
    command = [sys.executable, "-c", TWO_CPUS, "--dataset", "mnist", "--data-dir", str(DATA_DIR), "--arch", "conv",
               "--epochs", "2", "--limit", "512", "--batch-size", "32", "--output-dir", str(tmp_path),
               "--distribute", "mirrored"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "MirroredStrategy: 2 replicas, global batch 64" in run.stdout
    model_dir = tmp_path / "mnist" / "1"
    card = json.loads((model_dir / "metadata.json").read_text())
    assert card["training"]["replicas"] == 2 and card["training"]["config"]["distribute"] == "mirrored"
    history = json.loads((model_dir / "history.json").read_text())
    assert history["loss"][1] < history["loss"][0]  # the averaged gradients train the shared weights

    import numpy as np
    import tensorflow as tf

    denoise = tf.saved_model.load(str(model_dir)).signatures["denoise"]
    out = list(denoise(tf.zeros([2, 28, 28, 1])).values())[0].numpy()
    assert out.shape == (2, 28, 28, 1) and np.all((out >= 0) & (out <= 1))
