"""The preprocessing cache: the same upload again gives the same answer without decoding or preprocessing
it again; other bytes, another mode or another pixel limit do not share an entry; refusals are not kept."""

from __future__ import annotations

import io

import numpy as np
import pytest
from image_samples import decode_data_url, draw_digit, encode
from prometheus_client import REGISTRY

from denoiser import preprocess
from denoiser.api.prepared_cache import PreparedCache


def counting(data: bytes, mode: str = "mnist"):
    """A prepare function for `data` that counts its calls."""
    calls = []

    def prepare():
        calls.append(mode)
        return preprocess.prepare_digit(data, mode)
    return prepare, calls


def test_the_same_upload_is_prepared_once():
    cache = PreparedCache(4)
    data = encode(draw_digit())
    prepare, calls = counting(data)
    first, remembered_first = cache.prepared(data, "mnist", 10**6, prepare)
    again, remembered_again = cache.prepared(data, "mnist", 10**6, prepare)
    assert calls == ["mnist"] and (remembered_first, remembered_again) == (False, True)
    assert again is first and not again.digit.flags.writeable  # shared, so read-only


def test_mode_pixel_limit_and_bytes_are_part_of_the_key():
    cache = PreparedCache(8)
    data = encode(draw_digit())
    for mode, limit in (("mnist", 10**6), ("resize", 10**6), ("mnist", 10**7)):
        prepare, calls = counting(data, mode)
        _, remembered = cache.prepared(data, mode, limit, prepare)
        assert not remembered and calls == [mode]
    other = encode(draw_digit(centre=(200, 120)))
    _, remembered = cache.prepared(other, "mnist", 10**6, counting(other)[0])
    assert not remembered


def test_least_recently_used_entries_go_first():
    cache = PreparedCache(2)
    uploads = [encode(draw_digit(centre=(150 + 40 * i, 110))) for i in range(3)]
    for data in uploads[:2]:
        cache.prepared(data, "mnist", 10**6, counting(data)[0])
    cache.prepared(uploads[0], "mnist", 10**6, counting(uploads[0])[0])  # now the most recent
    cache.prepared(uploads[2], "mnist", 10**6, counting(uploads[2])[0])  # pushes out uploads[1]
    assert cache.prepared(uploads[0], "mnist", 10**6, counting(uploads[0])[0])[1]
    assert not cache.prepared(uploads[1], "mnist", 10**6, counting(uploads[1])[0])[1]


def test_refusals_are_not_kept_and_size_zero_keeps_nothing():
    cache = PreparedCache(4)
    blank = encode(draw_digit(width=0, ink=255))
    for _ in range(2):
        with pytest.raises(preprocess.BlankImageError):
            cache.prepared(blank, "mnist", 10**6, lambda: preprocess.prepare_digit(blank))
    off = PreparedCache(0)
    data = encode(draw_digit())
    prepare, calls = counting(data)
    off.prepared(data, "mnist", 10**6, prepare)
    off.prepared(data, "mnist", 10**6, prepare)
    assert calls == ["mnist", "mnist"]


def lookups(result: str) -> float:
    return REGISTRY.get_sample_value("denoiser_preprocess_cache_lookups_total", {"result": result}) or 0.0


def test_api_answers_a_repeated_upload_from_the_cache_identically(client):
    data = encode(draw_digit(centre=(123, 97)))  # bytes no other test sends
    hits, misses = lookups("hit"), lookups("miss")
    answers = [client.post("/denoise", data={"image": (io.BytesIO(data), "d.png"), "seed": "3"}) for _ in range(2)]
    encoded = client.post("/encode", data={"image": (io.BytesIO(data), "d.png")})
    assert [a.status_code for a in answers] == [200, 200] and encoded.status_code == 200
    assert (lookups("miss") - misses, lookups("hit") - hits) == (1, 2)
    first, second = (a.get_json() for a in answers)
    for key in ("input", "noisy", "denoised", "crop", "preprocess", "metrics"):
        assert first[key] == second[key], key
    assert encoded.get_json()["crop"] == first["crop"]
    assert "decode" in answers[1].get_json()["timings_ms"]
    uncached = preprocess.prepare_digit(data)
    assert np.array_equal(decode_data_url(second["input"]), uncached.digit)
    assert second["crop"] == uncached.crop
