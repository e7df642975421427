"""The KServe SDK's REST client (kserve.InferenceRESTClient, protocol v2) against a running API.

Run by tests/api/test_serving_protocols.py with the interpreter named by $KSERVE_PYTHON: the SDK cannot go
into the project's venv (kserve 0.21 requires protobuf < 7, TensorFlow's lock has 7.36.2), so it lives in
a venv of its own: `python3 -m venv /tmp/kserve && /tmp/kserve/bin/pip install kserve numpy`.
Usage: python kserve_client.py BASE_URL IMAGES.npy OUT_DIR; prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import numpy as np
from kserve import InferenceRESTClient, InferInput, InferRequest, RESTConfig


async def main(base: str, images: np.ndarray, out: Path) -> dict:
    client = InferenceRESTClient(RESTConfig(protocol="v2", timeout=60))
    report = {"live": await client.is_server_live(base), "ready": await client.is_server_ready(base),
              "model_ready": await client.is_model_ready(base, "mnist")}
    tensor = InferInput(name="images", shape=list(images.shape), datatype="FP32")
    tensor.set_data_from_numpy(images, binary_data=False)
    for signature in ("serving_default", "encode"):
        request = InferRequest(model_name="mnist", infer_inputs=[tensor], parameters={"signature_name": signature})
        result = await client.infer(base, request, model_name="mnist")
        for output in result.outputs:
            np.save(out / f"{signature}-{output.name}.npy", output.as_numpy())
    flat = InferInput(name="images", shape=[len(images), 784], datatype="FP32")
    flat.set_data_from_numpy(images.reshape(len(images), 784), binary_data=False)
    try:
        await client.infer(base, InferRequest(model_name="mnist", infer_inputs=[flat]), model_name="mnist")
        report["bad_shape"] = "accepted"
    except Exception as error:  # httpx.HTTPStatusError
        report["bad_shape"] = str(error)[:300]
    await client.close()
    return report


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], np.load(sys.argv[2]), Path(sys.argv[3])))))
