"""Classical denoisers to compare against, run on the same noisy images as the model.

Each baseline maps (noisy [N, 28, 28, 1] float32, noise level) -> denoised images. They are
given the true noise level (an oracle advantage the autoencoder does not get); their
parameters are fixed a priori, not tuned on any test data.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import ndimage
from skimage import filters, restoration

Baseline = Callable[[np.ndarray, float], np.ndarray]
BM3D_MAX_IMAGES = 60  # about a second per image on 2 cores: scored on the first 60 of the subset


def _per_image(function: Callable[[np.ndarray, float], np.ndarray]) -> Baseline:
    def apply(noisy: np.ndarray, level: float) -> np.ndarray:
        out = [function(image[..., 0].astype(np.float64), level) for image in noisy]
        return np.clip(np.stack(out)[..., None], 0.0, 1.0).astype(np.float32)

    return apply


def median(noisy: np.ndarray, level: float) -> np.ndarray:
    """3x3 median filter."""
    return ndimage.median_filter(noisy, size=(1, 3, 3, 1))


def gaussian_blur(noisy: np.ndarray, level: float) -> np.ndarray:
    """Gaussian blur, sigma 1 pixel."""
    return _per_image(lambda x, _: filters.gaussian(x, sigma=1.0))(noisy, level)


total_variation = _per_image(
    lambda x, level: restoration.denoise_tv_chambolle(x, weight=max(0.02, level / 2)))
total_variation.__doc__ = "Total-variation (Chambolle), weight level/2."

non_local_means = _per_image(
    lambda x, level: restoration.denoise_nl_means(x, h=max(0.01, 0.6 * level), sigma=level,
                                                  patch_size=3, patch_distance=5, fast_mode=True))

wavelet = _per_image(
    lambda x, level: restoration.denoise_wavelet(x, sigma=max(level, 1e-3), method="BayesShrink",
                                                 mode="soft", rescale_sigma=True))


def _bm3d(x: np.ndarray, level: float) -> np.ndarray:
    import bm3d

    return bm3d.bm3d(x, sigma_psd=max(level, 1e-3))


def available() -> dict[str, Baseline]:
    """The baselines whose libraries are installed here, by display name."""
    found: dict[str, Baseline] = {"median 3x3": median, "gaussian blur": gaussian_blur,
                                  "total variation": total_variation, "non-local means": non_local_means}
    try:
        import pywt  # noqa: F401

        found["wavelet"] = wavelet
    except ImportError:
        pass
    try:
        import bm3d  # noqa: F401

        found["BM3D"] = _per_image(_bm3d)
        found["BM3D"].max_images = BM3D_MAX_IMAGES
    except ImportError:
        pass
    return found


class PCABaseline:
    """Project onto the top-k principal components of clean training images, then reconstruct."""

    def __init__(self, train_images: np.ndarray, components: int = 128):
        from sklearn.decomposition import PCA

        flat = np.asarray(train_images, dtype=np.float32).reshape(len(train_images), -1)
        self.pca = PCA(n_components=components, random_state=0).fit(flat)

    def __call__(self, noisy: np.ndarray, level: float) -> np.ndarray:
        flat = noisy.reshape(len(noisy), -1)
        restored = self.pca.inverse_transform(self.pca.transform(flat))
        return np.clip(restored.reshape(noisy.shape), 0.0, 1.0).astype(np.float32)
