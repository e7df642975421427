"""denoiser.kernels gives what the SciPy, scikit-image and small_ops code it replaces gives, to the bit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import ndimage
from skimage.morphology import disk, skeletonize
from test_small_ops import arrays

from denoiser import ink, kernels, small_ops, strokes
from denoiser.kernels import statistics

BACKEND = Path(__file__).resolve().parents[2] / "backend"


def masks(seed: int) -> np.ndarray:
    """Bool masks like preprocessing's: blobs and strokes of every width, specks, empty and full ones,
    single rows and columns, at sizes from 1 pixel to a working digit's 80 and a sheet's 200."""
    rng = np.random.default_rng(seed)
    largest = 200 if seed % 5 == 0 else 90
    height, width = int(rng.integers(1, largest)), int(rng.integers(1, largest))
    if seed % 11 == 0:
        height = 1 if seed % 2 else height
        width = 1 if not seed % 2 else width
    noise = rng.random((height, width))
    if seed % 3 == 0:
        return noise > rng.uniform(0.2, 0.95)  # specks and many small components
    smooth = ndimage.gaussian_filter(noise, rng.uniform(0.5, 5))
    mask = smooth > np.quantile(smooth, rng.uniform(0.3, 0.9))
    if seed % 13 == 0:
        mask[:] = seed % 2 == 0  # all ink or none
    if seed % 4 == 1:  # fat strokes: distances of several pixels, reached across columns
        mask = ndimage.binary_dilation(mask & (rng.random(mask.shape) < 0.05), iterations=int(rng.integers(2, 9)))
    return mask


@pytest.mark.parametrize("seed", range(300))
def test_skeleton_equals_scikit_image(seed):
    mask = masks(seed)
    ours = kernels.skeleton(mask)
    assert ours.dtype == bool and np.array_equal(ours, skeletonize(mask))


@pytest.mark.parametrize("seed", range(300))
def test_distance_to_background_at_chosen_pixels_equals_scipy(seed):
    rng = np.random.default_rng(seed)
    mask = masks(seed)
    where = mask & (rng.random(mask.shape) < 0.4) if seed % 2 else skeletonize(mask)
    ours = kernels.distance_to_background_at(mask, where)
    theirs = ndimage.distance_transform_edt(mask)[where]
    assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs)


def test_distance_to_background_at_a_ring_equals_scipy():
    mask = np.zeros((80, 64), bool)
    mask[8:72, 10:54] = np.pad(disk(21), ((10, 11), (0, 1)))[:, :44]
    mask[30:40, 20:44] = False  # a ring with a gap: distances up to ten pixels, to either side
    skeleton = skeletonize(mask)
    assert skeleton.any()
    assert np.array_equal(kernels.distance_to_background_at(mask, skeleton),
                          ndimage.distance_transform_edt(mask)[skeleton])


@pytest.mark.parametrize("seed", range(300))
def test_components_equal_scipy_label_bincount_and_find_objects(seed):
    mask = masks(seed)
    weights = np.random.default_rng(seed).random(mask.shape, dtype=np.float32)
    labels, count = ndimage.label(mask, structure=np.ones((3, 3)))
    ours, our_count, mass, boxes = kernels.components(mask, weights)
    assert our_count == count and np.array_equal(ours, labels)
    expected = np.bincount(labels[mask], weights=weights[mask], minlength=count + 1)
    assert mass.dtype == np.float64 and np.array_equal(mass, expected)  # (numpy's is int64 when empty)
    assert [tuple(box) for box in boxes] == [(rows.start, rows.stop, cols.start, cols.stop)
                                            for rows, cols in ndimage.find_objects(labels)]


def small_arrays(seed: int) -> np.ndarray:
    """test_small_ops' float32 images (ties, mostly zeros, mostly the maximum, one value), at most 4096 pixels,
    and now and then a range too narrow for 256 finite-sized bins."""
    image = arrays(seed)
    image = image[:64, :64] if image.size > kernels.COMPILED_AT_MOST else image
    if seed % 17 == 0:
        image = np.float32(0.5) + image * np.float32(1e-7)  # a few float32 steps from 0.5 to the top
    return np.ascontiguousarray(image)


@pytest.mark.parametrize("seed", range(400))
def test_order_statistics_and_ink_threshold_equal_small_ops(seed):
    image = small_arrays(seed)
    median = float(small_ops.median(image))
    low, high = small_ops.percentile(image, [0.2, 99.8])
    assert kernels.order_statistics(image, 0.2, 99.8) == (median, float(low), float(high))
    assert kernels.ink_threshold(image, ink.MIN_CONTRAST) == ink._threshold_of(image)


@pytest.mark.parametrize("seed", range(300))
def test_erosion_dilation_and_dark_stroke_width_equal_scipy_and_small_ops(seed):
    image = small_arrays(seed)
    for bright in (image, 1 - image):
        for size in (2, 3, 4, 5, 8, 21):
            for ours, theirs in ((kernels.erosion(bright, size), ndimage.grey_erosion(bright, size, mode="nearest")),
                                 (kernels.dilation(bright, size), ndimage.grey_dilation(bright, size, mode="nearest"))):
                assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs)
        assert kernels.dark_stroke_width(bright, ink.STRONG_INK) == ink._rough_width_of(bright)


@pytest.mark.parametrize("seed", range(300))
def test_skeleton_measures_equal_the_core_skeleton_and_distances(seed):
    digit = small_arrays(seed)
    core = strokes._core(digit)
    measured = kernels.skeleton_measures(digit, strokes.INK_LEVEL, strokes.CORE_FRACTION, strokes.CORE_PERCENTILE)
    if core.all():
        assert measured is None
        return
    skeleton = skeletonize(core)
    if not skeleton.any():
        assert measured == (0, 0.0, 0.0)
        return
    distances = ndimage.distance_transform_edt(core)[skeleton]
    assert measured == (int(skeleton.sum()), float(small_ops.median(distances)), float(np.clip(digit, 0, 1).sum()))


@pytest.mark.parametrize("seed", range(300))
def test_digit_crop_equals_its_numpy_steps(seed):
    rng = np.random.default_rng(seed)
    mask = masks(seed)
    ink_map = np.where(mask, arrays(seed)[:1, :1] + rng.random(mask.shape, dtype=np.float32), 0).astype(np.float32)
    if seed % 5 == 0:
        ink_map *= np.float32(1e-4)  # faint ink: the 1e-3 floor divides
    labels, count = ndimage.label(mask, structure=np.ones((3, 3)))
    if count == 0:
        return
    kept = sorted(rng.choice(np.arange(1, count + 1), size=int(rng.integers(1, min(count, 4) + 1)), replace=False))
    strokes = np.isin(labels, kept)
    crop = ink_map * ndimage.binary_dilation(strokes, iterations=2)
    peak = float(np.percentile(crop[strokes], 90))
    expected = np.clip(crop / max(peak, 1e-3), 0.0, 1.0)
    ours = kernels.digit_crop(ink_map, labels, [int(label) for label in kept])
    assert ours.dtype == expected.dtype == np.float32 and np.array_equal(ours, expected)


@pytest.mark.parametrize("seed", range(300))
def test_resize_equals_pillow(seed):
    from PIL import Image

    rng = np.random.default_rng(seed)
    image = arrays(seed)[:120, :120]
    if seed % 3 == 0:
        image = masks(seed)[:120, :120].astype(np.float32)  # hard edges: the filters' negative lobes
    height, width = image.shape
    sizes = [(int(rng.integers(1, 100)), int(rng.integers(1, 100))), (width, int(rng.integers(1, 100))),
             (int(rng.integers(1, 100)), height), (width, height), (max(1, width // 4), max(1, height // 4))]
    for kind, method in ((kernels.BOX, Image.Resampling.BOX), (kernels.BICUBIC, Image.Resampling.BICUBIC),
                         (kernels.LANCZOS, Image.Resampling.LANCZOS)):
        for size in sizes:
            theirs = np.asarray(Image.fromarray(image, "F").resize(size, method), np.float32)
            ours = kernels.resize(image, *size, kind)
            assert ours.dtype == np.float32 and np.array_equal(ours, theirs), (kind, image.shape, size)


@pytest.mark.parametrize("seed", range(400))
def test_sum_equals_numpy(seed):
    image = arrays(seed)[:90, :90]
    if seed % 10 == 0:
        image = np.tile(image, (3, 3))  # past numpy's 8,192-value buffer: still one pairwise sum
    for values in (image, image.astype(np.float64) * np.arange(image.shape[0]).reshape(-1, 1)):
        ours = statistics.numpy_sum(np.ascontiguousarray(values))  # a Python float holding the float32 or float64 sum
        assert ours == float(values.sum())


@pytest.mark.parametrize("seed", range(300))
def test_centred_equals_the_numpy_centring(seed):
    rng = np.random.default_rng(seed)
    digit = arrays(seed)[:int(rng.integers(1, 21)), :int(rng.integers(1, 21))].copy()
    if seed % 9 == 0:
        digit[:] = 0  # no ink
    ours = kernels.centred(digit, 14.0, 1, 28)
    peak = float(digit.max())
    if peak <= 0:
        assert ours is None
        return
    scaled = digit / peak
    centre_row, centre_col = ndimage.center_of_mass(scaled)
    height, width = scaled.shape
    top = min(max(round(14.0 - centre_row), 1), max(1, 28 - 1 - height))
    left = min(max(round(14.0 - centre_col), 1), max(1, 28 - 1 - width))
    frame = np.zeros((28, 28), np.float32)
    frame[top:top + height, left:left + width] = scaled
    expected = np.round(np.clip(frame, 0.0, 1.0) * 255.0).astype(np.uint8)
    assert ours.dtype == np.uint8 and np.array_equal(ours, expected)


WARM_UP_COVERS_THE_CORPUS = """
import numba
from denoiser import kernels, preprocess
from denoiser.image_errors import BlankImageError
from denoiser.kernels import frame, ink, resample, statistics, strokes
from preprocess_corpus import cases

