"""Preprocessing gives the recorded answer for every upload of a fixed corpus (tests/api/preprocess_corpus.py),
within a tolerance: the same refusals, the same polarity, the crop within a pixel and the 28x28 digit within a
small mean grey difference. Guards changes to preprocessing, which must not change what the model sees by
accident (re-record with `preprocess_corpus.py --write` when a change is meant to)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from preprocess_corpus import RECORDED, answer, cases, digit_of

CASES = cases()
MEAN_GREY = 0.05  # mean absolute difference of the 28x28 digit, on the [0, 1] scale
CROP_PX = 1


@pytest.fixture(scope="module")
def recorded() -> dict:
    return json.loads(RECORDED.read_text())


def test_the_corpus_is_the_recorded_one(recorded):
    assert sorted(name for name, _, _ in CASES) == sorted(recorded)


@pytest.mark.parametrize("name,data,mode", CASES, ids=[name for name, _, _ in CASES])
def test_preprocessing_answers_as_recorded(recorded, name, data, mode):
    now, then = answer(data, mode), recorded[name]
    assert ("refused" in now) == ("refused" in then), now.get("refused") or then.get("refused")
    if "refused" in then:
        return
    assert now["inverted"] == then["inverted"]
    assert max(abs(a - b) for a, b in zip(now["crop"], then["crop"])) <= CROP_PX, (now["crop"], then["crop"])
    difference = np.abs(digit_of(now).astype(np.float32) - digit_of(then).astype(np.float32)).mean() / 255
    assert difference <= MEAN_GREY, difference
