"""Train a short run, export it, reload it with bare TensorFlow in a fresh process, evaluate it."""

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from denoiser.evaluation import evaluate
from denoiser.models import export
from denoiser.training import train

DATA_DIR = str(train.data.REPO_ROOT.parent / "shared" / "datasets")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """One short training run per architecture family used below (unet, the class-guided unet, conv, vae)."""
    out = tmp_path_factory.mktemp("models")
    dirs = {}
    for arch in ("unet", "unet-class", "conv", "vae"):
        dirs[arch] = train.main(["--dataset", "mnist", "--data-dir", DATA_DIR, "--arch", arch, "--epochs", "1",
                                 "--limit", "300", "--width", "8", "--batch-size", "32",
                                 "--name", f"tiny-{arch}", "--output-dir", str(out)])
    return dirs


BARE_LOAD = textwrap.dedent("""
    import json, sys
    import numpy as np
    import tensorflow as tf
    model = tf.saved_model.load(sys.argv[1])
    meta = json.load(open(sys.argv[1] + "/metadata.json"))
    images = tf.constant(np.random.default_rng(0).random((5, 28, 28, 1)), tf.float32)
    out = {"signatures": sorted(model.signatures.keys())}
    for name in ("serving_default", "denoise"):
        y = model.signatures[name](images=images)["denoised"].numpy()
        out[name] = [list(y.shape), float(y.min()), float(y.max())]
    encoded = model.signatures["encode"](images=images)
    z = encoded["latent"].numpy()
    out["encode_outputs"] = sorted(encoded)
    out["encode"] = list(z.shape)
    if "decode" in model.signatures:
        x = model.signatures["decode"](latent=tf.constant(z))["images"].numpy()
        out["decode"] = [list(x.shape), float(x.min()), float(x.max())]
    out["latent_dim"] = meta["latent_dim"]
    print(json.dumps(out))
""")


@pytest.mark.slow
@pytest.mark.parametrize("arch", ["unet", "unet-class", "conv", "vae"])
def test_export_loads_with_bare_tensorflow_in_a_fresh_process(exported, arch):
    result = subprocess.run([sys.executable, "-c", BARE_LOAD, str(exported[arch])],
                            capture_output=True, text=True, timeout=180, cwd="/")
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    for name in ("serving_default", "denoise"):
        shape, low, high = out[name]
        assert shape == [5, 28, 28, 1] and 0.0 <= low <= high <= 1.0
    assert out["encode"] == [5, out["latent_dim"]] == [5, 128]
    assert out["encode_outputs"] == (["latent", "log_variance"] if arch == "vae" else ["latent"])
    if arch in ("conv", "vae"):
        assert out["signatures"] == ["decode", "denoise", "encode", "serving_default"]
        shape, low, high = out["decode"]
        assert shape == [5, 28, 28, 1] and 0.0 <= low <= high <= 1.0
    else:
        assert out["signatures"] == ["denoise", "encode", "serving_default"]


@pytest.mark.slow
def test_the_class_guided_unet_has_its_fast_path(exported):
    """Its reader's pick (an equality against the maximum, not one_hot) converts to TFLite like the U-Net."""
    assert (exported["unet-class"] / "model.tflite").is_file()
    assert export.read_metadata(exported["unet-class"])["arch"] == "unet-class"


@pytest.mark.slow
def test_model_card_and_history(exported):
    card = export.read_metadata(exported["unet"])
    assert card["name"] == "tiny-unet" and card["version"] == 1 and card["arch"] == "unet"
    assert card["training"]["n_train"] == 270 and card["training"]["n_validation"] == 30
    assert card["training"]["command"].startswith("denoiser train --dataset mnist")
    assert card["training"]["config"]["width"] == 8
    assert "gaussian:0.5" in card["metrics"]["validation"]
    assert card["library_versions"]["tensorflow"]
    history = json.loads((exported["unet"] / "history.json").read_text())
    assert len(history["loss"]) == len(history["val_loss"]) == 1


@pytest.mark.slow
def test_a_second_run_gets_the_next_version(exported):
    root = exported["unet"].parent.parent
    assert export.next_version(root, "tiny-unet") == 2
    with pytest.raises(FileExistsError):
        export.export_model(None, exported["unet"], {})


@pytest.mark.slow
def test_evaluate_writes_report_latent_map_and_gallery(exported):
    model_dir = exported["conv"]
    report = evaluate.main(["--model", str(model_dir), "--data-dir", DATA_DIR, "--limit", "200",
                            "--levels", "0.5", "--baseline-limit", "12"])
    text = report.read_text()
    assert "Headline" in text and "median 3x3" in text and "PCA (128 components)" in text
    assert "Does the class survive?" not in text  # no mnist-classifier beside the tiny model: no reading
    for figure in ("grid.png", "learning_curves.png", "psnr_vs_level.png", "latent_map.png", "manifold.png",
                   "samples.png", "reconstructions.png"):
        assert (model_dir / "report" / figure).stat().st_size > 1000
    latent_map = json.loads((model_dir / "latent_map.json").read_text())
    assert latent_map["format"] == 2 and len(latent_map["mean_latent"]) == 128
    assert "codes" not in latent_map  # the decodable model's map codes are in latent_map_codes.npy
    codes = np.load(model_dir / "latent_map_codes.npy")
    assert len(latent_map["points"]) == len(latent_map["test_index"]) == len(codes) == 100
    assert codes.dtype == np.float16 and codes.shape[1] == 128
    assert {p[2] for p in latent_map["points"]} == set(range(10))
    assert (model_dir / "latent_map_sprite.png").read_bytes().startswith(b"\x89PNG")
    latent = json.loads((model_dir / "metadata.json").read_text())["metrics"]["latent"]
    assert latent["held_out"] == 100 and 0 <= latent["placement_knn_accuracy"] <= 1
    assert 0 <= latent["decoded_class_agreement"] <= 10
    examples = json.loads((model_dir / "examples.json").read_text())["examples"]
    assert len(examples) == 20 and examples[0]["image"].startswith("data:image/png;base64,")
    card = export.read_metadata(model_dir)
    scores = card["metrics"]["test"]["gaussian:0.5"]
    assert scores["denoised"]["psnr"] > scores["noisy"]["psnr"]


@pytest.mark.slow
def test_vae_latent_only_evaluation_calibrates_typicality(exported):
    model_dir = exported["vae"]
    evaluate.main(["--model", str(model_dir), "--data-dir", DATA_DIR, "--limit", "200", "--latent-only"])
    calibrated = json.loads((model_dir / "typicality.json").read_text())
    assert len(calibrated["quantiles"]) == 1001 and calibrated["quantiles"] == sorted(calibrated["quantiles"])
    assert set(calibrated["separation"]) == {"fashion-mnist test images", "rendered letters", "scribbles"}
    assert (model_dir / "report" / "typicality.png").stat().st_size > 1000
    assert not (model_dir / "report" / "report.md").exists()  # --latent-only skips the denoising evaluation
    assert "typicality" in json.loads((model_dir / "metadata.json").read_text())["metrics"]["latent"]


def test_training_flags_are_validated(capsys):
    # bad settings end as a usage error that names them, not a traceback
    for flags, message in ((["--arch", "nope"], "invalid choice: 'nope'"),
                           (["--level-min", "0.9", "--level-max", "0.1"], "noise levels"),
                           (["--noise", "blur=1"], "unknown noise")):
        with pytest.raises(SystemExit) as stopped:
            train.parse_args(flags)
        assert stopped.value.code == 2 and message in capsys.readouterr().err
