"""docs/studies/README.md: the index of studies and the one table a reader wants (claims beside ours).

Built from the <name>.json each study writes, so it always shows the numbers of the pages beside it.
"""

from __future__ import annotations

import json
from pathlib import Path

from denoiser.evaluation.studies import STUDIES
from denoiser.evaluation.studies.common import FULL, NOISE_SEED, SPLIT
from denoiser.evaluation.studies.page import table

REPORT_ORDER = ("ML-assignment", "DL-project", "EE5179")


def _records(directory: Path) -> list[dict]:
    """The results files of the registered studies present in `directory`, in registry order."""
    paths = [directory / f"{name}.json" for name in STUDIES]
    return [json.loads(path.read_text()) for path in paths if path.is_file()]


def render(records: list[dict]) -> str:
    """The README text for these study records."""
    lines = ["# Studies: the seed reports, reproduced under one protocol", "",
             "```", "make study            # every study (denoiser study --data-dir ../shared/datasets)",
             "make study NAME=dataset", "```", "",
             "The seed reports (`../shared/seeds/`) measured on fixed noise, chose on the test set or not at all, "
             "and called a regression's pixel agreement \"accuracy\". Here every study follows one protocol:",
             "",
             f"- the MNIST training file is split by `data.split_validation` (fraction {SPLIT.val_fraction}, seed "
             f"{SPLIT.seed}), the served models' own validation split; models trained by a study use "
             f"{FULL.train:,} of its images and at most {FULL.epochs} epochs with early stopping on validation loss;",
             "- every choice (epochs, which variant is best) is read on the validation split; the official test "
             f"set gives the final numbers only, on one fixed noise draw (seed {NOISE_SEED});",
             "- PSNR and SSIM as DESIGN.md defines them (per image, then the mean); the served models are scored "
             "through their SavedModel `denoise` signature, as the API serves them.",
             "", "## Index", ""]
    rows = [[f"[{record['name']}]({record['name']}.md)" + (" (quick)" if record["quick"] else ""),
             record["reports"], record["headline"], f"{record['seconds']:.0f} s"] for record in records]
    lines += table(["study", "seed report", "headline", "run time"], rows)
    missing = [name for name in STUDIES if name not in {record["name"] for record in records}]
    if missing:
        lines += ["", f"Not run yet: {', '.join(missing)} (`make study NAME=...`)."]
    lines += ["", "## The seed reports' claims, and what we measure", ""]
    claims = [(claim, record["name"]) for record in records for claim in record["claims"]]
    claims.sort(key=lambda item: REPORT_ORDER.index(item[0]["report"]) if item[0]["report"] in REPORT_ORDER
                else len(REPORT_ORDER))
    lines += table(["report", "claim", "what the report measured", "what we measure (held-out protocol)", "study"],
                   [[claim["report"], claim["quote"], claim["measured"], claim["ours"], f"[{name}]({name}.md)"]
                    for claim, name in claims])
    return "\n".join(lines) + "\n"


def write_index(directory: Path) -> Path:
    """(Re)write README.md in `directory` from the study results found there."""
    path = Path(directory) / "README.md"
    path.write_text(render(_records(Path(directory))))
    return path
