"""Settings for the API, read once from the environment into one typed object."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_CORS_ORIGINS = ("http://localhost:5173", "http://127.0.0.1:5173")


def _int(name: str, default: int) -> int:
    """An integer environment variable, or `default` when unset or empty."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _list(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """A comma-separated environment variable as a tuple of non-empty items."""
    value = os.environ.get(name)
    if value is None:
        return default
    return tuple(item.strip() for item in value.split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    """Everything the API can be configured with (environment variable in brackets)."""

    model_dir: Path = REPO_ROOT / "models"  # DENOISER_MODEL_DIR
    default_model: str = "mnist"  # DENOISER_DEFAULT_MODEL
    # DENOISER_MODEL_VERSION: "2" pins the default model's version, "mnist=2,fashion-mnist=1" each one's
    model_version: str = ""
    max_upload_bytes: int = 10 * 1024 * 1024  # DENOISER_MAX_UPLOAD_BYTES
    max_pixels: int = 25_000_000  # DENOISER_MAX_PIXELS, checked from the image header before decoding
    max_batch: int = 16  # DENOISER_MAX_BATCH: images per request
    cors_origins: tuple[str, ...] = field(default=DEFAULT_CORS_ORIGINS)  # DENOISER_CORS_ORIGINS
    log_level: str = "INFO"  # DENOISER_LOG_LEVEL
    static_dir: Path = REPO_ROOT / "frontend" / "dist"  # DENOISER_STATIC_DIR (the built SPA)
    load_models: bool = True  # DENOISER_LOAD_MODELS=0 starts without models (readyz answers 503)
    tf_threads: int = 0  # DENOISER_TF_THREADS: TensorFlow intra-op threads, 0 = TensorFlow's choice
    preprocess_cache: int = 256  # DENOISER_PREPROCESS_CACHE: uploads remembered per worker, 0 = off
    admin_token: str = ""  # DENOISER_ADMIN_TOKEN: enables POST /admin/reload for callers that send it

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from DENOISER_* environment variables."""
        env = os.environ.get
        return cls(
            model_dir=Path(env("DENOISER_MODEL_DIR") or cls.model_dir),
            default_model=env("DENOISER_DEFAULT_MODEL") or cls.default_model,
            model_version=env("DENOISER_MODEL_VERSION", "").strip(),
            max_upload_bytes=_int("DENOISER_MAX_UPLOAD_BYTES", cls.max_upload_bytes),
            max_pixels=_int("DENOISER_MAX_PIXELS", cls.max_pixels),
            max_batch=_int("DENOISER_MAX_BATCH", cls.max_batch),
            cors_origins=_list("DENOISER_CORS_ORIGINS", DEFAULT_CORS_ORIGINS),
            log_level=(env("DENOISER_LOG_LEVEL") or cls.log_level).upper(),
            static_dir=Path(env("DENOISER_STATIC_DIR") or cls.static_dir),
            load_models=env("DENOISER_LOAD_MODELS", "1").strip().lower() not in ("0", "false", "no"),
            tf_threads=_int("DENOISER_TF_THREADS", cls.tf_threads),
            preprocess_cache=_int("DENOISER_PREPROCESS_CACHE", cls.preprocess_cache),
            admin_token=env("DENOISER_ADMIN_TOKEN", "").strip(),
        )

    def with_overrides(self, overrides: dict) -> Settings:
        """A copy with the (case-insensitive) field names in `overrides` replaced; other keys are ignored."""
        names = {f.name for f in fields(self)}
        chosen = {key.lower(): value for key, value in overrides.items() if key.lower() in names}
        for key in ("model_dir", "static_dir"):
            if key in chosen:
                chosen[key] = Path(chosen[key])
        return replace(self, **chosen)

    def pinned_versions(self) -> dict[str, int]:
        """DENOISER_MODEL_VERSION as {model name: version}."""
        if not self.model_version:
            return {}
        if "=" not in self.model_version:
            return {self.default_model: int(self.model_version)}
        pairs = (item.split("=", 1) for item in self.model_version.split(",") if item.strip())
        return {name.strip(): int(version) for name, version in pairs}
