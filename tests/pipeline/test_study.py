"""`denoiser study`: it refuses names it does not know, and a quick run writes a page a reader can
trust: the command that regenerates it, the data it used, a table, figures that exist, sane numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from denoiser.evaluation import study
from denoiser.evaluation.studies import STUDIES
from denoiser.evaluation.studies.dataset import components_for, explained_variance
from denoiser.evaluation.studies.page import MAX_FIGURE_BYTES
from denoiser.training import data

DATA_DIR = data.REPO_ROOT.parent / "shared" / "datasets"
MODELS = data.REPO_ROOT / "models"
needs_data = pytest.mark.skipif(not (DATA_DIR / "mnist").is_dir(), reason="needs ../shared/datasets")


def test_unknown_study_is_refused_with_every_known_name(capsys):
    with pytest.raises(SystemExit) as exit_info:
        study.main(["pca-vs-ae", "no-such-study"])
    assert exit_info.value.code == 2
    message = capsys.readouterr().err
    assert "unknown study 'no-such-study'" in message
    assert all(name in message for name in STUDIES)


def test_no_name_means_every_study_and_the_page_command_repeats_the_flags():
    args = study.parse_args(["--data-dir", "../shared/datasets"])
    assert args.names == list(STUDIES)
    assert study.command("sparsity", args) == "denoiser study sparsity --data-dir ../shared/datasets"
    quick = study.parse_args(["dataset", "--quick", "--models", "mnist"])
    assert quick.output_dir == study.QUICK_OUTPUT  # a quick run never overwrites the committed pages
    assert study.command("dataset", quick) == "denoiser study dataset --quick --models mnist"


def test_every_registered_study_has_a_runnable_module():
    assert all(callable(entry.run) for entry in STUDIES.values())


def test_explained_variance_is_a_decreasing_share_that_sums_to_one():
    images = np.random.default_rng(0).random((300, 28, 28)).astype(np.float32) ** 4
    ratios = explained_variance(images)
    assert np.all(np.diff(ratios) <= 1e-9)
    assert np.sum(ratios) == pytest.approx(1.0, abs=1e-5)
    assert components_for(ratios, 0.5) < components_for(ratios, 0.9) <= len(ratios)
    assert np.cumsum(ratios)[components_for(ratios, 0.9) - 1] >= 0.9


def _figures(page: Path) -> list[Path]:
    return [page.parent / link for link in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page.read_text())]


@pytest.fixture(scope="module")
def pca_run(tmp_path_factory):
    """pca-vs-ae in quick mode (4 tiny autoencoders, 2 epochs each) into a temporary directory."""
    if not (DATA_DIR / "mnist").is_dir():
        pytest.skip("needs ../shared/datasets")
    output = tmp_path_factory.mktemp("studies")
    study.main(["pca-vs-ae", "--quick", "--data-dir", str(DATA_DIR), "--output-dir", str(output)])
    return output


@needs_data
def test_a_study_page_starts_with_its_command_and_shows_tables_and_figures(pca_run):
    page = pca_run / "pca-vs-ae.md"
    lines = page.read_text().splitlines()
    assert lines[0].startswith("# ")
    assert lines[3] == f"denoiser study pca-vs-ae --data-dir {DATA_DIR} --quick --output-dir {pca_run}"
    assert any("Data used" in line for line in lines[:10])
    assert any(line.startswith("**Run time**") for line in lines)
    assert any(re.fullmatch(r"\|( --- \|)+", line) for line in lines)
    figures = _figures(page)
    assert len(figures) >= 3
    for figure in figures:
        assert figure.is_file(), figure
        assert figure.stat().st_size < MAX_FIGURE_BYTES


@needs_data
def test_pca_numbers_are_sane_and_the_index_links_the_page(pca_run):
    record = json.loads((pca_run / "pca-vs-ae.json").read_text())
    pca = record["results"]["PCA, 30 components"]["test"]
    assert 0.5 < record["results"]["explained_variance_30"] < 1.0
    assert pca["reconstruction"]["psnr"] > 15.0  # 30 components keep most of a digit
    assert pca["denoising"]["psnr"] > 9.5  # projecting σ=0.5 noise (9.4 dB) onto them removes much of it
    index = (pca_run / "README.md").read_text()
    assert "[pca-vs-ae](pca-vs-ae.md)" in index
    assert "EE5179" in index and "Not run yet: dataset" in index


@needs_data
@pytest.mark.skipif(not (MODELS / "mnist" / "5" / "saved_model.pb").is_file(), reason="needs the served mnist model")
def test_league_table_scores_the_served_export_against_its_card(tmp_path):
    study.main(["architectures", "--quick", "--models", "mnist", "--data-dir", str(DATA_DIR),
                "--models-dir", str(MODELS), "--output-dir", str(tmp_path)])
    (entry,) = json.loads((tmp_path / "architectures.json").read_text())["results"]["entries"]
    card = json.loads((MODELS / "mnist" / "5" / "metadata.json").read_text())
    assert entry["path"].endswith("mnist/5") and entry["params"] == card["params"]
    noisy = json.loads((tmp_path / "architectures.json").read_text())["results"]["noisy"]
    assert all(entry["test"][level]["psnr"] > noisy[level]["psnr"] + 3 for level in noisy)
    assert entry["images_per_second"] > 0 and entry["latency_ms"] > 0
