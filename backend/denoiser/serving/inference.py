"""POST /denoise and POST /encode."""

from __future__ import annotations

import time

import numpy as np
from flask import Blueprint, Response, current_app, g, jsonify, request

from denoiser import imaging
from denoiser.imaging import metrics, noise, noise_level
from denoiser.models import uncertainty
from denoiser.serving.errors import ApiError
from denoiser.serving.inputs import Options, Payload, for_model, parse_options, read_payload
from denoiser.serving.observability import observe_model
from denoiser.serving.request_cache import RequestCaches, digest

bp = Blueprint("inference", __name__)


class Stopwatch:
    """Named lap times in milliseconds."""

    def __init__(self):
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        """Add the time since the previous lap to `name`."""
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + (now - self.last)
        self.last = now

    def result(self) -> dict[str, float]:
        """The laps plus `total`, in milliseconds to the microsecond."""
        laps = {name: round(seconds * 1000, 3) for name, seconds in self.laps.items()}
        return {**laps, "total": round((time.perf_counter() - self.start) * 1000, 3)}


def _settings():
    return current_app.extensions["denoiser.settings"]


def _registry():
    return current_app.extensions["denoiser.registry"]


def _caches() -> RequestCaches:
    return current_app.extensions["denoiser.caches"]


INSTANCES_REPORT = {"mode": "instances"}  # `instances` are used as given: no crop, nothing done


def clean_batch(payload: Payload, options: Options, watch: Stopwatch) -> tuple[np.ndarray, list[dict]]:
    """The request's images as float32 [N, 28, 28, 1] white-on-black digits in [0, 1], and per image
    `{"crop": [x, y, w, h] or None, "preprocess": report}` (docs/api-contract.md)."""
    if payload.instances is not None:
        watch.lap("decode")
        watch.lap("preprocess")
        return payload.instances, [{"crop": None, "preprocess": dict(INSTANCES_REPORT)}
                                   for _ in range(len(payload.instances))]
    settings = _settings()
    cache = _caches().prepared
    digits, seen = [], []
    g.upload_keys = [(digest(data), options.preprocess, settings.max_pixels) for data in payload.images]
    for index, (data, key) in enumerate(zip(payload.images, g.upload_keys)):
        where = f"image {index + 1}: " if len(payload.images) > 1 else ""
        try:
            prepared, remembered = cache.get_or_compute(
                key, lambda data=data: _prepare(data, options.preprocess, settings.max_pixels, watch))
            if remembered:
                watch.lap("decode")
            digits.append(prepared.digit)
            seen.append({"crop": list(prepared.crop), "preprocess": _plain(prepared.report)})
            watch.lap("preprocess")
        except imaging.ImageTooLargeError as error:
            raise ApiError(413, "image_too_large", where + str(error)) from error
        except imaging.BlankImageError as error:
            raise ApiError(422, "blank_image", where + str(error)) from error
        except imaging.InvalidImageError as error:
            raise ApiError(422, "invalid_image", where + str(error)) from error
    return imaging.to_model_input(np.stack(digits)), seen


def _prepare(data: bytes, mode: str, max_pixels: int, watch: Stopwatch) -> imaging.Prepared:
    """Decode and preprocess one upload (the decode lap is timed apart)."""
    image, size = imaging.open_image_sized(data, max_pixels)
    watch.lap("decode")
    prepared = imaging.prepare_image(image, size, mode)
    prepared.digit.setflags(write=False)  # remembered and shared between requests
    return prepared


def _plain(report: dict) -> dict:
    """The preprocessing report with numpy scalars turned into JSON's bool, int and float."""
    def plain(value):
        if isinstance(value, (list, tuple)):
            return [plain(item) for item in value]
        return value.item() if isinstance(value, np.generic) else value
    return {key: plain(value) for key, value in report.items()}


