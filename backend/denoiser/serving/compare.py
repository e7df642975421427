"""POST /compare: one digit through every served model of its dataset and the tuned classical baselines."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from flask import Blueprint, current_app, g, jsonify, request

from denoiser.imaging import noise
from denoiser.models.baselines import Method
from denoiser.serving.errors import ApiError
from denoiser.serving.inference import Stopwatch, clean_batch, data_url, image_scores, readings
from denoiser.serving.inputs import for_model, parse_options, read_payload
from denoiser.serving.observability import observe_model
from denoiser.serving.registry import Registry, ServedModel

bp = Blueprint("compare", __name__)
GROUPS = ("all", "models", "baselines")  # `methods` shorthands; "all" adds the slow baselines


@dataclass
class Candidate:
    """One method to run: a served model or a classical baseline."""

    id: str
    model: ServedModel | None = None
    baseline: Method | None = None


def method_id(key: str) -> str:
    """The URL-friendly id of a baseline: "non-local means" -> "non-local-means"."""
    return key.lower().replace(" ", "-")


def _requested(raw: object) -> list[str] | None:
    """The `methods` option as a list of ids (None when absent): a list or a comma-separated string."""
    if raw in (None, "", []):
        return None
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ApiError(400, "invalid_option", "`methods` must be a comma-separated string or a list of ids")
    return [item.strip() for item in items if item.strip()]


def candidates(registry: Registry, model: ServedModel, raw_methods: object) -> list[Candidate]:
    """The methods to run: every served model of the model's dataset and its tuned fast baselines, or
    those named in `methods` (ids, or the shorthands all / models / baselines)."""
    models = [Candidate(m.name, model=m) for m in registry.of_dataset(model.dataset)] or [Candidate(model.name, model)]
    tuned = registry.tuned_baselines(model)
    fast = [Candidate(method_id(m.key), baseline=m) for m in tuned.methods(include_slow=False)] if tuned else []
    every = [Candidate(method_id(m.key), baseline=m) for m in tuned.methods(include_slow=True)] if tuned else []
    pca = [Candidate("pca")] if tuned else []
    wanted = _requested(raw_methods)
    if wanted is None:
        return models + fast + pca
    known = {c.id: c for c in models + every + pca}
    unknown = [item for item in wanted if item not in known and item not in GROUPS]
    if unknown:
        raise ApiError(400, "invalid_option", f"unknown method {unknown[0][:64]!r} for {model.dataset}; choose from "
                       f"{', '.join([*GROUPS, *known])}")
    chosen: dict[str, Candidate] = {}
    for item in wanted:
        group = {"all": models + every + pca, "models": models, "baselines": every + pca}.get(item, [known.get(item)])
        chosen.update({c.id: c for c in group})
    return list(chosen.values())


def _run(candidate: Candidate, noisy: np.ndarray, options, registry: Registry, model: ServedModel) -> dict:
    """One method's output on the noisy image and its description (everything but the metrics)."""
    started = time.perf_counter()
    if candidate.model is not None:
        served = candidate.model
        with observe_model(served.name, "denoise"):
            output = served.denoise(noisy)
        arch = served.metadata.get("arch")
        described = {"method": f"{arch} ({served.name}/{served.version})", "kind": "model",
                     "model": {"name": served.name, "version": served.version}, "arch": arch, "params": None}
    else:
        tuned = registry.tuned_baselines(model)
        if candidate.baseline is None:
            output, name, params = tuned.pca(noisy), f"PCA ({tuned.pca.components} components)", None
        else:
            output, params = tuned.run(candidate.baseline, noisy, options.noise, options.level)
            name = candidate.baseline.describe(params)
        described = {"method": name, "kind": "baseline", "model": None, "arch": None, "params": params}
    ms = round((time.perf_counter() - started) * 1000, 3)
    return {"id": candidate.id, **described, "output": np.clip(output, 0.0, 1.0).astype(np.float32), "ms": ms}


@bp.post("/compare")
def compare():
    """Denoise one image with every method on the same noisy draw; results best first when noise was added."""
    watch = Stopwatch()
    registry: Registry = current_app.extensions["denoiser.registry"]
    payload = read_payload(request, max_batch=1)
    options = parse_options(payload.options)
    model = registry.get(options.model)
    options = for_model(options, model)
    chosen = candidates(registry, model, payload.options.get("methods"))
    clean, seen = clean_batch(payload, options, watch)
    noisy = noise.add_noise(clean, options.noise, options.level, options.seed)
    watch.lap("noise")
    runs = [_run(candidate, noisy, options, registry, model) for candidate in chosen]
    outputs = [run.pop("output") for run in runs]
    watch.lap("methods")
    # one vectorised pass: the noisy image first, then every output, all against the clean digit
    scores = image_scores(np.repeat(clean, len(runs) + 1, axis=0), np.concatenate([noisy, *outputs]))
    noised = options.noise != "none" and options.level > 0
    # every method's output read in one classifier call (the same input and noisy image each time)
    count = len(runs)
    read = readings(model, np.repeat(clean, count, axis=0), np.repeat(noisy, count, axis=0),
                    np.concatenate(outputs), options)
    results = [{**run, "denoised": data_url(image[0]), "metrics": score, "reading": reading,
                "default": run["id"] == model.name}
               for run, image, score, reading in zip(runs, outputs, scores[1:], read)]
    if noised:
        results.sort(key=lambda result: -result["metrics"]["psnr"])
    watch.lap("encode")
    body = {"model": {"name": model.name, "version": model.version}, "dataset": model.dataset,
            "input": data_url(clean[0]), "noisy": data_url(noisy[0]),
            "noise": {"type": options.noise, "level": options.level, "seed": options.seed,
                      "metrics": scores[0] if noised else None},
            **seen[0], "results": results, "timings_ms": watch.result(), "request_id": g.request_id}
    return jsonify(body), 200, {"X-Model": f"{model.name}/{model.version}", "X-Noise-Seed": str(options.seed)}
