"""Writing a study: markdown tables, size-capped PNG figures, the page and its results file."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from denoiser.evaluation.figures import comparison_grid, plt
from denoiser.evaluation.studies.common import Context, Outcome

MAX_FIGURE_BYTES = 150_000


def table(header: list[str], rows: list[list]) -> list[str]:
    """A markdown table as lines."""
    def line(cells) -> str:
        return "| " + " | ".join(str(cell) for cell in cells) + " |"

    return [line(header), line(["---"] * len(header))] + [line(row) for row in rows]


def pair(result: dict) -> str:
    """"PSNR / SSIM" of one metrics dict."""
    return f"{result['psnr']:.2f} / {result['ssim']:.3f}"


def shrink(path: Path) -> Path:
    """Re-save a PNG as 8-bit grey when it has no colour, else with a 256-colour palette when it is over
    MAX_FIGURE_BYTES (figures are committed: the index stays light)."""
    import numpy as np
    from PIL import Image

    with Image.open(path) as image:
        rgb = image.convert("RGB")
    pixels = np.asarray(rgb)
    if (pixels == pixels[..., :1]).all():
        rgb.convert("L").save(path, optimize=True)
    elif path.stat().st_size > MAX_FIGURE_BYTES:
        rgb.quantize(256).save(path, optimize=True)
    return path


def save(fig, path: Path, dpi: int = 100) -> Path:
    """Save and close a matplotlib figure, then `shrink` it."""
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return shrink(path)


def render(context: Context, title: str, reports: str, outcome: Outcome, seconds: float) -> str:
    """The page: title, the command that regenerates it, the data used, the run time, then the body."""
    how = ("regenerates this page in quick mode: tiny subsets and 2 epochs, for tests only; its numbers mean "
           "nothing" if context.quick else f"regenerates this page (`make study NAME={context.name}` from the "
           "repository root runs the same)")
    header = [f"# {title}", "", "```", context.command, "```", "", f"{how}. Seed report: {reports}.", "",
              "**Data used**", ""]
    header += [f"- {line}" for line in outcome.data_used]
    load = os.getloadavg()[1]  # other jobs on the machine stretch the run time: say how busy it was
    header += ["", f"**Run time**: {seconds:.0f} s on {os.cpu_count()} CPU cores (TensorFlow CPU); 5-minute load "
               f"average at the end {load:.1f} ({os.cpu_count()} = every core busy).", ""]
    return "\n".join(header + outcome.body).rstrip() + "\n"


def write(context: Context, title: str, reports: str, outcome: Outcome, seconds: float) -> Path:
    """Write <name>.md and <name>.json (headline, claims, numbers, run time) into the output directory."""
    context.output_dir.mkdir(parents=True, exist_ok=True)
    page = context.output_dir / f"{context.name}.md"
    page.write_text(render(context, title, reports, outcome, seconds))
    record = {"name": context.name, "title": title, "reports": reports, "command": context.command,
              "quick": context.quick, "seconds": round(seconds, 1), "headline": outcome.headline,
              "claims": [asdict(claim) for claim in outcome.claims], "results": outcome.results}
    (context.output_dir / f"{context.name}.json").write_text(json.dumps(record, indent=1) + "\n")
    return page


def grid(rows: dict, path: Path, title: str) -> Path:
    """`figures.comparison_grid` (one row per named image stack), shrunk."""
    comparison_grid(rows, path, title)
    return shrink(path)
