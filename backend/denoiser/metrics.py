"""Image-quality metrics, as DESIGN.md defines them: per image, then the mean over images."""

from __future__ import annotations

import numpy as np
from skimage.metrics import structural_similarity

METRIC_NAMES = ("mse", "mae", "rmse", "psnr", "ssim", "r2")


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


def psnr(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Mean per-image PSNR in dB, `10 log10(1 / MSE)`; an exact copy counts as 100 dB."""
    mse = np.mean((_flat(reference) - _flat(estimate)) ** 2, axis=1)
    return float(np.mean(10.0 * np.log10(1.0 / np.maximum(mse, 1e-10))))


def ssim(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Mean per-image SSIM (scikit-image, data_range=1.0, default 7x7 window)."""
    ref, est = _as_stack(reference), _as_stack(estimate)
    return float(np.mean([structural_similarity(r, e, data_range=1.0) for r, e in zip(ref, est)]))


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
        "psnr": psnr(ref, est),
        "ssim": ssim(reference, estimate),
        "r2": float(1.0 - np.sum(err**2) / sst) if sst > 0 else float("nan"),
    }
