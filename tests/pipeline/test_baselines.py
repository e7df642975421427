"""Classical baselines: their parameter grids, tuning on the validation split, and the saved result."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from denoiser.imaging import metrics, to_model_input
from denoiser.imaging.noise import add_noise
from denoiser.models.baselines import METHODS, PCABaseline
from denoiser.models.tuned_baselines import TunedBaselines
from denoiser.training import data
from denoiser.training import tune_baselines as baseline_tuning

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT.parent / "shared" / "datasets"
needs_data = pytest.mark.skipif(not (DATA_DIR / "mnist").is_dir(), reason="needs ../shared/datasets")


@pytest.fixture(scope="module")
def digits() -> np.ndarray:
    if not (DATA_DIR / "mnist").is_dir():
        pytest.skip("needs ../shared/datasets")
    return to_model_input(data.load_dataset("mnist", DATA_DIR).x_train[:24])


def test_tuning_keeps_the_grid_point_with_the_best_validation_psnr(digits):
    method = METHODS["total variation"]
    chosen = baseline_tuning.tune_method(method, digits, seed=3)
    noisy = add_noise(digits, "gaussian", 0.5, 3)
    every = {params["factor"]: metrics.psnr_per_image(digits, method.run(noisy, 0.5, **params)).mean()
             for params in method.grid}
    best = chosen["gaussian"]["0.5"]
    assert best["psnr"] == pytest.approx(max(every.values()), abs=1e-3)
    assert every[best["params"]["factor"]] == max(every.values())
    assert set(chosen) == set(baseline_tuning.LEVELS)


def test_every_baseline_improves_on_the_noisy_digits_at_its_best_setting(digits):
    noisy = add_noise(digits, "gaussian", 0.5, 1)
    before = metrics.psnr_per_image(digits, noisy).mean()
    for method in METHODS.values():
        if method.slow:
            continue
        best = max(metrics.psnr_per_image(digits, method.run(noisy, 0.5, **p)).mean() for p in method.grid)
        assert best > before + 1, method.key  # non-local means gains the least: about 2 dB


def test_pca_with_all_components_reconstructs_and_with_few_smooths(digits):
    flat_count = 24
    full = PCABaseline(digits, components=flat_count - 1)
    assert np.abs(full(digits) - digits).mean() < 0.01
    few = PCABaseline(digits, components=2)
    assert np.abs(few(digits) - digits).mean() > 0.05


@needs_data
def test_tuned_baselines_are_saved_with_the_model_and_load_back(tmp_path):
    model_dir = tmp_path / "m" / "1"
    model_dir.mkdir(parents=True)
    shutil.copy(ROOT / "models" / "mnist-vae" / "1" / "metadata.json", model_dir / "metadata.json")
    baseline_tuning.main(["--model", str(model_dir), "--data-dir", str(DATA_DIR), "--images", "16",
                          "--methods", "median,gaussian blur"])
    saved = json.loads((model_dir / "baselines.json").read_text())
    assert saved["validation_images"] == 16 and set(saved["methods"]) == {"median", "gaussian blur"}
    assert saved["command"].startswith("denoiser tune-baselines")
    tuned = TunedBaselines.load(model_dir)
    assert tuned.pca.components == 16  # the VAE's code size
    assert [m.key for m in tuned.methods(include_slow=True)] == ["median", "gaussian blur"]
    # the nearest tuned level answers; no noise runs the method at the oracle level 0
    assert tuned.params("median", "gaussian", 0.46) == saved["methods"]["median"]["gaussian"]["0.5"]["params"]
    assert tuned.params("median", "none", 0.0) == saved["methods"]["median"]["gaussian"]["0.1"]["params"]
    baseline_tuning.main(["--model", str(model_dir), "--data-dir", str(DATA_DIR), "--images", "16",
                          "--methods", "wavelet"])  # re-tunes one method, keeps the others
    merged = json.loads((model_dir / "baselines.json").read_text())
    assert set(merged["methods"]) == {"median", "gaussian blur", "wavelet"}
    assert merged["methods"]["median"] == saved["methods"]["median"]
    image = np.zeros((1, 28, 28, 1), np.float32)
    output, params = tuned.run(METHODS["gaussian blur"], image, "salt_pepper", 0.17)
    assert output.shape == image.shape and params == tuned.params("gaussian blur", "salt_pepper", 0.2)


def test_a_model_without_tuned_baselines_loads_none(tmp_path):
    assert TunedBaselines.load(tmp_path) is None


def test_the_command_line_rejects_an_unknown_method(tmp_path, capsys):
    with pytest.raises(SystemExit):
        baseline_tuning.main(["--model", str(tmp_path), "--methods", "median,sharpen"])
    assert "unknown method 'sharpen'" in capsys.readouterr().err
