"""The committed models/ stays lean: only the served (highest) version of each name carries weights."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "models"


def _versions(name_dir: Path) -> list[Path]:
    return sorted((p for p in name_dir.iterdir() if p.is_dir() and p.name.isdigit()), key=lambda p: int(p.name))


def test_only_the_newest_version_of_each_model_has_weights():
    for name_dir in (p for p in ROOT.iterdir() if p.is_dir()):
        versions = _versions(name_dir)
        for older in versions[:-1]:
            assert not (older / "saved_model.pb").exists(), f"{older}: move an older version's weights out of git"
            assert not (older / "variables").exists(), older
        assert (versions[-1] / "saved_model.pb").is_file(), f"{versions[-1]} is the newest but has no SavedModel"


def test_every_version_keeps_its_card_and_report():
    for name_dir in (p for p in ROOT.iterdir() if p.is_dir()):
        for version in _versions(name_dir):
            card = json.loads((version / "metadata.json").read_text())
            assert card["version"] == int(version.name) and card["training"]["command"], version
            assert (version / "report" / "report.md").is_file(), version
