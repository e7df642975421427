"""Classical denoisers to compare against, run on the same noisy images as the model.

Each baseline maps (noisy [N, 28, 28, 1] float32, noise level, parameters) -> denoised images.
They are given the true noise level (an oracle advantage the autoencoder does not get). Every
method has a parameter grid: `baseline_tuning` picks the best point per noise type and level on
the validation split and saves it with the model (what /compare uses); `available()` keeps the
fixed a-priori parameters the evaluation reports have always used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage
from skimage import restoration

Baseline = Callable[[np.ndarray, float], np.ndarray]
BM3D_MAX_IMAGES = 60  # about a second per image on 2 cores: scored on the first 60 of the subset


def _per_image(function: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    def apply(noisy: np.ndarray, level: float, **params) -> np.ndarray:
        out = [function(image[..., 0].astype(np.float64), level, **params) for image in noisy]
        return np.clip(np.stack(out)[..., None], 0.0, 1.0).astype(np.float32)

    return apply


def median(noisy: np.ndarray, level: float, size: int = 3) -> np.ndarray:
    """size x size median filter."""
    return ndimage.median_filter(noisy, size=(1, size, size, 1))


def gaussian_blur(noisy: np.ndarray, level: float, sigma: float = 1.0) -> np.ndarray:
    """Gaussian blur of `sigma` pixels."""
    return ndimage.gaussian_filter(noisy, sigma=(0, sigma, sigma, 0), mode="nearest")


total_variation = _per_image(
    lambda x, level, factor=0.5: restoration.denoise_tv_chambolle(x, weight=max(0.02, factor * level)))
total_variation.__doc__ = "Total-variation (Chambolle), weight factor x level."

non_local_means = _per_image(
    lambda x, level, factor=0.6, sigma_factor=1.0: restoration.denoise_nl_means(
        x, h=max(0.01, factor * level), sigma=sigma_factor * level, patch_size=3, patch_distance=5, fast_mode=True))
non_local_means.__doc__ = ("Non-local means (3x3 patches within 11x11), h = factor x level; the noise sigma it "
                           "subtracts is sigma_factor x level (clipping to [0, 1] leaves less noise than the level).")

wavelet = _per_image(
    lambda x, level, factor=1.0: restoration.denoise_wavelet(
        x, sigma=max(factor * level, 1e-3), method="BayesShrink", mode="soft", rescale_sigma=True))
wavelet.__doc__ = "Wavelet shrinkage (BayesShrink, soft), sigma = factor x level."


def _bm3d_image(x: np.ndarray, level: float, factor: float = 1.0) -> np.ndarray:
    import bm3d

    return bm3d.bm3d(x, sigma_psd=max(factor * level, 1e-3))


bm3d_denoise = _per_image(_bm3d_image)
bm3d_denoise.__doc__ = "BM3D with sigma = factor x level (about a second per image)."


@dataclass(frozen=True)
class Method:
    """A classical denoiser, its parameter grid and how to name a parameter setting."""

    key: str
    run: Callable[..., np.ndarray]
    grid: list[dict] = field(default_factory=list)
    label: Callable[[dict], str] = lambda params: ""
    slow: bool = False  # opt-in in /compare
    needs: str | None = None  # the module it imports

    def describe(self, params: dict) -> str:
        """Display name with its parameters, e.g. "median 5x5"."""
        return f"{self.key} ({self.label(params)})" if self.label(params) else self.key


FACTORS = [{"factor": f} for f in (0.1, 0.25, 0.5, 0.75, 1.0, 1.5)]
METHODS = {
    method.key: method for method in [
        Method("median", median, [{"size": s} for s in (3, 5)], lambda p: f"{p['size']}x{p['size']}"),
        Method("gaussian blur", gaussian_blur, [{"sigma": s} for s in (0.5, 0.75, 1.0, 1.5)],
               lambda p: f"σ {p['sigma']:g} px"),
        Method("total variation", total_variation, FACTORS, lambda p: f"weight {p['factor']:g}×level"),
        Method("non-local means", non_local_means,
               [{"factor": h, "sigma_factor": s} for s in (0.0, 0.3, 0.6) for h in (0.1, 0.3, 0.6, 1.0)],
               lambda p: f"h {p['factor']:g}×level, σ {p.get('sigma_factor', 1.0):g}×level"),
        Method("wavelet", wavelet, FACTORS, lambda p: f"σ {p['factor']:g}×level", needs="pywt"),
        Method("BM3D", bm3d_denoise, [{"factor": f} for f in (0.5, 1.0)], lambda p: f"σ {p['factor']:g}×level",
               slow=True, needs="bm3d"),
    ]
}


def installed(method: Method) -> bool:
    """True when the library the method needs imports here."""
    if method.needs is None:
        return True
    try:
        __import__(method.needs)
    except ImportError:
        return False
    return True


def available() -> dict[str, Baseline]:
    """The baselines whose libraries are installed here, by display name, at the a-priori parameters."""
    fixed = {"median": {"size": 3}, "gaussian blur": {"sigma": 1.0}, "total variation": {"factor": 0.5},
             "non-local means": {"factor": 0.6}, "wavelet": {"factor": 1.0}, "BM3D": {"factor": 1.0}}
    found: dict[str, Baseline] = {}
    for key, params in fixed.items():
        method = METHODS[key]
        if installed(method):
            name = "median 3x3" if key == "median" else key
            found[name] = (lambda m, p: lambda noisy, level: m.run(noisy, level, **p))(method, params)
    if "BM3D" in found:
        found["BM3D"].max_images = BM3D_MAX_IMAGES
    return found


class PCABaseline:
    """Project onto the top-k principal components of clean training images, then reconstruct."""

    def __init__(self, train_images: np.ndarray | None = None, components: int = 128, *,
                 mean: np.ndarray | None = None, basis: np.ndarray | None = None):
        if basis is None:
            from sklearn.decomposition import PCA

            flat = np.asarray(train_images, dtype=np.float32).reshape(len(train_images), -1)
            pca = PCA(n_components=components, random_state=0).fit(flat)
            mean, basis = pca.mean_, pca.components_
        self.mean = np.asarray(mean, dtype=np.float32)
        self.basis = np.asarray(basis, dtype=np.float32)  # [k, 784], orthonormal rows

    @property
    def components(self) -> int:
        """The number of principal components kept."""
        return len(self.basis)

    def __call__(self, noisy: np.ndarray, level: float = 0.0) -> np.ndarray:
        flat = noisy.reshape(len(noisy), -1) - self.mean
        restored = (flat @ self.basis.T) @ self.basis + self.mean
        return np.clip(restored.reshape(noisy.shape), 0.0, 1.0).astype(np.float32)
