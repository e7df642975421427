"""deploy/k8s: the kustomize base builds offline and validates against the Kubernetes API schemas, and it
says what the deployment relies on (probes, read-only models, measured resources, an autoscaler, only
nginx behind the Ingress, the image's non-root user)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from denoiser.training import data

BASE = data.REPO_ROOT / "deploy" / "k8s" / "base"
KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="needs kubectl (apt-get install kubernetes-client)")


@pytest.fixture(scope="module")
def resources() -> dict[tuple[str, str], dict]:
    """{(kind, name): resource} of `kubectl kustomize deploy/k8s/base`."""
    import yaml
    built = subprocess.run([KUBECTL, "kustomize", str(BASE)], capture_output=True, text=True, timeout=120, check=True)
    documents = [doc for doc in yaml.safe_load_all(built.stdout) if doc]
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in documents}


def test_every_resource_validates_against_the_kubernetes_schemas(resources):
    import kubernetes_validate

    for key, resource in resources.items():
        try:  # strict: an unknown or misplaced field fails too
            kubernetes_validate.validate(resource, "1.30.0", strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{key}: {error}")
    assert {kind for kind, _ in resources} >= {"Namespace", "Deployment", "Service", "HorizontalPodAutoscaler",
                                                 "Ingress", "PodDisruptionBudget"}


def _container(resources, deployment: str) -> dict:
    return resources["Deployment", deployment]["spec"]["template"]["spec"]["containers"][0]


def test_api_pods_probe_readiness_and_liveness_and_mount_models_read_only(resources):
    api = _container(resources, "denoiser-api")
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert api["startupProbe"]["httpGet"]["path"] == "/readyz"  # model loading is not a liveness failure
    (models,) = [mount for mount in api["volumeMounts"] if mount["mountPath"] == "/app/models"]
    assert models["readOnly"] is True
    env = {item["name"]: item["value"] for item in api["env"]}
    assert env["DENOISER_MODEL_DIR"] == "/app/models" and env["WEB_CONCURRENCY"] == "1"


def test_api_resources_hold_one_worker_and_the_autoscaler_drives_the_api(resources):
    memory = _container(resources, "denoiser-api")["resources"]
    assert memory["requests"]["memory"] == "1280Mi" and memory["limits"]["memory"] == "1792Mi"
    hpa = resources["HorizontalPodAutoscaler", "denoiser-api"]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "denoiser-api"}
    assert 1 < hpa["minReplicas"] < hpa["maxReplicas"]


def test_only_nginx_is_behind_the_ingress_and_services_stay_inside(resources):
    (rule,) = resources["Ingress", "denoiser"]["spec"]["rules"]
    assert {path["backend"]["service"]["name"] for path in rule["http"]["paths"]} == {"denoiser-web"}
    assert all(resource["spec"].get("type", "ClusterIP") == "ClusterIP"
               for (kind, _), resource in resources.items() if kind == "Service")
    web_env = {item["name"]: item["value"] for item in _container(resources, "denoiser-web")["env"]}
    assert web_env["API_UPSTREAM"] == "denoiser-api.denoiser.svc.cluster.local:8000"  # no search domains


def test_api_runs_as_the_images_non_root_user(resources):
    dockerfile = (data.REPO_ROOT / "Dockerfile").read_text()
    uid = re.search(r"^USER (\d+):(\d+)", dockerfile, re.M)
    pod = resources["Deployment", "denoiser-api"]["spec"]["template"]["spec"]["securityContext"]
    assert pod["runAsNonRoot"] is True and str(pod["runAsUser"]) == uid.group(1)
    assert _container(resources, "denoiser-api")["securityContext"]["readOnlyRootFilesystem"] is True
