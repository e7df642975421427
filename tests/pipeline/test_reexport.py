"""Exports store each weight once (keras#23553 worked around), and older exports re-export bit for bit."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from denoiser.models import architectures, export, reexport


def _stored_values(directory) -> int:
    reader = tf.train.load_checkpoint(str(directory / "variables" / "variables"))
    return sum(int(np.prod(shape)) for shape in reader.get_variable_to_shape_map().values())


def _old_style_export(autoencoder, directory, card):
    """What export_model wrote before the workaround: track() + endpoints, every weight stored twice."""
    archive = keras.export.ExportArchive()
    spec = tf.TensorSpec([None, 28, 28, 1], tf.float32, name="images")
    archive.track(autoencoder.denoiser)

    def denoise(images):
        return {"denoised": tf.clip_by_value(autoencoder.denoiser(images), 0.0, 1.0)}

    archive.add_endpoint("serving_default", denoise, [spec])
    archive.add_endpoint("denoise", denoise, [spec])
    if autoencoder.posterior is not None:
        archive.track(autoencoder.posterior)

        def encode(images):
            mean, log_variance = autoencoder.posterior(images)
            return {"latent": mean, "log_variance": log_variance}
    else:
        def encode(images):
            return {"latent": autoencoder.encoder(images)}
    archive.add_endpoint("encode", encode, [spec])
    if autoencoder.decoder is not None:
        archive.track(autoencoder.decoder)
        latent = tf.TensorSpec([None, card["latent_dim"]], tf.float32, name="latent")
        decoded = lambda latent: {"images": tf.clip_by_value(autoencoder.decoder(latent), 0.0, 1.0)}  # noqa: E731
        archive.add_endpoint("decode", decoded, [latent])
    archive.write_out(str(directory), verbose=False)
    export.write_json(directory / "metadata.json", card)


@pytest.mark.parametrize(("arch", "latent_dim"), [("unet", 8), ("vae", 4)])
def test_export_stores_each_weight_once(tmp_path, arch, latent_dim):
    autoencoder = architectures.build(arch, latent_dim, width=4)
    export.export_model(autoencoder, tmp_path / "m", {"latent_dim": latent_dim})
    unique = {id(v): v for m in (autoencoder.denoiser, autoencoder.posterior, autoencoder.decoder) if m is not None
              for v in m.weights}
    expected = sum(int(np.prod(v.shape)) for v in unique.values())
    assert expected <= _stored_values(tmp_path / "m") <= expected + 8  # + a seed generator's state, not 2x


@pytest.mark.parametrize(("arch", "latent_dim"), [("unet", 8), ("vae", 4)])
def test_reexport_halves_an_old_export_and_answers_the_same(tmp_path, arch, latent_dim):
    keras.utils.set_random_seed(3)
    autoencoder = architectures.build(arch, latent_dim, width=4)
    card = {"arch": arch, "latent_dim": latent_dim, "training": {"config": {"width": 4, "beta": 1.0}}}
    directory = tmp_path / "1"
    _old_style_export(autoencoder, directory, card)
    images = np.random.default_rng(0).random((3, 28, 28, 1)).astype(np.float32)
    old = tf.saved_model.load(str(directory)).signatures["denoise"](images=tf.constant(images))["denoised"].numpy()
    before, after = reexport.reexport(directory)  # raises unless every signature answers bit for bit the same
    assert after < 0.6 * before
    new = tf.saved_model.load(str(directory)).signatures["denoise"](images=tf.constant(images))["denoised"].numpy()
    assert np.array_equal(old, new)
    assert np.allclose(new, np.clip(autoencoder.denoiser(images).numpy(), 0, 1), atol=1e-5)
    kept = export.read_metadata(directory)
    assert kept.pop("reexport")["variables_bytes_before_after"] == [before, after]
    assert kept == card  # otherwise the card is kept as it was
