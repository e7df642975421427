"""Every architecture builds with the right shapes and a real latent code."""

import numpy as np
import pytest

from denoiser.models import architectures


@pytest.mark.parametrize("arch", architectures.ARCHITECTURES)
@pytest.mark.parametrize("latent_dim", [64, 128])
def test_architecture_shapes(arch, latent_dim):
    autoencoder = architectures.build(arch, latent_dim=latent_dim, width=8)
    images = np.random.default_rng(0).random((3, 28, 28, 1)).astype("float32")
    assert autoencoder.denoiser(images).shape == (3, 28, 28, 1)
    assert autoencoder.encoder(images).shape == (3, latent_dim)
    if autoencoder.decoder is not None:
        assert autoencoder.decoder(np.zeros((2, latent_dim), "float32")).shape == (2, 28, 28, 1)
    else:
        assert arch in ("unet", "unet-class")


def test_sparse_model_penalises_its_code():
    sparse = architectures.build("sparse")
    assert any(layer.activity_regularizer is not None for layer in sparse.encoder.layers)


def test_seed_report_variants_keep_their_layouts():
    deep = architectures.build("conv-deep", latent_dim=128)
    assert [layer.__class__.__name__ for layer in deep.encoder.layers].count("LeakyReLU") == 3
    assert deep.encoder.layers[-2].output.shape[1:] == (4 * 4 * 128,)  # 28 -> 14 -> 7 -> 4, 128 channels
    pool = architectures.build("conv-pool", latent_dim=256)
    convs = [layer for layer in pool.encoder.layers if layer.__class__.__name__ == "Conv2D"]
    assert [layer.filters for layer in convs] == [8, 16, 16, 16]  # EE5179: 8-16-16, a 4x4x16 code
    assert pool.encoder.output.shape[1:] == (256,)
    with pytest.raises(ValueError, match="multiple of 16"):
        architectures.build("conv-pool", latent_dim=100)


def test_bad_arguments_are_value_errors():
    with pytest.raises(ValueError, match="unknown architecture"):
        architectures.build("transformer")
    with pytest.raises(ValueError, match="latent_dim"):
        architectures.build("dense", latent_dim=0)


def test_unet_class_fine_tuned_from_the_unet_starts_from_its_answers():
    """--arch unet-class --init-from models/mnist/5: the reader and the class layers are new, the class layers
    start at zero, so the first step answers exactly as the served U-Net; the trainer takes the class to draw
    and also outputs the reader's class probabilities."""
    from pathlib import Path

    import tensorflow as tf

    from denoiser.models.reexport import load_served_weights

    served = Path(__file__).resolve().parents[2] / "models" / "mnist" / "5"
    if not (served / "saved_model.pb").is_file():
        pytest.skip("needs the committed mnist/5")
    extended = architectures.build("unet-class", latent_dim=128, width=16)
    load_served_weights(extended, served)
    images = np.random.default_rng(1).random((4, 28, 28, 1)).astype("float32") ** 4
    expected = tf.saved_model.load(str(served)).signatures["denoise"](images=tf.constant(images))["denoised"].numpy()
    got = np.clip(extended.denoiser(images).numpy(), 0, 1)
    assert np.max(np.abs(got - expected)) < 1e-5
    outputs = extended.training_model({"images": images, "class": np.eye(10, dtype="float32")[[1, 2, 3, 4]]})
    assert outputs["class_head"].shape == (4, 10)
    assert np.allclose(outputs["class_head"].numpy().sum(axis=1), 1, atol=1e-5)


def test_unet_class_draws_the_class_its_reader_picks():
    """The served denoiser answers as the trained decoder does when given the reader's most probable class,
    and differently when given another one."""
    guided = architectures.build("unet-class", latent_dim=16, width=8)
    rng = np.random.default_rng(3)
    for name in ("class_at_7", "class_at_14", "class_at_28"):  # class layers that matter
        layer = guided.denoiser.get_layer(name)
        layer.kernel.assign(rng.normal(0, 0.5, layer.kernel.shape).astype("float32"))
    images = rng.random((5, 28, 28, 1)).astype("float32") ** 4
    picked = guided.denoiser.get_layer("reader")(images).numpy().argmax(1)
    served = guided.denoiser(images).numpy()
    one_hot = np.eye(10, dtype="float32")
    drawn = guided.training_model({"images": images, "class": one_hot[picked]})["denoised"].numpy()
    assert np.allclose(served, drawn, atol=1e-5)
    other = guided.training_model({"images": images, "class": one_hot[(picked + 1) % 10]})["denoised"].numpy()
    assert np.abs(served - other).max(axis=(1, 2, 3)).min() > 1e-3
