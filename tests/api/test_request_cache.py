"""The request caches: the same upload again gives the same answer without decoding, preprocessing or the
VAE's typicality again; other bytes, another mode or another pixel limit do not share an entry; refusals
are not kept."""

from __future__ import annotations

import io

import numpy as np
import pytest
from image_samples import decode_data_url, draw_digit, encode
from prometheus_client import REGISTRY

from denoiser import imaging
from denoiser.serving.request_cache import LruCache, digest


def counting(data: bytes, mode: str = "mnist"):
    """A compute function preprocessing `data` that counts its calls."""
    calls = []

    def prepare():
        calls.append(mode)
        return imaging.prepare_digit(data, mode)
    return prepare, calls


def test_the_same_upload_is_prepared_once():
    cache = LruCache("prepared", 4)
    data = encode(draw_digit())
    prepare, calls = counting(data)
    first, remembered_first = cache.get_or_compute((digest(data), "mnist"), prepare)
    again, remembered_again = cache.get_or_compute((digest(data), "mnist"), prepare)
    assert calls == ["mnist"] and (remembered_first, remembered_again) == (False, True)
    assert again is first


def test_a_digest_tells_uploads_apart():
    data = encode(draw_digit())
    assert digest(data) == digest(bytes(data)) and len(digest(data)) == 16
    assert digest(data) != digest(data + b"\0")


def test_least_recently_used_entries_go_first():
    cache = LruCache("test", 2)
    for key in ("a", "b"):
        cache.put(key, key.upper())
    assert cache.get("a") == "A"  # now the most recent
    cache.put("c", "C")  # pushes out "b"
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A", None, "C")


def test_refusals_are_not_kept_and_size_zero_keeps_nothing():
    cache = LruCache("prepared", 4)
    blank = encode(draw_digit(width=0, ink=255))
    calls = []

    def refuse():
        calls.append(1)
        return imaging.prepare_digit(blank)
    for _ in range(2):
        with pytest.raises(imaging.BlankImageError):
            cache.get_or_compute(digest(blank), refuse)
    assert len(calls) == 2
    off = LruCache("prepared", 0)
    data = encode(draw_digit())
    prepare, calls = counting(data)
    off.get_or_compute(digest(data), prepare)
    off.get_or_compute(digest(data), prepare)
    assert calls == ["mnist", "mnist"]


def lookups(cache: str, result: str) -> float:
    labels = {"cache": cache, "result": result}
    return REGISTRY.get_sample_value("denoiser_request_cache_lookups_total", labels) or 0.0


def counts() -> dict[tuple[str, str], float]:
    return {(cache, result): lookups(cache, result) for cache in ("prepared", "typicality")
            for result in ("hit", "miss")}


def test_api_answers_a_repeated_upload_from_the_caches_identically(client):
    data = encode(draw_digit(centre=(123, 97), scale=57, width=13))  # bytes no other test sends
    before = counts()
    answers = [client.post("/denoise", data={"image": (io.BytesIO(data), "d.png"), "seed": "3"}) for _ in range(2)]
    encoded = client.post("/encode", data={"image": (io.BytesIO(data), "d.png")})
    assert [a.status_code for a in answers] == [200, 200] and encoded.status_code == 200
    change = {key: value - before[key] for key, value in counts().items()}
    assert change == {("prepared", "miss"): 1, ("prepared", "hit"): 2,
                      ("typicality", "miss"): 1, ("typicality", "hit"): 2}
    first, second = (a.get_json() for a in answers)
    for key in ("input", "noisy", "denoised", "crop", "preprocess", "metrics", "typicality"):
        assert first[key] == second[key], key
    assert encoded.get_json()["crop"] == first["crop"]
    assert encoded.get_json()["typicality"] == first["typicality"] and first["typicality"]["score"] > 0
    assert "decode" in second["timings_ms"]
    instances = {"instances": [decode_data_url(first["input"]).tolist()]}  # the same digit, not remembered
    assert client.post("/denoise", json=instances).get_json()["typicality"] == first["typicality"]
    uncached = imaging.prepare_digit(data)
    assert np.array_equal(decode_data_url(second["input"]), uncached.digit)
    assert second["crop"] == uncached.crop


def test_a_remembered_digit_cannot_be_changed_by_a_later_request(client):
    data = encode(draw_digit(centre=(140, 101)))
    client.post("/denoise", data={"image": (io.BytesIO(data), "d.png")})
    extensions = client.application.extensions
    key = (digest(data), "mnist", extensions["denoiser.settings"].max_pixels)
    prepared = extensions["denoiser.caches"].prepared.get(key)
    assert prepared is not None and not prepared.digit.flags.writeable
