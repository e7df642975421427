"""deploy/k8s: the kustomize base builds offline and validates against the Kubernetes API schemas, its parts
find each other (Services, probes, the autoscaler, the disruption budget, the Ingress, the api name nginx
asks for), and its probes ask what the API and nginx answer (conftest's `api` and `web`). That the api image
runs as the Deployment runs it (uid, read-only root, /tmp volume) is tested on the image:
tests/containers/test_stack.py."""

from __future__ import annotations

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


def pod(resources, deployment: str) -> dict:
    return resources["Deployment", deployment]["spec"]["template"]


def container(resources, deployment: str) -> dict:
    return pod(resources, deployment)["spec"]["containers"][0]


def env(item: dict) -> dict[str, str]:
    return {entry["name"]: entry["value"] for entry in item.get("env", [])}


def selects(selector: dict, deployment: dict) -> bool:
    """Whether a label selector picks the pods of a Deployment."""
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


def test_the_probes_ask_what_the_api_and_nginx_answer(kit, stages, resources, api, web):
    # The api pods listen on the image's PORT (gunicorn's bind), the web pods on their NGINX_PORT; every probe
    # targets that port, and its path answers 200 once the API is ready (the api's from gunicorn, the web's
    # from nginx).
    listening = {"denoiser-api": int(stages["api"].env()["PORT"]),
                 "denoiser-web": int(env(container(resources, "denoiser-web"))["NGINX_PORT"])}
    for deployment, server in (("denoiser-api", api), ("denoiser-web", web)):
        spec = container(resources, deployment)
        named = {port["name"]: port["containerPort"] for port in spec["ports"]}
        assert set(named.values()) == {listening[deployment]}, deployment
        probes = [spec[kind]["httpGet"] for kind in ("startupProbe", "readinessProbe", "livenessProbe") if kind in spec]
        assert len(probes) >= 2, f"{deployment}: readiness and liveness"
        for probe in probes:
            assert named.get(probe["port"], probe["port"]) == listening[deployment], (deployment, probe)
            assert kit.fetch(server["url"] + probe["path"])[0] == 200, (deployment, probe["path"])
    # Loading the models is not a liveness failure: the api's liveness asks something other than readiness.
    spec = container(resources, "denoiser-api")
    assert spec["livenessProbe"]["httpGet"]["path"] != spec["readinessProbe"]["httpGet"]["path"]


def test_services_reach_the_pods_and_nginx_asks_for_the_api_service(resources):
    namespace = resources["Namespace", "denoiser"]["metadata"]["name"]
    for name in ("denoiser-api", "denoiser-web"):
        service = resources["Service", name]["spec"]
        deployment = resources["Deployment", name]
        assert selects(service["selector"], deployment), name
        named = {port["name"] for port in container(resources, name)["ports"]}
        assert all(port["targetPort"] in named for port in service["ports"]), name
        assert service.get("type", "ClusterIP") == "ClusterIP", f"{name}: only the Ingress faces the network"
    # nginx resolves the name itself (no search domains): the api Service's full name and its port.
    host, _, port = env(container(resources, "denoiser-web"))["API_UPSTREAM"].rpartition(":")
    assert host == f"denoiser-api.{namespace}.svc.cluster.local"
    assert int(port) in {p["port"] for p in resources["Service", "denoiser-api"]["spec"]["ports"]}


def test_only_nginx_is_behind_the_ingress(resources):
    (rule,) = resources["Ingress", "denoiser"]["spec"]["rules"]
    backends = [path["backend"]["service"] for path in rule["http"]["paths"]]
    assert {backend["name"] for backend in backends} == {"denoiser-web"}
    web_ports = {port["name"] for port in resources["Service", "denoiser-web"]["spec"]["ports"]}
    assert all(backend["port"]["name"] in web_ports for backend in backends)


def test_the_autoscaler_and_the_disruption_budget_act_on_the_api(resources):
    hpa = resources["HorizontalPodAutoscaler", "denoiser-api"]["spec"]
    target = hpa["scaleTargetRef"]
    assert target["kind"] == "Deployment" and ("Deployment", target["name"]) in resources
    assert target["name"] == "denoiser-api" and 1 < hpa["minReplicas"] < hpa["maxReplicas"]
    pdb = resources["PodDisruptionBudget", "denoiser-api"]["spec"]
    assert selects(pdb["selector"]["matchLabels"], resources["Deployment", "denoiser-api"])
    assert pdb["minAvailable"] < hpa["minReplicas"], "a node can still be drained"


def test_the_api_serves_the_models_the_init_container_copies_read_only(resources):
    spec = pod(resources, "denoiser-api")["spec"]
    (init,) = spec["initContainers"]
    api = container(resources, "denoiser-api")
    copied_to = {mount["name"]: mount["mountPath"] for mount in init["volumeMounts"]}
    (models,) = [mount for mount in api["volumeMounts"] if mount["mountPath"] == env(api)["DENOISER_MODEL_DIR"]]
    assert models["readOnly"] is True and models["name"] in copied_to
    assert copied_to[models["name"]] in " ".join(init["command"]), "the init container copies into the volume"


def test_requests_fit_within_limits(resources):
    # The API server refuses a container whose request is above its limit (the schemas cannot tell).
    units = {"Mi": 2 ** 20, "Gi": 2 ** 30, "Ki": 2 ** 10, "m": 1e-3}

    def amount(text: str) -> float:
        for suffix, factor in units.items():
            if str(text).endswith(suffix):
                return float(str(text)[:-len(suffix)]) * factor
        return float(text)

    for (kind, name), resource in resources.items():
        if kind != "Deployment":
            continue
        spec = resource["spec"]["template"]["spec"]
        for item in [*spec.get("initContainers", []), *spec["containers"]]:
            requests, limits = item["resources"].get("requests", {}), item["resources"].get("limits", {})
            for key in requests.keys() & limits.keys():
                assert amount(requests[key]) <= amount(limits[key]), (name, item["name"], key)
