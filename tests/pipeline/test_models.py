"""Every architecture builds with the right shapes and a real latent code."""

import numpy as np
import pytest

from denoiser import models


@pytest.mark.parametrize("arch", models.ARCHITECTURES)
@pytest.mark.parametrize("latent_dim", [64, 128])
def test_architecture_shapes(arch, latent_dim):
    autoencoder = models.build(arch, latent_dim=latent_dim, width=8)
    images = np.random.default_rng(0).random((3, 28, 28, 1)).astype("float32")
    assert autoencoder.denoiser(images).shape == (3, 28, 28, 1)
    assert autoencoder.encoder(images).shape == (3, latent_dim)
    if autoencoder.decoder is not None:
        assert autoencoder.decoder(np.zeros((2, latent_dim), "float32")).shape == (2, 28, 28, 1)
    else:
        assert arch == "unet"


def test_sparse_model_penalises_its_code():
    sparse = models.build("sparse")
    assert any(layer.activity_regularizer is not None for layer in sparse.encoder.layers)


def test_bad_arguments_are_value_errors():
    with pytest.raises(ValueError, match="unknown architecture"):
        models.build("transformer")
    with pytest.raises(ValueError, match="latent_dim"):
        models.build("dense", latent_dim=0)
