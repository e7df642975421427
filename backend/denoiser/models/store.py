"""The models/<name>/<version>/ tree on disk: which names and versions exist (no TensorFlow, no Flask)."""

from __future__ import annotations

import json
import re
from pathlib import Path

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def kind_of(version_dir: Path) -> str:
    """What a model version is, by its card: "classifier" (models/classifier.py) or "denoiser" (the rest)."""
    card = version_dir / "metadata.json"
    try:
        return json.loads(card.read_text()).get("kind", "denoiser") if card.is_file() else "denoiser"
    except (OSError, ValueError):
        return "denoiser"


def discover(model_dir: Path, kind: str = "denoiser") -> dict[str, list[int]]:
    """{name: sorted versions} for every `<model_dir>/<name>/<int>/saved_model.pb` whose card is of `kind`
    (a name's kind is its highest version's)."""
    found: dict[str, list[int]] = {}
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        return found
    for entry in sorted(model_dir.iterdir()):
        if not entry.is_dir() or not NAME_PATTERN.match(entry.name):
            continue
        versions = sorted(int(v.name) for v in entry.iterdir()
                          if v.name.isdigit() and (v / "saved_model.pb").is_file())
        if versions and kind_of(entry / str(versions[-1])) == kind:
            found[entry.name] = versions
    return found
