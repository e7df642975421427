"""Does the class survive denoising? `denoiser evaluate --reading-only` with copies of the committed mnist/5
and the served mnist classifier on a small subset: sane readings, the rest of the card untouched, the report's table;
no classifier, no section; and the `trust` study ranks served models from their cards alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from denoiser.evaluation import evaluate, readings, study
from denoiser.models.store import discover
from denoiser.training import data

DATA_DIR = data.REPO_ROOT.parent / "shared" / "datasets"
MODELS = data.REPO_ROOT / "models"
DENOISER = MODELS / "mnist" / "5"
CLASSIFIER = MODELS / "mnist-classifier" / str(max(discover(MODELS, kind="classifier").get("mnist-classifier", [0])))
LIMIT = 200
needs_models = pytest.mark.skipif(
    not (DATA_DIR / "mnist").is_dir() or not (DENOISER / "saved_model.pb").is_file()
    or not (CLASSIFIER / "saved_model.pb").is_file(), reason="needs ../shared/datasets, mnist/5 and mnist's classifier")


def _copy(source: Path, target: Path) -> Path:
    """A model version without its figures and fast path (the reading needs the SavedModel, card and report)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.png", "*.tflite", "*.npz", "*.npy"))
    return target


def _without_reading(report: str) -> str:
    """The report with its "Does the class survive?" section cut out."""
    start = report.find(f"## {readings.TITLE}")
    if start < 0:
        return report
    end = report.find("\n## ", start + 1)
    return report[:start] + report[end + 1:]


@pytest.fixture(scope="module")
def read_copy(tmp_path_factory):
    """A copy of models/mnist/5 beside a copy of the served mnist classifier, read on the first LIMIT test
    images."""
    if not (DATA_DIR / "mnist").is_dir() or not (DENOISER / "saved_model.pb").is_file() \
            or not (CLASSIFIER / "saved_model.pb").is_file():
        pytest.skip("needs ../shared/datasets, mnist/5 and mnist's classifier")
    root = tmp_path_factory.mktemp("models")
    model = _copy(DENOISER, root / "mnist" / "5")
    _copy(CLASSIFIER, root / "mnist-classifier" / CLASSIFIER.name)
    before = {"card": json.loads((model / "metadata.json").read_text()),
              "report": (model / "report" / "report.md").read_text()}
    written = evaluate.main(["--model", str(model), "--data-dir", str(DATA_DIR), "--limit", str(LIMIT),
                             "--reading-only"])
    return model, written, before


@needs_models
def test_the_readings_are_sane(read_copy):
    model, _, _ = read_copy
    reading = json.loads((model / "metadata.json").read_text())["metrics"]["reading"]
    assert reading["classifier"] == f"mnist-classifier/{CLASSIFIER.name}"
    per_setting = readings.settings_of(reading)
    assert list(per_setting) == [readings.key(noise, level) for noise, level in readings.SETTINGS]
    for entry in per_setting.values():
        assert entry["n"] == LIMIT
        assert 0.0 <= entry["changed"] <= 1.0
        assert entry["accuracy"]["clean"] > 0.95  # the classifier reads clean test digits almost always right
        assert all(0.0 <= value <= 1.0 for value in entry["accuracy"].values())
    assert per_setting["none:0"]["accuracy"]["noisy"] == per_setting["none:0"]["accuracy"]["clean"]
    strong = per_setting["gaussian:0.9"]
    assert strong["accuracy"]["denoised"] > strong["accuracy"]["noisy"]  # denoising helps the reader at σ=0.9
    assert per_setting["gaussian:0.9"]["changed"] >= per_setting["gaussian:0.3"]["changed"]
    assert 0.6 < per_setting["gaussian:0.7"]["risk_auc"] <= 1.0  # the risk score ranks wrong classes first


