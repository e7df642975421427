"""The fast path: a model's signatures as TensorFlow Lite, run by LiteRT's XNNPACK delegate on one thread.

TensorFlow's per-call overhead is most of a 28x28 model's call: `make bench` times mnist/5's `denoise`
on one image at 0.52 ms through TFLite/XNNPACK against 1.26 ms through the SavedModel with one TF thread,
as in a worker, and 2.31 ms with TensorFlow's default threads (rows (e), (d1) and (d)); outputs agree
within 3.0e-7 to 2.3e-5 across the served models (`GET /model`, runtime.probe_max_abs_diff).
Export writes `model.tflite` beside the SavedModel, which stays the
contract (TF Serving loads it, and the API falls back to it). The file is derived, deterministic and
not kept in git (it would double the weights there): `make models-lite` writes the missing ones, and the
api image writes them at build. The runtime is `ai-edge-litert`, TFLite's
own package (TensorFlow 2.21 deprecates `tf.lite.Interpreter` in its favour); it installs cleanly beside
tensorflow-cpu, with the same numpy and protobuf pins. Conversion still uses `tf.lite.TFLiteConverter`.

An interpreter is not thread-safe, so each OS thread gets its own (gunicorn's gthread workers serve
requests on several threads). They are keyed by the OS thread's id, not held in a `threading.local`:
under gunicorn's gevent worker (the default) `threading.local` is per greenlet, that is per connection,
and every new connection would build new interpreters. Greenlets of one thread never interleave inside a
call (it does no I/O), so they can share that thread's interpreters.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np

TFLITE_NAME = "model.tflite"
SIGNATURES = ("denoise", "encode", "decode", "classify")
TOLERANCE = 1e-4  # the largest |TFLite - SavedModel| accepted on the probe batch
log = logging.getLogger("denoiser.models.lite")


def probe_batch(count: int = 4) -> np.ndarray:
    """Fixed images the fast path must reproduce: sparse bright strokes on black, like digits."""
    return (np.random.default_rng(0).random((count, 28, 28, 1), dtype=np.float32) ** 6).astype(np.float32)


def largest_difference(lite: LiteModel, reference, pairs: list[tuple[str, dict]]) -> float:
    """The largest |TFLite - reference| over (signature, inputs) pairs; `reference(signature, **inputs)` gives the
    SavedModel's outputs by name. Below TOLERANCE, the fast path may serve the model."""
    worst = 0.0
    for signature, inputs in pairs:
        expected, got = reference(signature, **inputs), lite.run(signature, **inputs)
        worst = max([worst] + [float(np.max(np.abs(expected[key] - got[key]))) for key in expected])
    return worst


def verified(model_dir: Path, reference, pairs) -> tuple[LiteModel | None, float | None, str]:
    """`model_dir`'s model.tflite when it agrees with the SavedModel within TOLERANCE, else None; and why (the
    largest difference found, or None; why, in words). `pairs()` makes the (signature, inputs) probes, only once a file is
    there. A broken or foreign file only costs the fast path."""
    try:
        lite = LiteModel.load(model_dir)
        if lite is None:
            return None, None, "no model.tflite"
        worst = largest_difference(lite, reference, pairs())
    except Exception as error:
        return None, None, f"model.tflite unusable: {error}"
    if worst >= TOLERANCE:
        return None, worst, f"model.tflite differs from the SavedModel by {worst:.3g} (>= {TOLERANCE:g}) on the probe batch"
    return lite, worst, f"max |diff| {worst:.3g}"


def convert(model_dir: Path) -> bytes:
    """The SavedModel's denoise/encode/decode signatures as one TFLite flatbuffer (float32, as exported), with
    a static batch of one: each signature re-traced with a batch of 1, saved to a scratch SavedModel, converted.

    With every shape static, XNNPACK takes the whole graph: a batch-agnostic conversion keeps the run-time
    shape arithmetic (SHAPE, STRIDED_SLICE, PACK) that feeds Reshape and the transposed convolutions'
    output shapes, which XNNPACK cannot delegate, so those layers ran on TFLite's own kernels, between
    delegate partitions. A batch goes through image by image, per image as fast as a batched call (XNNPACK
    gains nothing from the batch dimension at 28x28), and every model converts this way (some decoders
    reshape to a channel count that a batch-agnostic TFLite Conv2D cannot take)."""
    import tempfile

    import tensorflow as tf

    loaded = tf.saved_model.load(str(model_dir))
    names = [name for name in SIGNATURES if name in loaded.signatures]
    module = tf.Module()
    module.source = loaded  # keeps the variables tracked
    signatures = {}
    for name in names:
        signature = loaded.signatures[name]
        ((argument, spec),) = signature.structured_input_signature[1].items()
        fixed = tf.TensorSpec([1, *spec.shape[1:]], tf.float32, name=argument)

        def call(tensor, signature=signature, argument=argument):
            return signature(**{argument: tensor})

        signatures[name] = tf.function(call, input_signature=[fixed]).get_concrete_function()
    with tempfile.TemporaryDirectory() as scratch:
        tf.saved_model.save(module, scratch, signatures=signatures)
        return tf.lite.TFLiteConverter.from_saved_model(scratch, signature_keys=names).convert()


