"""Each noise type matches DESIGN.md's definition, statistically and exactly where it can."""

import numpy as np
import pytest
import tensorflow as tf

from denoiser.imaging import noise


def test_gaussian_noise_has_the_requested_standard_deviation():
    grey = np.full((200, 28, 28, 1), 0.5, dtype=np.float32)
    noisy = noise.add_noise(grey, "gaussian", 0.1, rng=0)
    residual = noisy - grey
    assert abs(residual.mean()) < 0.002
    assert residual.std() == pytest.approx(0.1, rel=0.02)


def test_gaussian_noise_is_clipped_to_unit_range():
    noisy = noise.add_noise(np.zeros((50, 28, 28)), "gaussian", 0.8, rng=1)
    assert noisy.min() == 0.0 and noisy.max() == 1.0
    assert noisy.dtype == np.float32


def test_salt_and_pepper_hits_the_requested_fraction_with_equal_odds():
    grey = np.full((200, 28, 28), 0.5, dtype=np.float32)
    noisy = noise.add_noise(grey, "salt_pepper", 0.3, rng=2)
    hit = noisy != 0.5
    assert hit.mean() == pytest.approx(0.3, abs=0.01)
    assert set(np.unique(noisy[hit])) == {0.0, 1.0}
    assert (noisy[hit] == 1.0).mean() == pytest.approx(0.5, abs=0.02)


def test_speckle_scales_with_the_pixel_and_spares_black():
    images = np.zeros((100, 28, 28), dtype=np.float32)
    images[:, :, 14:] = 0.5
    noisy = noise.add_noise(images, "speckle", 0.4, rng=3)
    assert np.all(noisy[:, :, :14] == 0.0)
    assert (noisy[:, :, 14:] - 0.5).std() == pytest.approx(0.5 * 0.4, rel=0.05)


def test_noise_is_reproducible_with_a_seed_and_none_is_identity():
    images = np.random.default_rng(0).random((4, 28, 28)).astype(np.float32)
    np.testing.assert_array_equal(noise.add_noise(images, "gaussian", 0.3, 7),
                                  noise.add_noise(images, "gaussian", 0.3, 7))
    assert not np.array_equal(noise.add_noise(images, "gaussian", 0.3, 7),
                              noise.add_noise(images, "gaussian", 0.3, 8))
    np.testing.assert_array_equal(noise.add_noise(images, "none", 0.9, 0), images)


@pytest.mark.parametrize("kind,level", [("blur", 0.1), ("gaussian", 1.5), ("gaussian", -0.1)])
def test_bad_noise_settings_are_refused(kind, level):
    with pytest.raises(ValueError):
        noise.add_noise(np.zeros((1, 28, 28)), kind, level)


def test_parse_spec():
    assert noise.parse_spec("gaussian:0.5") == ("gaussian", 0.5)
    assert noise.parse_spec("none") == ("none", 0.0)
    with pytest.raises(ValueError):
        noise.parse_spec("gaussian:abc")


def test_graph_noise_matches_the_numpy_definitions():
    images = tf.fill([4, 28, 28, 1], 0.5)
    kinds = tf.constant([0, 1, 2, 3])
    levels = tf.constant([0.5, 0.2, 0.3, 0.4])
    noisy = noise.tf_add_noise(images, kinds, levels, tf.constant([1, 2])).numpy()
    np.testing.assert_array_equal(noisy[0], 0.5)
    assert (noisy[1] - 0.5).std() == pytest.approx(0.2, rel=0.15)
    assert (noisy[2] != 0.5).mean() == pytest.approx(0.3, abs=0.07)
    assert set(np.unique(noisy[2][noisy[2] != 0.5])) <= {0.0, 1.0}
    assert (noisy[3] - 0.5).std() == pytest.approx(0.5 * 0.4, rel=0.15)


def test_graph_noise_is_a_function_of_its_seed():
    images = tf.fill([2, 28, 28, 1], 0.5)
    kinds, levels = tf.constant([1, 2]), tf.constant([0.5, 0.5])
    first = noise.tf_add_noise(images, kinds, levels, tf.constant([3, 4])).numpy()
    np.testing.assert_array_equal(first, noise.tf_add_noise(images, kinds, levels, tf.constant([3, 4])).numpy())
    assert not np.array_equal(first, noise.tf_add_noise(images, kinds, levels, tf.constant([3, 5])).numpy())
