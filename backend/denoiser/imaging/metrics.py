"""Image-quality metrics, as DESIGN.md defines them: per image, then the mean over images."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter

METRIC_NAMES = ("mse", "mae", "rmse", "psnr", "ssim", "r2")
SSIM_WINDOW = 7


def _as_stack(a: np.ndarray) -> np.ndarray:
    """[H, W], [N, H, W] or [N, H, W, 1] -> [N, H, W] float64."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 4 and a.shape[-1] == 1:
        a = a[..., 0]
    return a[None] if a.ndim == 2 else a


def _flat(a: np.ndarray) -> np.ndarray:
    """Any image stack -> [N, pixels] float64."""
    stack = _as_stack(a)
    return stack.reshape(stack.shape[0], -1)


def mse_per_image(reference: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    """Mean squared error of each image."""
    return np.mean((_flat(reference) - _flat(estimate)) ** 2, axis=1)


def psnr_per_image(reference: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    """PSNR in dB of each image, `10 log10(1 / MSE)`; an exact copy counts as 100 dB."""
    return 10.0 * np.log10(1.0 / np.maximum(mse_per_image(reference, estimate), 1e-10))


def psnr(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Mean per-image PSNR in dB."""
    return float(np.mean(psnr_per_image(reference, estimate)))


def ssim_per_image(reference: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    """SSIM of each image, exactly as scikit-image's `structural_similarity(data_range=1.0)` computes it.

    Same 7x7 uniform window, sample covariance, K1=0.01, K2=0.03 and 3-pixel border crop, but the
    whole stack goes through one filter per statistic: the API scores every request, and a Python
    loop over scikit-image costs ~0.2 ms per image (tests hold the two to 1e-9).
    """
    x, y = _as_stack(reference), _as_stack(estimate)
    window = (1, 1, SSIM_WINDOW, SSIM_WINDOW)  # filter within each image, never across images
    mean_x, mean_y, mean_xx, mean_yy, mean_xy = uniform_filter(np.stack([x, y, x * x, y * y, x * y]), window)
    cov_norm = SSIM_WINDOW**2 / (SSIM_WINDOW**2 - 1)
    var_x = cov_norm * (mean_xx - mean_x * mean_x)
    var_y = cov_norm * (mean_yy - mean_y * mean_y)
    cov_xy = cov_norm * (mean_xy - mean_x * mean_y)
    c1, c2 = 0.01**2, 0.03**2
    index = ((2 * mean_x * mean_y + c1) * (2 * cov_xy + c2)
             / ((mean_x**2 + mean_y**2 + c1) * (var_x + var_y + c2)))
    pad = (SSIM_WINDOW - 1) // 2
    return index[:, pad:-pad, pad:-pad].mean(axis=(1, 2), dtype=np.float64)


def ssim(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Mean per-image SSIM (scikit-image's definition, data_range=1.0, 7x7 window)."""
    return float(np.mean(ssim_per_image(reference, estimate)))


def image_metrics(reference: np.ndarray, estimate: np.ndarray) -> dict[str, float]:
    """MSE, MAE, RMSE, PSNR, SSIM and R² of `estimate` against `reference`.

    MSE/MAE/R² are over all pixels; RMSE is the square root of that MSE; PSNR and SSIM
    are per-image means. R² is 1 - SSE/SST over all pixels.
    """
    ref, est = _flat(reference), _flat(estimate)
    err = ref - est
    mse = float(np.mean(err**2))
    sst = float(np.sum((ref - ref.mean()) ** 2))
    return {
        "mse": mse,
        "mae": float(np.mean(np.abs(err))),
        "rmse": float(np.sqrt(mse)),
        "psnr": psnr(reference, estimate),  # per image, never of the flattened stack's mean MSE
        "ssim": ssim(reference, estimate),
        "r2": float(1.0 - np.sum(err**2) / sst) if sst > 0 else float("nan"),
    }