def signatures():
    return {f"{module.__name__}.{name}": len(value.signatures) for module in (frame, ink, resample, statistics, strokes)
            for name, value in vars(module).items() if isinstance(value, numba.core.registry.CPUDispatcher)}

kernels.warm_up()
warm = signatures()
entries = ("strokes._thin", "strokes._distance_at", "strokes._skeleton_measures", "ink._components", "ink._digit_crop",
           "ink._extreme_filter", "ink._dark_stroke_width", "statistics._ink_threshold", "statistics._order_statistics",
           "frame._centred", "resample._resize")  # what the wrappers call (the kernels they call compile with them)
assert all(warm["denoiser.kernels." + name] for name in entries), warm
for name, data, mode in cases():
    try:
        preprocess.prepare_digit(data, mode)
    except BlankImageError:
        pass
assert signatures() == warm, {name: count for name, count in signatures().items() if count != warm[name]}
print(len(warm))
"""


def test_warm_up_compiles_every_kernel_for_what_requests_send():
    """After `warm_up` (which the API runs before its first request), no upload of the golden corpus makes
    numba compile anything: a first request does not wait seconds for a compiler."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(BACKEND), str(Path(__file__).resolve().parent)])}
    done = subprocess.run([sys.executable, "-c", WARM_UP_COVERS_THE_CORPUS], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert int(done.stdout.split()[-1]) >= 11


def test_the_command_line_warms_the_kernels_up_and_says_how_long_it_took(capsys):
    from denoiser.kernels.__main__ import main

    main()
    said = capsys.readouterr().out
    assert said.startswith("preprocessing's kernels ready in ") and "numba's cache:" in said


def test_kernels_compile_without_a_writable_cache_directory(tmp_path):
    """A read-only file system (no NUMBA_CACHE_DIR, no home) compiles at every start instead of failing."""
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    (tmp_path / "__pycache__").write_text("")  # the cache beside the source cannot be made either
    (tmp_path / "uncached.py").write_text(
        "from denoiser.kernels.compiling import compiled\n\n@compiled\ndef double(x):\n    return 2 * x\n")
    script = "import uncached; print(uncached.double(21))"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(blocked / "numba"), "HOME": str(blocked),
           "PYTHONPATH": os.pathsep.join([str(tmp_path), str(BACKEND)])}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "42"
    assert "compiled kernels not cached" in done.stderr
