"""The `uncertainty` study (issue 33) renders its page in seconds when shrunk: the three tables (maps, risk
scores, the noisy reader's yardstick), the figure, sane numbers in its results and a line in the index."""

from __future__ import annotations

import json
import re

import pytest

from denoiser.evaluation import study
from denoiser.evaluation.studies import common
from denoiser.evaluation.studies import uncertainty as uncertainty_study
from denoiser.evaluation.studies.page import MAX_FIGURE_BYTES
from denoiser.training import data

DATA_DIR = data.REPO_ROOT.parent / "shared" / "datasets"
MODELS = data.REPO_ROOT / "models"
NEEDED = [MODELS / name for name in ("mnist", "mnist-classifier", "mnist-vae")]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """The study in quick mode, shrunk further: 48 validation and 128 training digits, 1 epoch, 3 passes."""
    if not (DATA_DIR / "mnist").is_dir() or not all(any(path.glob("*/saved_model.pb")) for path in NEEDED):
        pytest.skip("needs ../shared/datasets and the served mnist, mnist-classifier and mnist-vae")
    output = tmp_path_factory.mktemp("studies")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(common, "QUICK", common.Sizes(train=128, validation=48, test=0, sweep=0, cross=0, sample=0,
                                                    epochs=1))
        patch.setattr(uncertainty_study, "PASSES", 3)
        (written,) = study.main(["uncertainty", "--quick", "--data-dir", str(DATA_DIR), "--models-dir", str(MODELS),
                                 "--output-dir", str(output)])
    return written


def test_the_page_has_its_three_tables_and_figure(page):
    text = page.read_text()
    assert text.splitlines()[3].startswith("denoiser study uncertainty --data-dir")
    assert "| passes | correlation σ=0.5 | correlation σ=0.7 | correlation σ=0.9 | AUC σ=0.5 |" in text
    assert "| σ | wrong denoised class | AUC 1 - max p (single pass) | AUC 3 re-noised passes |" in text
    assert ("| σ | reader on noisy | plain noisy reader on noisy | deep noisy reader on noisy | denoiser + reader "
            "| changed |") in text
    for method in ("re-noise σ=0.1", "re-noise σ=0.2", "re-noise σ=0.3", "one-pixel shifts", "VAE posterior"):
        assert f"| {method} | " in text
    (figure,) = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert (page.parent / figure).is_file() and (page.parent / figure).stat().st_size < MAX_FIGURE_BYTES
    assert "[uncertainty](uncertainty.md)" in (page.parent / "README.md").read_text()


def test_the_numbers_are_sane_and_name_the_served_models(page):
    record = json.loads(page.with_suffix(".json").read_text())
    results = record["results"]
    assert results["images"] == 48 and results["readers"]["train_images"] == 128
    assert results["models"]["denoiser"].startswith("mnist/") and results["models"]["vae"].startswith("mnist-vae/")
    for per in results["maps"].values():
        assert set(per) == {"0.5", "0.7", "0.9"}
        assert all(-1.0 <= entry["correlation"] <= 1.0 for entry in per.values())
    assert results["maps"]["re-noise σ=0.1"]["0.7"]["correlation"] > 0.3  # the spread follows the error
    for entry in results["yardstick"].values():
        assert all(0.0 <= entry[key] <= 1.0 for key in ("noisy", "noisy_reader", "denoised", "changed"))
        assert set(entry["readers"]) == {"plain", "deep"}  # the yardstick is the better of two designs
        assert entry["reader_changed"] == min(reader["changed"] for reader in entry["readers"].values())
        assert entry["denoised"] > entry["noisy"]  # the served denoiser helps the reader
    assert [claim["report"] for claim in record["claims"]] == ["issue 33"] * 3