def write(model_dir: Path) -> Path | None:
    """Write model.tflite beside the SavedModel; None (logged) when the conversion fails: the API then
    serves the SavedModel."""
    try:
        blob = convert(model_dir)
    except Exception as error:  # any converter failure only costs the fast path
        log.warning("no TFLite fast path for %s: %s", model_dir, error)
        return None
    path = Path(model_dir) / TFLITE_NAME
    path.write_bytes(blob)
    return path


class LiteModel:
    """model.tflite's signatures as numpy -> {output: numpy}, one interpreter per calling thread."""

    def __init__(self, content: bytes):
        self.content = content
        self.per_thread: dict[int, tuple] = {}  # OS thread id -> (interpreter, {signature: runner})
        self.signatures = set(self._interpreter().get_signature_list())

    @classmethod
    def load(cls, model_dir: Path) -> LiteModel | None:
        """The model's TFLite file, or None when it has none."""
        path = Path(model_dir) / TFLITE_NAME
        return cls(path.read_bytes()) if path.is_file() else None

    def _own(self) -> tuple:
        """This OS thread's (interpreter, runners by signature), made on its first call."""
        key = threading.get_native_id()  # gevent patches get_ident and local, not this
        own = self.per_thread.get(key)
        if own is None:
            from ai_edge_litert.interpreter import Interpreter

            # XNNPACK is LiteRT's default CPU delegate for float models; one thread, as the API's TF.
            own = self.per_thread[key] = (Interpreter(model_content=self.content, num_threads=1), {})
        return own

    def _interpreter(self):
        return self._own()[0]

    def run(self, signature: str, **inputs: np.ndarray) -> dict[str, np.ndarray]:
        """Call one signature: the runner resizes its inputs to the batch given, or, for a model converted
        with a batch of one, the batch goes through image by image."""
        interpreter, runners = self._own()
        runner = runners.get(signature)
        if runner is None:
            runner = runners[signature] = interpreter.get_signature_runner(signature)
        arrays = {key: np.ascontiguousarray(value, np.float32) for key, value in inputs.items()}
        batch = len(next(iter(arrays.values())))
        if batch > 1 and self._batch_of_one(runner):
            parts = [self._call(runner, {key: value[i:i + 1] for key, value in arrays.items()}) for i in range(batch)]
            return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
        return self._call(runner, arrays)

    def converted_with_a_batch_of_one(self) -> bool:
        """True when the model was converted with a static batch of one (batches run image by image)."""
        return self._batch_of_one(self._interpreter().get_signature_runner("denoise"))

    @staticmethod
    def _call(runner, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {name: np.array(value) for name, value in runner(**arrays).items()}

    @staticmethod
    def _batch_of_one(runner) -> bool:
        details = next(iter(runner.get_input_details().values()))
        return int(details["shape_signature"][0]) == 1


def main(argv: list[str] | None = None) -> None:
    """denoiser lite [--missing] DIR [DIR ...]: write model.tflite for model version directories,
    or for the highest version of every model (denoisers and classifiers) under a models/ tree (`make
    models-lite` runs it)."""
    import argparse

    parser = argparse.ArgumentParser(prog="denoiser lite", description=main.__doc__)
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--missing", action="store_true", help="only models that have no model.tflite yet")
    args = parser.parse_args(argv)
    targets = []
    for path in args.paths:
        if (path / "saved_model.pb").is_file():
            targets.append(path)
        else:
            from denoiser.models.store import discover

            targets += [path / name / str(versions[-1]) for kind in ("denoiser", "classifier")
                        for name, versions in discover(path, kind).items()]
    for target in targets:
        if args.missing and (target / TFLITE_NAME).is_file():
            continue
        written = write(target)
        print(f"{target}: {written.stat().st_size:,} bytes" if written else f"{target}: conversion failed",
              flush=True)


if __name__ == "__main__":
    main()
