"""The latent side of an evaluation: the map, decoding checks and figures, the typicality calibration.

Writes latent_map.json + latent_map_sprite.png (served by the API) for every model; for models that
decode, the decoded manifold, prior samples, reconstructions and the class-median check; for the VAE,
typicality.json and how well the score separates test digits from other images (ROC AUC).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from denoiser.evaluation import latent_figures
from denoiser.imaging.noise import add_noise
from denoiser.latent import build as latent_build
from denoiser.latent import latent_map, outliers, typicality
from denoiser.latent.latent_map import LatentMap
from denoiser.models.export import write_json
from denoiser.models.scoring import in_batches, signature_outputs
from denoiser.training import data

SPRITE_FILE = "latent_map_sprite.png"
TYPICALITY_FILE = "typicality.json"


def pixel_classifier(dataset: data.Dataset):
    """A 10-NN classifier on raw training pixels (the judge of decoded digits)."""
    from sklearn.neighbors import KNeighborsClassifier

    train = dataset.x_train.reshape(len(dataset.x_train), -1).astype(np.float32) / 255.0
    return KNeighborsClassifier(10).fit(train, dataset.y_train)


def decoding_checks(loaded, served: LatentMap, dataset: data.Dataset, clean: np.ndarray, report_dir: Path,
                    class_names: list[str], seed: int) -> dict:
    """Class-median decoding agreement, the decoded manifold, prior samples and reconstructions."""
    decode = signature_outputs(loaded, "decode")
    encode = signature_outputs(loaded, "encode")
    medians = np.stack([np.median(served.positions[served.labels == c], axis=0) for c in range(len(class_names))])
    decoded_medians = decode(served.codes_at(medians))["images"]
    judged = pixel_classifier(dataset).predict(decoded_medians.reshape(len(medians), -1))
    agreement = [int(c) for c in range(len(class_names)) if judged[c] == c]

    low, high = np.percentile(served.positions, [2, 98], axis=0)
    steps = 16
    xs, ys = np.linspace(low[0], high[0], steps), np.linspace(high[1], low[1], steps)
    grid = np.array([[x, y] for y in ys for x in xs], dtype=np.float32)
    manifold = decode(served.codes_at(grid))["images"]
    latent_figures.image_grid(manifold, steps, report_dir / "manifold.png",
                              "Decoded map: each cell decodes the code at that spot of the latent map")
    dim = served.codes.shape[1]
    prior = np.random.default_rng(seed).standard_normal((40, dim)).astype(np.float32)
    latent_figures.image_grid(decode(prior)["images"], 10, report_dir / "samples.png",
                              f"Samples from the prior: decode(z), z ~ N(0, I) in {dim} dimensions")
    shown = clean[:12]
    noisy = add_noise(shown, "gaussian", 0.5, np.random.default_rng(seed))
    latent_figures.comparison_grid(
        {"original": shown, "reconstructed": decode(encode(shown)["latent"])["images"],
         "class medians": np.concatenate([decoded_medians, np.zeros((2, 28, 28, 1), np.float32)])[:12],
         "noisy 0.5": noisy}, report_dir / "reconstructions.png",
        "Reconstructions (decode of the code of a clean digit) and each class's median map point, decoded")
    return {"decoded_class_agreement": len(agreement), "classes": len(class_names),
            "classes_agreeing": agreement, "median_points": medians.round(3).tolist(),
            "judged_as": [int(v) for v in judged]}


def typicality_report(loaded, clean: np.ndarray, dataset: data.Dataset, model_dir: Path, report_dir: Path,
                      data_dir: str | None, seed: int) -> dict:
    """typicality.json from the test split, and ROC AUC against another dataset, letters and scribbles
    (for the served score, the reconstruction error, and for the negative evidence bound)."""
    from sklearn.metrics import roc_auc_score

    encode, decode = signature_outputs(loaded, "encode"), signature_outputs(loaded, "decode")

    def scores(images: np.ndarray) -> np.ndarray:
        def batch(chunk):
            posterior = encode(chunk)
            decoded = decode(posterior["latent"])["images"]
            return np.stack([typicality.reconstruction_error(chunk, decoded),
                             typicality.negative_elbo(chunk, decoded, posterior["latent"], posterior["log_variance"])],
                            axis=1)
        return in_batches(batch, images)

    test_scores = scores(clean)
    calibrated = typicality.calibration(test_scores[:, 0])
    other_name = "fashion-mnist" if dataset.name == "mnist" else "mnist"
    groups = {f"{dataset.name} test images": test_scores}
    try:
        other = data.load_dataset(other_name, data_dir)
        groups[f"{other_name} test images"] = scores(other.x_test[:2000].astype(np.float32)[..., None] / 255.0)
    except data.DatasetNotFoundError:  # your own images, with no MNIST on this machine: compare with the rest
        print(f"typicality: {other_name} not found, compared with letters and scribbles only", flush=True)
    groups["rendered letters"] = scores(outliers.letters(seed))
    groups["scribbles"] = scores(outliers.scribbles(seed=seed))
    threshold = calibrated["quantiles"][int(typicality.TYPICAL_BELOW_PERCENTILE * 10)]
    separation = {}
    for name, values in list(groups.items())[1:]:
        truth = np.r_[np.zeros(len(test_scores)), np.ones(len(values))]
        separation[name] = {
            "roc_auc": round(float(roc_auc_score(truth, np.r_[test_scores[:, 0], values[:, 0]])), 4),
            "roc_auc_elbo": round(float(roc_auc_score(truth, np.r_[test_scores[:, 1], values[:, 1]])), 4),
            "flagged_share": round(float((values[:, 0] > threshold).mean()), 4), "images": len(values)}
    calibrated["separation"] = separation
    write_json(model_dir / TYPICALITY_FILE, calibrated)
    latent_figures.typicality_histogram({name: values[:, 0] for name, values in groups.items()}, threshold,
                                        report_dir / "typicality.png",
                                        "Typicality score: test images against images from elsewhere")
    return {"threshold": round(float(threshold), 3), "test_median": round(float(np.median(test_scores[:, 0])), 3),
            "separation": separation}


def evaluate_latent(loaded, metadata: dict, dataset: data.Dataset, clean: np.ndarray, labels: np.ndarray,
                    model_dir: Path, report_dir: Path, data_dir: str | None, seed: int = 0) -> dict:
    """Write the latent map, its sprite and figures (and the VAE's calibration); returns the metrics."""
    class_names = metadata.get("class_names") or data.CLASS_NAMES[dataset.name]
    encode = signature_outputs(loaded, "encode")
    latents = in_batches(lambda chunk: encode(chunk)["latent"], clean)
    decodable = "decode" in loaded.signatures
    payload, sprite, results = latent_build.build(latents, labels, clean, class_names, decodable, seed)
    latent_map.save(payload, model_dir)
    (model_dir / SPRITE_FILE).write_bytes(sprite)
    served = LatentMap(payload)
    latent_figures.tsne_map(
        served.positions, served.labels, class_names, report_dir / "latent_map.png",
        f"{dataset.name}: {len(served.positions)} test digits, {metadata['latent_dim']}-d code "
        f"({results['map_knn_accuracy']:.2f} 10-NN accuracy on the map)")
    if decodable:
        results.update(decoding_checks(loaded, served, dataset, clean, report_dir, class_names, seed))
    if "log_variance" in loaded.signatures["encode"].structured_outputs:
        results["typicality"] = typicality_report(loaded, clean, dataset, model_dir, report_dir, data_dir, seed)
    print("latent:", json.dumps({k: v for k, v in results.items() if k != "median_points"}), flush=True)
    return results


def markdown(results: dict, dataset: str) -> list[str]:
    """The report's latent-space section."""
    lines = ["## The latent space", "",
             f"A 2-D map of {results['map_points']:,} test digits' codes (t-SNE after a linear discriminant "
             f"projection, `latent_map.json`); the API places a new digit among its 10 nearest map digits. "
             f"10-NN class accuracy: in the code {results['code_knn_accuracy']:.3f} (all test digits, leave one "
             f"out); on the map {results['map_knn_accuracy']:.3f}; **{results['held_out']:,} held-out test "
             f"digits placed by the API's own path: {results['placement_knn_accuracy']:.3f}**.", "",
             "![latent map](latent_map.png)", ""]
    if "decoded_class_agreement" in results:
        lines += [f"Decoding each class's median map point gives a digit a 10-NN pixel classifier (training "
                  f"images) calls that class for **{results['decoded_class_agreement']} of {results['classes']}** "
                  "classes.", "", "![reconstructions](reconstructions.png)", "",
                  "The decoded map (each cell decodes the code at that spot of the latent map) and samples from "
                  "the prior:", "", "![manifold](manifold.png) ![samples](samples.png)", ""]
    if "typicality" in results:
        typical = results["typicality"]
        lines += [f"### Typicality (\"this does not look like a {'digit' if dataset == 'mnist' else 'garment'}\")",
                  "", f"Score: the reconstruction error, sum over pixels of (input - decoded mean)² (test median "
                  f"{typical['test_median']}); above {typical['threshold']} (the test split's 99th percentile) the "
                  "API says the input is not typical.", "",
                  "| images | ROC AUC vs test images (served score) | ROC AUC (negative evidence bound) | "
                  "flagged as not typical |", "| --- | --- | --- | --- |"]
        lines += [f"| {name} ({row['images']}) | {row['roc_auc']:.3f} | {row['roc_auc_elbo']:.3f} | "
                  f"{100 * row['flagged_share']:.1f} % |" for name, row in typical["separation"].items()]
        lines += ["", "![typicality](typicality.png)", ""]
    return lines
