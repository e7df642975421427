"""The HTTP contract, declared once: pydantic models of every request body and JSON answer of the API.

/openapi.json is generated from them (openapi.py: the models plus one row per endpoint), the frontend's
TypeScript types from that document (`make contract`), and inputs.py validates the request options with
`Options` itself. Adding an endpoint: a model for its answer (and body) in `answers` (`bodies`), and one row
in openapi.py's `ENDPOINTS`; then `make contract`.

- base: the base class, OpenAPI 3.0's dialect of JSON Schema, shared field types
- bodies: request bodies and options
- answers: errors and JSON answers of the API's own endpoints
- protocols: the TF Serving REST (/v1) and Open Inference Protocol (/v2) bodies
"""

from denoiser.serving.schemas.answers import ERROR_CODES, Error
from denoiser.serving.schemas.base import OpenApi30, Schema
from denoiser.serving.schemas.bodies import MAX_SEED, Options
from denoiser.serving.schemas.protocols import ProtocolError

__all__ = ["ERROR_CODES", "MAX_SEED", "Error", "OpenApi30", "Options", "ProtocolError", "Schema"]