@needs_models
def test_reading_only_leaves_the_rest_of_the_card_and_report_alone(read_copy):
    model, written, before = read_copy
    card = json.loads((model / "metadata.json").read_text())
    assert {k: v for k, v in card["metrics"].items() if k != "reading"} == \
        {k: v for k, v in before["card"]["metrics"].items() if k != "reading"}
    assert {k: v for k, v in card.items() if k != "metrics"} == {k: v for k, v in before["card"].items()
                                                                  if k != "metrics"}
    assert written == model / "report" / "report.md"
    assert _without_reading(written.read_text()) == _without_reading(before["report"])


@needs_models
def test_the_report_has_the_class_survival_table(read_copy):
    _, written, _ = read_copy
    text = written.read_text()
    assert f"## {readings.TITLE}" in text
    header = "| noise | accuracy clean | accuracy noisy | **accuracy denoised** | **changed** | risk AUC | images |"
    assert header in text
    assert "| gaussian 0.7 | " in text and f"`mnist-classifier/{CLASSIFIER.name}`" in text
    assert text.index(readings.TITLE) < text.index("## Against classical baselines")


@needs_models
def test_a_dataset_without_a_classifier_gets_no_section_and_no_crash(tmp_path, capsys):
    model = _copy(DENOISER, tmp_path / "mnist" / "5")
    card = json.loads((model / "metadata.json").read_text())
    card["metrics"].pop("reading", None)
    (model / "metadata.json").write_text(json.dumps(card))
    report = model / "report" / "report.md"
    report.write_text(evaluate.rerender_report(card, model / "report").read_text())
    assert readings.TITLE not in report.read_text()
    assert readings.classifier_for(model, "mnist") is None
    written = evaluate.main(["--model", str(model), "--data-dir", str(DATA_DIR), "--limit", "20", "--reading-only"])
    assert written == model / "metadata.json"
    assert "no mnist-classifier beside" in capsys.readouterr().out
    assert json.loads((model / "metadata.json").read_text()) == card
    assert readings.TITLE not in report.read_text()


def test_the_classifier_is_the_highest_version_beside_the_model(tmp_path):
    for version in (1, 3, 2):
        folder = tmp_path / "mnist-classifier" / str(version)
        folder.mkdir(parents=True)
        (folder / "saved_model.pb").write_bytes(b"")
        (folder / "metadata.json").write_text(json.dumps({"kind": "classifier", "dataset": "mnist"}))
    (tmp_path / "mnist" / "5").mkdir(parents=True)
    assert readings.classifier_for(tmp_path / "mnist" / "5", "mnist") == tmp_path / "mnist-classifier" / "3"
    assert readings.classifier_for(tmp_path / "mnist" / "5", "fashion-mnist") is None


def test_the_risk_auc_needs_both_outcomes():
    risks = np.array([0.1, 0.9, 0.2, 0.8])
    assert readings.risk_auc(np.array([False, True, False, True]), risks) == 1.0
    assert readings.risk_auc(np.array([True, False, True, False]), risks) == 0.0
    assert readings.risk_auc(np.zeros(4, bool), risks) is None


def test_latent_only_and_reading_only_do_not_mix(capsys):
    with pytest.raises(SystemExit) as stopped:
        evaluate.parse_args(["--model", "m", "--latent-only", "--reading-only"])
    assert stopped.value.code == 2
    assert "pick one" in capsys.readouterr().err


def _fake_card(root: Path, name: str, dataset: str, arch: str, psnr: float, changed: dict | None) -> None:
    """A served model as the trust study sees it: a saved_model.pb (empty) and a card."""
    folder = root / name / "1"
    folder.mkdir(parents=True)
    (folder / "saved_model.pb").write_bytes(b"")
    metrics = {"test": {"gaussian:0.5": {"denoised": {"psnr": psnr, "ssim": psnr / 25}}}}
    if changed is not None:
        metrics["reading"] = {"classifier": f"{dataset}-classifier/1", **{
            f"gaussian:{level}": {"accuracy": {"clean": 0.99, "noisy": 0.3, "denoised": 0.99 - rate},
                                  "changed": rate, "risk_auc": 0.9, "n": 100}
            for level, rate in changed.items()}}
    (folder / "metadata.json").write_text(json.dumps({"name": name, "version": 1, "dataset": dataset, "arch": arch,
                                                      "params": 1000, "metrics": metrics}))


