"""What every contract model shares: the base class, OpenAPI 3.0's dialect of JSON Schema, common field types."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, RootModel
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import PydanticCustomError

from denoiser.imaging import PREPROCESS_MODES
from denoiser.imaging.noise import NOISE_TYPES

NoiseType = Literal[NOISE_TYPES]
PreprocessMode = Literal[PREPROCESS_MODES]


def _untitled(schema: dict, _model: type) -> None:
    """Drop the `title` pydantic gives every model (the component's name says it); the docstring, which
    becomes the description, on one line."""
    schema.pop("title", None)
    if "description" in schema:
        schema["description"] = " ".join(schema["description"].split())


def _no_default(schema: dict) -> None:
    schema.pop("default", None)


def absent(**kwargs: Any) -> Any:
    """An optional field: left out when it does not apply, never null (and no `default: null` documented)."""
    return Field(None, json_schema_extra=_no_default, **kwargs)


class OpenApi30(GenerateJsonSchema):
    """pydantic's JSON Schema in OpenAPI 3.0's dialect: `nullable` instead of a null type, `enum` for `const`."""

    def nullable_schema(self, schema):
        inner = self.generate_inner(schema["schema"])
        return {"allOf": [inner], "nullable": True} if "$ref" in inner else {**inner, "nullable": True}

    def literal_schema(self, schema):
        result = super().literal_schema(schema)
        if "const" in result:
            result["enum"] = [result.pop("const")]
        return result

    def field_title_should_be_set(self, schema) -> bool:
        return False


class Schema(BaseModel):
    """A part of the contract (untitled in the document; `model_*` field names are the API's, not pydantic's)."""

    model_config = ConfigDict(json_schema_extra=_untitled, protected_namespaces=())


class Inline(Schema):
    """A part of one body, written out where it is used instead of as a component of its own (openapi.py):
    clients read e.g. the error codes at Error.properties.error.properties.code."""


class Open(Schema):
    """An answer whose other keys pass through (additionalProperties)."""

    model_config = ConfigDict(extra="allow")


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):  # JSON true is not the number 1 here
        raise PydanticCustomError("bool_type", "a boolean is not a number")
    return value


Number = Annotated[float, BeforeValidator(_not_bool)]
Integer = Annotated[int, BeforeValidator(_not_bool)]
Pair = Annotated[list[float], Field(min_length=2, max_length=2)]


class DataUrl(RootModel[Annotated[str, Field(pattern="^data:image/png;base64,")]]):
    model_config = ConfigDict(json_schema_extra=_untitled)


class Crop(RootModel[Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=4, max_length=4)]]):
    """[x, y, width, height] of what the model saw, in the uploaded image's pixels (after EXIF rotation); the whole
    image for preprocess=resize; null for `instances`."""

    model_config = ConfigDict(json_schema_extra=_untitled)
