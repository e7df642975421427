"""The serving protocols' bodies: TF Serving REST (/v1, tfserving.py) and the Open Inference Protocol (/v2, v2.py).

Their errors are the protocols' own `{"error": "<message>"}` (errors.py), not the API's `Error`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from denoiser.serving.schemas.base import Inline, Schema, absent

SignatureName = Literal["serving_default", "denoise", "encode", "decode"]


class ProtocolError(Schema):
    model_config = ConfigDict(extra="forbid")

    error: str


# ---- TF Serving REST

class TfServingStatusDetail(Inline):
    error_code: str
    error_message: str


class TfServingVersionStatus(Inline):
    version: str
    state: Literal["AVAILABLE"]
    status: TfServingStatusDetail


class TfServingStatus(Schema):
    model_version_status: list[TfServingVersionStatus] = Field(min_length=1)


class TfServingModelSpec(Inline):
    name: str
    signature_name: str = absent()
    version: str


class TfServingSignatureDefs(Inline):
    signature_def: dict[str, Any]


class TfServingMetadataMap(Inline):
    signature_def: TfServingSignatureDefs


class TfServingMetadata(Schema):
    model_spec: TfServingModelSpec
    metadata: TfServingMetadataMap


class TfServingPredictRequest(Schema):
    """Exactly one of `instances` and `inputs`; images are float32 [N,28,28,1] in [0, 1], decode codes [N,D]."""

    signature_name: SignatureName = absent()
    instances: list[Any] = absent(description="Row format: one tensor (or {input: tensor}) per example.")
    inputs: Any = absent(description="Columnar format: the batch tensor, or {input: batch tensor}.")


class TfServingPredictResponse(Schema):
    """`predictions` (row format) or `outputs` (columnar format)."""

    predictions: list[Any] = absent()
    outputs: Any = absent()


# ---- Open Inference Protocol (v2)

class V2ServerMetadata(Schema):
    name: str
    version: str
    extensions: list[str]


class V2Live(Schema):
    live: bool


class V2Ready(Schema):
    ready: bool


class V2ModelReady(Schema):
    name: str
    ready: bool


class V2TensorMetadata(Inline):
    name: str
    datatype: Literal["FP32"]
    shape: list[int]


class V2ModelMetadata(Schema):
    name: str
    versions: list[str]
    platform: str
    inputs: list[V2TensorMetadata]
    outputs: list[V2TensorMetadata]
    parameters: dict[str, Any] = absent()


class V2InferParameters(Inline):
    signature_name: SignatureName = absent()
    binary_data_output: bool = absent()


class V2InputParameters(Inline):
    binary_data_size: int = absent(ge=0)


class V2InputTensor(Inline):
    name: str
    datatype: Literal["FP32"]
    shape: list[Annotated[int, Field(ge=0)]]
    parameters: V2InputParameters = absent()
    data: list[Any] = absent()


class V2OutputParameters(Inline):
    binary_data: bool = absent()


class V2RequestedOutput(Inline):
    name: str
    parameters: V2OutputParameters = absent()


class V2InferRequest(Schema):
    id: str = absent()
    parameters: V2InferParameters = absent()
    inputs: list[V2InputTensor]
    outputs: list[V2RequestedOutput] = absent()


class V2OutputTensor(Inline):
    name: str
    datatype: str
    shape: list[int]
    data: list[float] = absent()
    parameters: dict[str, Any] = absent()


class V2InferResponse(Schema):
    model_name: str
    model_version: str
    id: str = absent()
    outputs: list[V2OutputTensor]
