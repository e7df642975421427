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
        assert arch == "unet"


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
