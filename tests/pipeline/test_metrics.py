"""Metrics against values computed by hand."""

import numpy as np
import pytest

from denoiser.imaging import metrics


def test_psnr_of_a_constant_error_matches_the_formula():
    reference = np.zeros((2, 28, 28))
    estimate = np.full((2, 28, 28), 0.1)
    # MSE = 0.01 -> 10 * log10(1 / 0.01) = 20 dB
    assert metrics.psnr(reference, estimate) == pytest.approx(20.0)


def test_psnr_is_the_mean_of_per_image_values():
    reference = np.zeros((2, 28, 28))
    estimate = np.stack([np.full((28, 28), 0.1), np.full((28, 28), 0.01)])
    assert metrics.psnr(reference, estimate) == pytest.approx((20.0 + 40.0) / 2)


def test_image_metrics_by_hand():
    reference = np.zeros((1, 28, 28))
    reference[0, :14] = 1.0
    estimate = reference.copy()
    estimate[0, 0, :4] = 0.5  # four pixels off by 0.5
    scores = metrics.image_metrics(reference, estimate)
    mse = 4 * 0.25 / 784
    assert scores["mse"] == pytest.approx(mse)
    assert scores["mae"] == pytest.approx(4 * 0.5 / 784)
    assert scores["rmse"] == pytest.approx(np.sqrt(mse))
    assert scores["psnr"] == pytest.approx(10 * np.log10(1 / mse))
    # SST: 784 pixels, half ones -> sum of squares about the mean 0.5 = 784 * 0.25
    assert scores["r2"] == pytest.approx(1 - 1.0 / (784 * 0.25))
    assert 0.9 < scores["ssim"] < 1.0


def test_ssim_of_identical_images_is_one_and_accepts_channel_axis():
    images = np.random.default_rng(0).random((3, 28, 28, 1))
    assert metrics.ssim(images, images) == pytest.approx(1.0)
    assert metrics.ssim(images, 1 - images) < 0.0


def test_vectorised_ssim_equals_scikit_image_image_by_image():
    from skimage.metrics import structural_similarity

    rng = np.random.default_rng(1)
    clean = (rng.random((5, 28, 28)) > 0.7).astype(np.float64)
    noisy = np.clip(clean + 0.5 * rng.standard_normal(clean.shape), 0, 1)
    expected = [structural_similarity(c, n, data_range=1.0) for c, n in zip(clean, noisy)]
    np.testing.assert_allclose(metrics.ssim_per_image(clean, noisy), expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(metrics.ssim_per_image(clean[..., None], noisy[..., None].astype(np.float32)),
                               [structural_similarity(c, n.astype(np.float32).astype(np.float64), data_range=1.0)
                                for c, n in zip(clean, noisy)], atol=1e-9)


def test_per_image_psnr_keeps_one_value_per_image():
    reference = np.zeros((2, 28, 28))
    estimate = np.stack([np.full((28, 28), 0.1), np.full((28, 28), 0.01)])
    np.testing.assert_allclose(metrics.psnr_per_image(reference, estimate), [20.0, 40.0])


def test_image_metrics_psnr_is_the_mean_of_per_image_psnrs_not_the_psnr_of_the_mean_mse():
    reference = np.zeros((2, 28, 28))
    estimate = np.stack([np.full((28, 28), 0.1), np.full((28, 28), 0.01)])  # MSE 1e-2 and 1e-4
    scores = metrics.image_metrics(reference, estimate)
    assert scores["psnr"] == pytest.approx((20.0 + 40.0) / 2)  # DESIGN.md: per image, then the mean
    pooled = 10 * np.log10(1 / np.mean([1e-2, 1e-4]))  # what the flattened stack gave: ~22.97 dB
    assert abs(scores["psnr"] - pooled) > 5
    assert scores["mse"] == pytest.approx((1e-2 + 1e-4) / 2)  # MSE stays the pooled mean over all pixels
