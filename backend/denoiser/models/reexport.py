"""Re-export a model with the current exporter, keeping its weights bit for bit: denoiser reexport DIR.

Rebuilds the architecture from the model card, reads the weights from the SavedModel's own checkpoint
(exports before the keras#23553 workaround hold each weight twice; the copy under `variables/<i>` follows
the order the exporter tracked them in), writes a fresh export beside it, checks that every signature
answers the same on random inputs, and swaps it in. The card (which records the re-export), reports and
companions are kept.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import tensorflow as tf

from denoiser.models import export
from denoiser.models import architectures
from denoiser.models.scoring import signature_outputs

SAVED = ("saved_model.pb", "fingerprint.pb", "variables", "assets")


def _tracked_variables(autoencoder: architectures.Autoencoder) -> list:
    """The variables in the order the old exporter tracked them (denoiser, posterior, decoder), repeats kept:
    a repeat's checkpoint entry is left out (the object was already saved under an earlier index)."""
    return [variable for model in (autoencoder.denoiser, autoencoder.posterior, autoencoder.decoder)
            if model is not None for variable in model.variables]


def load_weights(autoencoder: architectures.Autoencoder, directory: Path) -> None:
    """Assign the weights stored in `directory`'s SavedModel to a freshly built autoencoder."""
    reader = tf.train.load_checkpoint(str(directory / "variables" / "variables"))
    stored = reader.get_variable_to_shape_map()
    tracked = _tracked_variables(autoencoder)
    assigned = set()
    for index, variable in enumerate(tracked):
        key = f"variables/{index}/.ATTRIBUTES/VARIABLE_VALUE"
        if key not in stored:
            continue
        value = reader.get_tensor(key)
        if tuple(value.shape) != tuple(variable.shape):
            raise ValueError(f"variable {index}: stored {value.shape}, expected {variable.shape}")
        variable.assign(value)
        assigned.add(id(variable))
    missing = {id(v) for v in tracked} - assigned
    if missing:
        raise ValueError(f"{directory}: {len(missing)} variables of the architecture are not in the checkpoint")


def load_served_weights(autoencoder: architectures.Autoencoder, directory: Path) -> None:
    """Assign the weights of any exported SavedModel (old or current exporter) to a freshly built autoencoder of
    the same architecture, matched by layer and weight name (fine-tuning starts from them). The layers an
    extension adds (`fresh_layers`, unet-class on unet) keep their initial weights."""
    loaded = tf.saved_model.load(str(directory))
    variables = list(getattr(loaded, "_all_variables", None) or loaded.variables)  # current exporter, old one
    stored = {variable.name.removesuffix(":0"): variable for variable in variables}
    fresh = tuple(f"{layer}/" for layer in autoencoder.fresh_layers) + ("seed_generator",)  # dropout's RNG state
    tracked = [variable for variable in _tracked_variables(autoencoder) if not variable.path.startswith(fresh)]
    missing = [variable.path for variable in tracked if variable.path not in stored]
    if missing:
        raise ValueError(f"{directory}: not the same architecture ({len(missing)} weights missing, e.g. "
                         f"{missing[0]})")
    for variable in tracked:
        value = stored[variable.path].numpy()
        if tuple(value.shape) != tuple(variable.shape):
            raise ValueError(f"{directory}: {variable.path} is {value.shape}, the architecture has {variable.shape}")
        variable.assign(value)


def _answers(directory: Path, images: np.ndarray, latent_dim: int) -> dict:
    loaded = tf.saved_model.load(str(directory))
    latent = np.random.default_rng(1).standard_normal((4, latent_dim)).astype(np.float32)
    answers = {}
    for name in loaded.signatures:
        outputs = signature_outputs(loaded, name)(latent if name == "decode" else images)
        answers.update({f"{name}/{key}": value for key, value in outputs.items()})
    return answers


def reexport(directory: Path) -> tuple[int, int]:
    """Re-export `directory` in place; returns the variables file size (bytes) before and after."""
    card = export.read_metadata(directory)
    config = card["training"]["config"]
    autoencoder = architectures.build(card["arch"], card["latent_dim"], config.get("width", 32), config.get("beta", 1.0))
    load_weights(autoencoder, directory)
    fresh = directory.with_name(directory.name + ".reexport")
    shutil.rmtree(fresh, ignore_errors=True)
    export.export_model(autoencoder, fresh, card)
    images = np.random.default_rng(0).random((4, 28, 28, 1)).astype(np.float32)
    before, after = _answers(directory, images, card["latent_dim"]), _answers(fresh, images, card["latent_dim"])
    if before.keys() != after.keys() or any(not np.array_equal(before[k], after[k]) for k in before):
        shutil.rmtree(fresh)
        raise ValueError(f"{directory}: the re-export does not answer like the original; nothing changed")
    sizes = (_variables_bytes(directory), _variables_bytes(fresh))
    for name in SAVED:
        old = directory / name
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink(missing_ok=True)
        if (fresh / name).exists():
            shutil.move(str(fresh / name), str(old))
    shutil.rmtree(fresh)
    card["reexport"] = {"command": f"denoiser reexport {directory}",
                        "reason": "one stored copy of each weight (keras-team/keras#23553); answers bit for bit equal",
                        "variables_bytes_before_after": list(sizes)}
    export.write_json(directory / "metadata.json", card)
    return sizes


def _variables_bytes(directory: Path) -> int:
    return sum(path.stat().st_size for path in (directory / "variables").iterdir())


def main(argv: list[str] | None = None) -> None:
    """Re-export each model directory given."""
    parser = argparse.ArgumentParser(prog="denoiser reexport", description=__doc__)
    parser.add_argument("model", nargs="+", help="model version directories, e.g. models/mnist/5")
    for directory in parser.parse_args(argv).model:
        before, after = reexport(Path(directory))
        print(f"{directory}: variables {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB, every signature identical")


if __name__ == "__main__":
    main()