def image_scores(reference: np.ndarray, estimate: np.ndarray) -> list[dict[str, float]]:
    """PSNR, SSIM and MSE of every estimate [N, 28, 28, 1] against its reference, in one vectorised pass."""
    mse = metrics.mse_per_image(reference, estimate)
    psnr = metrics.psnr_per_image(reference, estimate)
    ssim = metrics.ssim_per_image(reference, estimate)
    return [{"psnr": round(float(p), 4), "ssim": round(float(s), 4), "mse": round(float(m), 6)}
            for p, s, m in zip(psnr, ssim, mse)]


def noise_estimates(received: np.ndarray, denoised: np.ndarray) -> dict[str, float]:
    """The blind noise estimate (sigma on the [0, 1] scale) of what the model received and of its answer: what
    can honestly be said of an upload's noise without a clean reference."""
    return {"noise_estimate": round(noise_level.model_sigma(received[..., 0]), 3),
            "denoised_noise_estimate": round(noise_level.model_sigma(denoised[..., 0]), 3)}


def data_url(image: np.ndarray) -> str:
    """A float [28, 28, 1] image as a PNG data URL."""
    return imaging.to_data_url(imaging.encode_png(image))


def prefers_png() -> bool:
    """Whether the client's Accept header ranks the PNG answer above JSON (JSON on a tie, or without one)."""
    accept = request.headers.get("Accept", "")
    if accept in ("image/png", "application/json"):  # what the app, the bench and most scripts send: no parsing
        return accept == "image/png"
    best = request.accept_mimetypes.best_match(["application/json", "image/png"])
    return best == "image/png"


def _typicality(model, clean: np.ndarray, watch: Stopwatch) -> list[dict | None]:
    """Per image, how digit-like it is by the served VAE of the model's dataset (None when none is served);
    remembered per VAE and upload (clean_batch's keys), since the app sends the same drawing again and again."""
    judge = _registry().typicality_model(model.dataset)
    if judge is None:
        return [None] * len(clean)
    cache = _caches().typicality
    uploads = g.get("upload_keys")  # None for `instances`, which are not remembered
    keys = [(judge.name, judge.version, *upload) for upload in uploads] if uploads else []
    described = [cache.get(key) for key in keys] if keys else [None]
    if any(value is None for value in described):
        with observe_model(judge.name, "typicality"):
            described = judge.typicality_of(clean)
        for key, value in zip(keys, described):
            cache.put(key, value)
    watch.lap("typicality")
    return [dict(value) for value in described]


def readings(model, clean: np.ndarray, noisy: np.ndarray, denoised: np.ndarray, options: Options) -> list[dict | None]:
    """Per image, what the input, the noisy and the denoised image read as by the classifier of the model's
    dataset (readers.py), or None when that dataset has none."""
    reader = _registry().reader_of(model.dataset)
    if reader is None:
        return [None] * len(clean)
    noised = options.noise != "none"
    return reader.read(clean, noisy if noised else None, denoised, clean_reference=noised)


def _uncertainty(model, noisy: np.ndarray, options: Options) -> list[dict | None]:
    """Per image, the model's spread over re-noised passes (option `uncertainty`), else None."""
    if not options.uncertainty:
        return [None] * len(noisy)
    with observe_model(model.name, "uncertainty"):
        spread = uncertainty.spread(model.denoise, noisy, options.seed)
    shown = uncertainty.to_image(spread)
    return [{"map": data_url(shown[i]), "mean": round(float(spread[i].mean()), 5), "passes": uncertainty.PASSES,
             "extra_sigma": uncertainty.EXTRA_SIGMA} for i in range(len(noisy))]


