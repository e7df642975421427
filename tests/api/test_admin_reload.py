"""A model trained while the server runs is served after `POST /admin/reload` (or SIGHUP to gunicorn's master),
without a restart; the endpoint is off without DENOISER_ADMIN_TOKEN and refuses a wrong token."""

from __future__ import annotations

import shutil
import time

import requests

from denoiser.serving import create_app

TOKEN = "s3cret-for-tests"


def one_model_dir(tmp_path, model_dir, name="mnist-dense"):
    """A models folder holding one small committed model (copied, so that tests can add more)."""
    target = tmp_path / "models"
    shutil.copytree(model_dir / name, target / name, ignore=shutil.ignore_patterns("report"))
    return target


def test_reload_is_off_without_a_token_and_refuses_a_wrong_one(tmp_path, model_dir):
    models = one_model_dir(tmp_path, model_dir)
    off = create_app({"model_dir": models, "default_model": "mnist-dense", "TESTING": True}).test_client()
    answer = off.post("/admin/reload")
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "forbidden"
    assert "DENOISER_ADMIN_TOKEN" in answer.get_json()["error"]["message"]
    on = create_app({"model_dir": models, "default_model": "mnist-dense", "admin_token": TOKEN,
                     "TESTING": True}).test_client()
    wrong = on.post("/admin/reload", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "unauthorized"


def test_reload_in_process_serves_a_model_added_on_disk(tmp_path, model_dir):
    models = one_model_dir(tmp_path, model_dir)
    client = create_app({"model_dir": models, "default_model": "mnist-dense", "admin_token": TOKEN,
                         "TESTING": True}).test_client()
    assert [m["name"] for m in client.get("/models").get_json()["models"]] == ["mnist-dense"]
    shutil.copytree(model_dir / "mnist-sparse", models / "mine", ignore=shutil.ignore_patterns("report"))
    answer = client.post("/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and answer.get_json()["models"] == {"mine": 1, "mnist-dense": 1}
    assert [m["name"] for m in client.get("/models").get_json()["models"]] == ["mine", "mnist-dense"]


def test_gunicorn_replaces_its_workers_and_serves_the_new_model(tmp_path, model_dir, gunicorn_runner):
    models = one_model_dir(tmp_path, model_dir)
    scratch = tmp_path / "tmp"  # where gunicorn.conf.py makes its Prometheus directory
    scratch.mkdir()
    env = {"WEB_CONCURRENCY": "2", "DENOISER_TF_THREADS": "1", "DENOISER_DEFAULT_MODEL": "mnist-dense",
           "DENOISER_ADMIN_TOKEN": TOKEN, "DENOISER_STATIC_DIR": str(tmp_path), "TMPDIR": str(scratch)}
    with gunicorn_runner(models, tmp_path / "server.log", env) as port:
        base = f"http://127.0.0.1:{port}"
        assert requests.get(f"{base}/readyz", timeout=10).json()["models"] == ["mnist-dense"]
        shutil.copytree(model_dir / "mnist-sparse", models / "mine", ignore=shutil.ignore_patterns("report"))
        answer = requests.post(f"{base}/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
        assert answer.status_code == 202 and answer.json()["models"] == {"mine": 1, "mnist-dense": 1}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # until both workers are replaced: six answers in a row list it
            # while the new workers load their models, requests wait in the listen queue (never refused)
            answers = [requests.get(f"{base}/readyz", timeout=90).json()["models"] for _ in range(6)]
            if all(models == ["mine", "mnist-dense"] for models in answers):
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"the new model was not served within 120 s: {answers}")
        denoised = requests.post(f"{base}/denoise", data={"model": "mine"},
                                 files={"image": ("d.png", (model_dir.parent / "frontend" / "public" / "examples"
                                                             / "noisy-digit.png").read_bytes())}, timeout=30)
        assert denoised.status_code == 200 and denoised.json()["model"]["name"] == "mine"
        assert len(list(scratch.glob("denoiser-prometheus-*"))) == 1
    # the reload re-read the config in the master, which still removes the directory it made at exit
    assert not list(scratch.glob("denoiser-prometheus-*"))
