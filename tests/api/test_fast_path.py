"""The TFLite/XNNPACK fast path: used when model.tflite agrees with the SavedModel, refused otherwise, never
changing an answer beyond 1e-4, safe under threads, and named by GET /model."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from denoiser.models.lite import TFLITE_NAME
from denoiser.serving import registry as registry_module
from denoiser.serving.registry import load_model, probe_batch


def _copy(model_dir, name: str, tmp_path):
    """The highest version of `name` copied into tmp_path (its path, version)."""
    versions = registry_module.discover(model_dir)[name]
    source = model_dir / name / str(versions[-1])
    target = tmp_path / name / str(versions[-1])
    shutil.copytree(source, target)
    return target, versions[-1]


def _served_with_tflite(app, names=("mnist", "mnist-vae")):
    models = app.extensions["denoiser.registry"].models
    present = [models[name] for name in names if name in models and (models[name].path / TFLITE_NAME).is_file()]
    if not present:
        pytest.skip("no committed model.tflite (denoiser lite models)")
    return present


def test_models_with_a_tflite_file_are_served_through_it_and_say_so(app, client):
    for model in _served_with_tflite(app):
        assert model.runtime["path"] == "tflite" and model.runtime["probe_max_abs_diff"] < 1e-4
        assert model.runtime["batch"] == "one image at a time"  # static shapes: XNNPACK takes the whole graph
        card = client.get("/model", query_string={"model": model.name}).get_json()
        assert card["runtime"]["path"] == "tflite" and card["runtime"]["delegate"] == "XNNPACK"


def test_fast_path_answers_equal_the_savedmodel_within_1e4(app):
    images = np.random.default_rng(7).random((5, 28, 28, 1), dtype=np.float32) ** 3
    for model in _served_with_tflite(app):
        fast = model.denoise(images)
        slow = np.clip(model._savedmodel("denoise", images=images)["denoised"], 0, 1)
        assert np.max(np.abs(fast - slow)) < 1e-4
        latent = model.encode(images)
        assert np.max(np.abs(latent - model._savedmodel("encode", images=images)["latent"])) < 1e-4
        if model.can_decode:
            decoded = np.clip(model._savedmodel("decode", latent=latent)["images"], 0, 1)
            assert np.max(np.abs(model.decode(latent) - decoded)) < 1e-4


def test_each_thread_gets_its_own_interpreter_and_the_right_answer(app):
    (model, *_) = _served_with_tflite(app)
    batches = [np.random.default_rng(seed).random((1 + seed % 3, 28, 28, 1), dtype=np.float32) for seed in range(24)]
    expected = [np.clip(model._savedmodel("denoise", images=b)["denoised"], 0, 1) for b in batches]
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(model.denoise, batches))
    assert all(np.max(np.abs(a - e)) < 1e-4 for a, e in zip(answers, expected))


def test_each_os_thread_has_one_interpreter_whatever_runs_on_it(app):
    """Interpreters are kept per OS thread: threads get their own, and the greenlets that gunicorn's gevent
    worker runs (one per connection, all on the worker's thread) share that thread's (a subprocess, since
    gevent must patch the standard library before anything else runs)."""
    import subprocess
    import sys
    import textwrap

    (model, *_) = _served_with_tflite(app)
    before = set(model.lite.per_thread)
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(model.denoise, [np.zeros((1, 28, 28, 1), np.float32)] * 30))
    assert 1 <= len(set(model.lite.per_thread) - before) <= 3
    script = textwrap.dedent(f"""
        from gevent import monkey
        monkey.patch_all()
        import gevent, numpy as np
        from denoiser.models.lite import LiteModel
        lite = LiteModel.load({str(model.path)!r})
        calls = [gevent.spawn(lite.run, "denoise", images=np.zeros((1, 28, 28, 1), np.float32)) for _ in range(5)]
        gevent.joinall(calls, raise_error=True)
        print(len(lite.per_thread))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-1] == "1"


def test_a_model_without_tflite_file_is_served_by_its_savedmodel(model_dir, tmp_path):
    path, version = _copy(model_dir, "mnist", tmp_path)
    (path / TFLITE_NAME).unlink(missing_ok=True)
    model = load_model("mnist", version, [version], path)
    assert model.lite is None and model.runtime == {"path": "savedmodel", "reason": "no model.tflite"}
    assert model.denoise(probe_batch()).shape == (4, 28, 28, 1)


def test_a_tflite_file_that_disagrees_is_refused_with_a_log_line(model_dir, tmp_path, caplog):
    path, version = _copy(model_dir, "mnist-sparse", tmp_path)
    other = model_dir / "mnist-dense"
    foreign = other / str(registry_module.discover(model_dir)["mnist-dense"][-1]) / TFLITE_NAME
    if not foreign.is_file():
        pytest.skip("needs mnist-dense's model.tflite")
    shutil.copyfile(foreign, path / TFLITE_NAME)  # same shapes, other weights
    model = load_model("mnist-sparse", version, [version], path)
    assert model.lite is None and model.runtime["path"] == "savedmodel"
    assert "differs from the SavedModel" in model.runtime["reason"]
    assert "TFLite fast path refused" in caplog.text


def test_a_corrupt_tflite_file_is_refused(model_dir, tmp_path):
    path, version = _copy(model_dir, "mnist", tmp_path)
    (path / TFLITE_NAME).write_bytes(b"not a flatbuffer")
    model = load_model("mnist", version, [version], path)
    assert model.lite is None and model.runtime["reason"].startswith("model.tflite unusable")
    assert model.denoise(probe_batch(1)).shape == (1, 28, 28, 1)


def test_a_model_converted_with_a_batch_of_one_runs_a_batch_image_by_image(app):
    (model,) = _served_with_tflite(app, names=("mnist-conv-pool",))
    assert model.runtime["path"] == "tflite"
    assert model.lite.converted_with_a_batch_of_one() and model.runtime["batch"] == "one image at a time"
    images = np.random.default_rng(3).random((5, 28, 28, 1), dtype=np.float32) ** 3
    slow = np.clip(model._savedmodel("denoise", images=images)["denoised"], 0, 1)
    assert model.denoise(images).shape == (5, 28, 28, 1)
    assert np.max(np.abs(model.denoise(images) - slow)) < 1e-4