def _neighbourhood(model, latent: np.ndarray) -> list[dict]:
    """Per code: its map position, its nearest map digits and their vote (all None without a map)."""
    placed = model.place(latent)
    if placed is None:
        return [{"projection": None, "neighbours": None, "vote": None} for _ in range(len(latent))]
    latent_map = model.latent_map
    class_names = latent_map.payload["class_names"]
    answers = []
    for i in range(len(latent)):
        neighbours = [{"point": int(p), "index": int(latent_map.test_index[p]), "label": int(latent_map.labels[p]),
                       "distance": round(float(d), 4)}
                      for p, d in zip(placed.neighbour_points[i], placed.neighbour_distances[i])]
        label = int(placed.vote_labels[i])
        answers.append({"projection": [round(float(v), 4) for v in placed.positions[i]], "neighbours": neighbours,
                        "vote": {"label": label, "class_name": class_names[label],
                                 "share": round(float(placed.vote_shares[i]), 2)}})
    return answers


def _prepared_request():
    """Read and validate the request: (stopwatch, options, served model, clean [N, 28, 28, 1] batch,
    per-image crop and preprocessing report)."""
    watch = Stopwatch()
    payload = read_payload(request, _settings().max_batch)
    options = parse_options(payload.options)
    model = _registry().get(options.model)
    options = for_model(options, model)
    return (watch, options, model, *clean_batch(payload, options, watch))


@bp.post("/denoise")
def denoise():
    """Denoise one or more images; JSON with data URLs and metrics, or the PNG itself."""
    watch, options, model, clean, seen = _prepared_request()
    png_answer = prefers_png()
    typical = _typicality(model, clean, watch) if not png_answer else None
    noisy = noise.add_noise(clean, options.noise, options.level, options.seed)
    watch.lap("noise")
    with observe_model(model.name, "denoise"):
        denoised = model.denoise(noisy)
    watch.lap("model")
    headers = {"X-Model": f"{model.name}/{model.version}", "X-Noise-Seed": str(options.seed)}
    if png_answer:
        png = imaging.encode_png(denoised[0])
        watch.lap("encode")
        headers["Server-Timing"] = ", ".join(f"{k};dur={v}" for k, v in watch.result().items())
        return Response(png, mimetype="image/png", headers=headers)
    count = len(clean)
    read = readings(model, clean, noisy, denoised, options)
    watch.lap("reading")
    unsure = _uncertainty(model, noisy, options)
    watch.lap("uncertainty")
    if options.noise != "none":  # both comparisons in one vectorised pass
        scores = image_scores(np.concatenate([clean, clean]), np.concatenate([noisy, denoised]))
        metrics_of = [{"noisy": scores[i], "denoised": scores[count + i]} for i in range(count)]
    else:
        metrics_of = [None] * count
    results = [{"input": data_url(clean[i]), "noisy": data_url(noisy[i]), "denoised": data_url(denoised[i]),
                "metrics": metrics_of[i], **noise_estimates(noisy[i], denoised[i]), "typicality": typical[i],
                "reading": read[i], "uncertainty": unsure[i], **seen[i]} for i in range(count)]
    watch.lap("encode")
    body = {
        "model": {"name": model.name, "version": model.version},
        "noise": {"type": options.noise, "level": options.level, "seed": options.seed},
        "results": results, **results[0], "timings_ms": watch.result(), "request_id": g.request_id,
    }
    return jsonify(body), 200, headers


@bp.post("/encode")
def encode():
    """Latent vectors of one or more images, where they land on the model's latent map, their nearest
    test digits and their vote, and how typical each input is."""
    watch, options, model, clean, seen = _prepared_request()
    with observe_model(model.name, "encode"):
        latent = model.encode(clean)
    watch.lap("model")
    placed = _neighbourhood(model, latent)
    watch.lap("place")
    typical = _typicality(model, clean, watch)
    results = [{"latent": [round(float(v), 6) for v in latent[i]], **placed[i], "typicality": typical[i],
                **seen[i]} for i in range(len(latent))]
    watch.lap("encode")
    body = {"model": {"name": model.name, "version": model.version}, "latent_dim": int(latent.shape[1]),
            "results": results, **results[0], "timings_ms": watch.result(), "request_id": g.request_id}
    return jsonify(body), 200, {"X-Model": f"{model.name}/{model.version}"}