def test_the_trust_study_ranks_models_from_their_cards(tmp_path):
    models, output = tmp_path / "models", tmp_path / "studies"
    _fake_card(models, "mnist", "mnist", "unet", 21.1, {"0.5": 0.02, "0.7": 0.08, "0.9": 0.2})
    _fake_card(models, "mnist-dense", "mnist", "dense", 17.0, {"0.5": 0.05, "0.7": 0.15, "0.9": 0.3})
    _fake_card(models, "fashion-mnist", "fashion-mnist", "unet", 19.0, None)  # not read yet
    (page,) = study.main(["trust", "--models-dir", str(models), "--output-dir", str(output)])
    text = page.read_text()
    assert text.splitlines()[3] == f"denoiser study trust --output-dir {output} --models-dir {models}"
    assert "| model | params | PSNR / SSIM σ=0.5 | changed σ=0.5 | changed σ=0.7 | changed σ=0.9 |" in text
    assert text.index("mnist-dense/1 (dense)") < text.index("mnist/1 (unet)")  # most changes first
    assert "| mnist/1 (unet) | 1,000 | 21.10 / 0.844 | 2.0% | **8.0%** | 20.0% | 91.0% | 0.900 |" in text
    assert "without readings" in text and "fashion-mnist/1" in text
    record = json.loads((output / "trust.json").read_text())
    entries = record["results"]["datasets"]["mnist"]["entries"]
    assert [entry["name"] for entry in entries] == ["mnist-dense", "mnist"]
    assert record["results"]["unread"] == ["fashion-mnist/1"]
    assert "[trust](trust.md)" in (output / "README.md").read_text()


@needs_models
def test_candidates_are_compared_on_validation_with_the_served_classifier(capsys, monkeypatch):
    """`denoiser candidates`: how a new default is chosen without the test split; heavier noise changes more
    digits."""
    from denoiser.evaluation import candidates

    monkeypatch.setattr(candidates.readings, "SETTINGS", (("gaussian", 0.5), ("gaussian", 0.9)))
    results = candidates.main([str(DENOISER), "--data-dir", str(DATA_DIR)])
    rows = results[str(DENOISER)]
    assert 20 < rows["gaussian:0.5"]["psnr"] < 25 and rows["gaussian:0.5"]["ssim"] > 0.8
    assert 0 <= rows["gaussian:0.5"]["changed"] < rows["gaussian:0.9"]["changed"] < 0.5
    printed = capsys.readouterr().out
    assert "1000 mnist validation images" in printed and f"| {DENOISER} | " in printed


@needs_models
def test_a_classifier_gets_its_own_report_from_the_test_split(tmp_path):
    """`denoiser evaluate` on a reference classifier: accuracy on clean and noisy test images, per class, in its
    card and report (the training never read the test split)."""
    classifier = _copy(CLASSIFIER, tmp_path / "models" / "mnist-classifier" / "1")
    report = evaluate.main(["--model", str(classifier), "--data-dir", str(DATA_DIR), "--limit", str(LIMIT)])
    card = json.loads((classifier / "metadata.json").read_text())
    settings = card["metrics"]["test"]["settings"]
    assert settings["none:0"]["accuracy"] > 0.95 and settings["none:0"]["n"] == LIMIT
    assert settings["gaussian:0.9"]["accuracy"] < settings["gaussian:0.3"]["accuracy"] <= 1
    assert set(card["metrics"]["test"]["per_class"]) == set(card["class_names"])
    text = report.read_text()
    assert "reference classifier of mnist" in text and "| gaussian 0.7 |" in text
