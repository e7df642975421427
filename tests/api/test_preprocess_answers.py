"""Preprocessing gives the recorded answer for every upload of a fixed corpus (tests/api/preprocess_corpus.py):
the same 28x28 digit to the bit, the same crop and report, the same refusals. Guards speed-ups of the
request path, which must not change what the model sees."""

from __future__ import annotations

import json

import pytest
from preprocess_corpus import RECORDED, answer, cases

CASES = cases()


@pytest.fixture(scope="module")
def recorded() -> dict:
    return json.loads(RECORDED.read_text())


def test_the_corpus_is_the_recorded_one(recorded):
    assert sorted(name for name, _, _ in CASES) == sorted(recorded)


@pytest.mark.parametrize("name,data,mode", CASES, ids=[name for name, _, _ in CASES])
def test_preprocessing_answers_as_recorded(recorded, name, data, mode):
    assert answer(data, mode) == recorded[name]
