"""`denoiser train --data PATH --name NAME`: your own images train, export and are served; bad data gets a
clear message and a failed run leaves nothing a server would load. The images are made here, never committed."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from denoiser.training import data, sources, train

DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
CLI = Path(sys.executable).with_name("denoiser")


@pytest.fixture(scope="module")
def fashion() -> data.Dataset:
    return data.load_dataset("fashion-mnist", DATA_DIR)


def write_folder(root: Path, images: np.ndarray, labels: np.ndarray, names: list[str], invert_and_grow=False):
    """Images as PNG files in one subfolder per class (dark on light and 84 px when `invert_and_grow`)."""
    for index, (image, label) in enumerate(zip(images, labels)):
        folder = root / names[label].replace("/", "-").replace(" ", "-")
        folder.mkdir(parents=True, exist_ok=True)
        picture = Image.fromarray(255 - image if invert_and_grow else image)
        if invert_and_grow:
            picture = picture.resize((84, 84))
        picture.save(folder / f"{index}.png")
    return root


def run_cli(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), "train", *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"})


def test_a_folder_with_class_subfolders_trains_and_is_served_with_its_classes(tmp_path, fashion):
    from denoiser.serving import create_app

    names = data.CLASS_NAMES["fashion-mnist"]
    folder = write_folder(tmp_path / "clothes", fashion.x_train[:2000], fashion.y_train[:2000], names)
    started = time.time()
    result = run_cli("--data", str(folder), "--name", "clothes", "--epochs", "5", "--output-dir",
                     str(tmp_path / "models"))
    minutes = (time.time() - started) / 60
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "1800 training images, 200 test images" in result.stdout
    assert "preprocess: resize (images are small" in result.stdout
    assert minutes < 10, f"{minutes:.1f} min for 2,000 images and 5 epochs"
    model_dir = tmp_path / "models" / "clothes" / "1"
    card = json.loads((model_dir / "metadata.json").read_text())
    assert card["version"] == 1 and card["dataset"] == "clothes" and card["preprocess"] == "resize"
    assert card["class_names"][:2] == ["Ankle-boot", "Bag"] and card["data"]["n_test"] == 200
    for companion in ("report/report.md", "examples.json", "latent_map.json", "baselines.json", "history.json"):
        assert (model_dir / companion).is_file(), companion
    assert not [p for p in (tmp_path / "models" / "clothes").iterdir() if p.name.startswith(".")]

    app = create_app({"model_dir": tmp_path / "models", "default_model": "clothes", "TESTING": True})
    client = app.test_client()
    listed = client.get("/models").get_json()["models"]
    assert [m["name"] for m in listed] == ["clothes"]
    png = tmp_path / "clothes" / "Bag" / os.listdir(tmp_path / "clothes" / "Bag")[0]
    form = {"model": "clothes", "preprocess": "resize"}
    denoised = client.post("/denoise", data={"image": (png.open("rb"), "bag.png"), "noise": "gaussian", **form})
    assert denoised.status_code == 200, denoised.get_json()
    assert denoised.get_json()["model"]["name"] == "clothes"
    # labelled folders also get their classifier: the answer says what the image reads as, in the folder's names
    reading = denoised.get_json()["reading"]
    assert reading["classifier"] == {"name": "clothes-classifier", "version": 1}
    assert reading["input"]["class_name"] in card["class_names"]
    assert "training clothes-classifier" in result.stdout
    assert (tmp_path / "models" / "clothes-classifier" / "1" / "report" / "report.md").is_file()
    as_trained = client.post("/denoise", data={"image": (png.open("rb"), "bag.png"), "model": "clothes"})
    assert as_trained.get_json()["results"][0]["preprocess"]["mode"] == "resize"  # the card's, by default
    encoded = client.post("/encode", data={"image": (png.open("rb"), "bag.png"), **form})
    assert encoded.status_code == 200, encoded.get_json()
    compared = client.post("/compare", data={"image": (png.open("rb"), "bag.png"), "noise": "gaussian",
                                             "methods": "median", **form})
    assert compared.status_code == 200, compared.get_json()
    assert client.get("/models/clothes/latent-map").status_code == 200


def test_fine_tuning_starts_from_a_served_model_and_says_so(tmp_path, fashion, capsys):
    folder = write_folder(tmp_path / "few", fashion.x_train[:120], fashion.y_train[:120],
                          data.CLASS_NAMES["fashion-mnist"], invert_and_grow=True)
    exported = train.main(["--data", str(folder), "--name", "few", "--init-from", "models/mnist/5", "--epochs", "1",
                           "--output-dir", str(tmp_path / "models")])
    out = capsys.readouterr().out
    assert "preprocess: mnist (images up to 84 px" in out and "fine-tuning models/mnist/5" in out
    card = json.loads((exported / "metadata.json").read_text())
    assert card["training"]["init_from"] == "models/mnist/5"
    assert (card["arch"], card["latent_dim"]) == ("unet", 128)  # the starting model's architecture


def test_a_clashing_name_gets_a_new_version_and_a_failed_export_leaves_nothing(tmp_path, fashion, monkeypatch):
    folder = write_folder(tmp_path / "mine", fashion.x_train[:80], fashion.y_train[:80],
                          data.CLASS_NAMES["fashion-mnist"])
    flags = ["--data", str(folder), "--name", "mine", "--epochs", "1", "--width", "2", "--latent-dim", "4",
             "--output-dir", str(tmp_path / "models")]
    first = train.main(flags)
    before = sorted(p.name for p in first.iterdir())
    second = train.main(flags)
    assert (first.name, second.name) == ("1", "2")
    assert sorted(p.name for p in first.iterdir()) == before  # version 1 untouched

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(train.export, "write_json", disk_full)
    with pytest.raises(OSError, match="No space left"):
        train.main(flags)
    assert sorted(p.name for p in (tmp_path / "models" / "mine").iterdir()) == ["1", "2"]


def test_dry_run_says_what_would_be_trained_on_and_writes_nothing(tmp_path, fashion):
    folder = write_folder(tmp_path / "mixed", fashion.x_train[:100], fashion.y_train[:100],
                          data.CLASS_NAMES["fashion-mnist"])
    Image.fromarray(fashion.x_train[200]).resize((40, 40)).save(folder / "Bag" / "bigger.png")
    (folder / "Bag" / "truncated.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = run_cli("--data", str(folder), "--name", "mixed", "--dry-run", "--output-dir", str(tmp_path / "models"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "mixed sizes" in result.stdout and "skipped 1 file(s)" in result.stdout
    assert "truncated.png" in result.stdout and "would export" in result.stdout
    assert not (tmp_path / "models").exists()


@pytest.mark.parametrize("case, message", [
    ("empty", "no images found"),
    ("unreadable", "could not be used (more than 10%)"),
    ("too_few", "a denoiser needs at least 50"),
    ("not_npz", "a file must be an .npz"),
    ("npz_without_x", "no array named 'x'"),
    ("missing", "no such file or folder"),
])
def test_bad_data_stops_with_a_clear_message_before_training(tmp_path, fashion, case, message):
    path = tmp_path / case
    if case == "empty":
        path.mkdir()
    elif case == "unreadable":
        write_folder(path, fashion.x_train[:60], fashion.y_train[:60], data.CLASS_NAMES["fashion-mnist"])
        for index in range(10):
            (path / "Bag" / f"broken{index}.jpg").write_bytes(b"not an image")
    elif case == "too_few":
        write_folder(path, fashion.x_train[:20], fashion.y_train[:20], data.CLASS_NAMES["fashion-mnist"])
    elif case == "not_npz":
        path = tmp_path / "images.txt"
        path.write_text("hello")
    elif case == "npz_without_x":
        path = tmp_path / "arrays.npz"
        np.savez(path, images=fashion.x_train[:60])
    with pytest.raises(sources.DataError, match=message.replace(".", r"\.").replace("(", r"\(").replace(")", r"\)")):
        sources.load(path)


def test_the_command_line_refuses_data_without_a_name_and_reports_bad_data(tmp_path):
    (tmp_path / "empty").mkdir()
    no_name = run_cli("--data", str(tmp_path / "empty"), timeout=120)
    assert no_name.returncode == 2 and "--data needs --name" in no_name.stderr
    empty = run_cli("--data", str(tmp_path / "empty"), "--name", "x", "--output-dir", str(tmp_path / "m"),
                    timeout=120)
    assert empty.returncode != 0 and "no images found" in empty.stderr
    assert not (tmp_path / "m").exists()


def test_an_npz_trains_through_the_same_preprocessing(tmp_path, fashion):
    path = tmp_path / "arrays.npz"
    np.savez(path, x=fashion.x_train[:300].astype(np.float32) / 255.0, y=fashion.y_train[:300])
    loaded = sources.load(path, seed=1)
    assert loaded.preprocess == "resize" and len(loaded.dataset.x_train) == 270
    assert loaded.dataset.x_train.dtype == np.uint8 and loaded.dataset.x_train.shape[1:] == (28, 28)
    assert loaded.class_names == [str(i) for i in range(10)]


def test_with_vae_trains_a_vae_of_the_same_images_grouped_with_the_model(tmp_path, fashion, capsys):
    from denoiser.serving import create_app

    folder = write_folder(tmp_path / "pair", fashion.x_train[:80], fashion.y_train[:80],
                          data.CLASS_NAMES["fashion-mnist"])
    flags = ["--data", str(folder), "--name", "pair", "--with-vae", "--epochs", "1", "--width", "2",
             "--latent-dim", "4", "--output-dir", str(tmp_path / "models")]
    assert train.main([*flags, "--dry-run"]) is None
    planned = capsys.readouterr().out
    assert "would export" in planned and "pair/1 (unet)" in planned and "pair-vae/1 (vae)" in planned
    train.main(flags)
    vae = json.loads((tmp_path / "models" / "pair-vae" / "1" / "metadata.json").read_text())
    assert (vae["arch"], vae["latent_dim"], vae["dataset"]) == ("vae", 16, "pair")
    registry = create_app({"model_dir": tmp_path / "models", "default_model": "pair"}).extensions["denoiser.registry"]
    assert [m.name for m in registry.of_dataset("pair")] == ["pair", "pair-vae"]
    assert registry.decoders() == ["pair-vae"]
