# One entry point for every task. `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
KSERVE_VENV := .venv-kserve
PORT ?= 8000
DATA_DIR ?= ../shared/datasets
DATASET ?= mnist
ARCH ?= unet
EPOCHS ?= 60
WIDTH ?= 16
NOISE ?= gaussian:0.5
MODEL ?= models/$(DATASET)/1
export PYTHONUNBUFFERED := 1

.PHONY: install install-python install-frontend frontend train evaluate test test-python test-frontend \
        test-e2e lint contract serve dev run compare study bench up down clean lock test-containers compose-train \
        compose-evaluate models-lite

install: install-python install-frontend ## Python venv + npm packages

install-python: $(VENV)/.installed
# The stamp is touched last, so a failed or interrupted install is simply retried. A venv without a
# working pip (made where ensurepip was missing) is thrown away and made again.
# requirements.lock pins the runtime dependencies (the Docker image installs exactly it); the dev and
# baselines extras are resolved within those pins.
$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null \
	  || { echo "error: need Python >= 3.10 as '$(PYTHON)' (try: make run PYTHON=python3.11)" >&2; exit 1; }
	@$(PY) -m pip --version >/dev/null 2>&1 || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); } \
	  || { echo "error: '$(PYTHON) -m venv' failed; on Debian/Ubuntu: apt-get install python3-venv" >&2; exit 1; }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e ".[cpu,dev,baselines]"
	touch $@

# uv resolves for the image's platform (linux x86_64, CPython 3.11) whatever the host is.
UV_VERSION ?= 0.13.9
lock: ## Re-pin pyproject.toml's runtime dependencies into requirements.lock (then rebuild, re-test)
	@$(PY) -m uv --version >/dev/null 2>&1 || $(PY) -m pip install -q "uv==$(UV_VERSION)"
	$(PY) -m uv pip compile pyproject.toml --extra cpu --upgrade --python-version 3.11 \
	  --python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock" -o requirements.lock

install-frontend: frontend/node_modules/.installed
# npm ci is exact, but rejects a lock file that lacks entries for optional platform packages the
# registry does not serve (npm/cli#9846: rollup's non-Linux binaries on a partial mirror); then
# `npm install --no-save` installs the same locked versions without rewriting the lock file.
frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	@command -v npm >/dev/null || { echo "error: npm not found; install Node.js >= 20.19 (with npm)" >&2; exit 1; }
	cd frontend && { npm ci --no-audit --no-fund \
	  || { echo "npm ci refused the lock file; falling back to npm install --no-save" >&2; \
	       npm install --no-audit --no-fund --no-save; }; }
	touch $@

frontend: install-frontend ## Build the SPA into frontend/dist
	cd frontend && npm run build

train: install-python ## Train, export, evaluate and tune its baselines (/compare): make train DATASET=mnist ARCH=unet WIDTH=16 EPOCHS=60 (denoiser --help lists every command)
	$(BIN)/denoiser train --dataset $(DATASET) --data-dir $(DATA_DIR) --arch $(ARCH) --width $(WIDTH) --epochs $(EPOCHS) \
	  --output-dir models --name $(DATASET)
	$(BIN)/denoiser evaluate --model "$$(ls -d models/$(DATASET)/[0-9]* | sort -t/ -k3 -n | tail -1)" \
	  --data-dir $(DATA_DIR) --noise $(NOISE)
	$(BIN)/denoiser tune-baselines --model "$$(ls -d models/$(DATASET)/[0-9]* | sort -t/ -k3 -n | tail -1)" \
	  --data-dir $(DATA_DIR)

evaluate: install-python ## Evaluate a model against baselines and write its report
	$(BIN)/denoiser evaluate --model $(MODEL) --dataset $(DATASET) --data-dir $(DATA_DIR) --noise $(NOISE)

test: install frontend test-python test-frontend test-e2e ## Everything CI runs

test-python: install-python models-lite $(KSERVE_VENV)/.installed
	KSERVE_PYTHON=$(abspath $(KSERVE_VENV))/bin/python $(BIN)/pytest

# The KServe SDK needs protobuf < 7 (TensorFlow's lock has 7.x), so its REST client, which
# tests/api/test_serving_protocols.py runs against the live server, gets a venv of its own.
$(KSERVE_VENV)/.installed:
	$(PYTHON) -m venv $(KSERVE_VENV)
	$(KSERVE_VENV)/bin/python -m pip install -q "kserve==0.21.0" numpy
	touch $@

test-frontend: install-frontend
	cd frontend && npm test

test-e2e: install frontend models-lite
	cd frontend && npm run e2e

lint: install ## ruff + TypeScript type check + hadolint
	$(BIN)/ruff check .
	cd frontend && npm run lint
	$(BIN)/hadolint Dockerfile

# The HTTP contract is declared once, as pydantic models (backend/denoiser/serving/schemas); the OpenAPI
# document and the frontend's types are generated from them, and tests/api/test_contract.py fails when stale.
contract: install ## Regenerate frontend/src/api/openapi.json and schema.d.ts from the API's pydantic models
	$(BIN)/denoiser openapi --output frontend/src/api/openapi.json
	cd frontend && node_modules/.bin/openapi-typescript src/api/openapi.json --array-length -o src/api/schema.d.ts

# model.tflite (the API's TFLite/XNNPACK fast path) is derived from each served SavedModel and not kept in
# git: written here once for the models that lack it (about 1 s each), as the api image does at build.
models-lite: install-python ## Write the missing model.tflite files (the fast path) for the served models
	$(BIN)/denoiser lite --missing models

serve: install-python models-lite ## gunicorn serving the API (and the built SPA) on $PORT
	PORT=$(PORT) $(BIN)/denoiser serve

dev: install-python ## Flask debug server (development only)
	$(BIN)/flask --app 'denoiser.serving:create_app' run --debug --port $(PORT)

run: install frontend ## Set up everything and serve UI + API on http://localhost:$(PORT)
	@ls models/*/*/saved_model.pb >/dev/null 2>&1 \
	  || { echo "error: no model under models/<name>/<version>/; train one: make train" >&2; exit 1; }
	@$(MAKE) --no-print-directory serve

compare: install-python ## Train the seed-report architectures under the same protocol and score them
	$(BIN)/denoiser compare --dataset $(DATASET) --data-dir $(DATA_DIR) --markdown runs/compare.md

study: install-python ## Reproduce the seed reports' studies: make study NAME=dataset (all when NAME is empty)
	$(BIN)/denoiser study $(NAME) --data-dir $(DATA_DIR)

bench: install-python ## Latency: gunicorn vs in-process signature vs naive model.predict
	$(BIN)/denoiser bench

# The compose tool: `docker compose` (v2 plugin) or the standalone `docker-compose` where a Docker engine
# answers; else podman-compose (on PATH, or installed into the venv from PyPI).
PODMAN_COMPOSE_VERSION ?= 1.6.0
COMPOSE ?= $(shell if docker info >/dev/null 2>&1; then \
             docker compose version >/dev/null 2>&1 && echo 'docker compose' || echo docker-compose; \
           elif command -v podman >/dev/null 2>&1; then command -v podman-compose || echo $(BIN)/podman-compose; \
           else echo docker-compose; fi)

PODMAN_COMPOSE_IF_NEEDED = $(if $(findstring $(BIN)/podman-compose,$(COMPOSE)),$(BIN)/podman-compose)
$(BIN)/podman-compose: | $(VENV)/.installed
	$(PY) -m pip install -q "podman-compose==$(PODMAN_COMPOSE_VERSION)"

# podman builds OCI images by default, which drop HEALTHCHECK; BUILDAH_FORMAT=docker keeps it.
up down compose-train compose-evaluate: export BUILDAH_FORMAT := docker
# SCALE=3: three api replicas behind nginx (`up --scale api=3`; podman-compose 1.6 has --scale too).
SCALE ?=
up: $(PODMAN_COMPOSE_IF_NEEDED) ## compose up: nginx on :8080 (the only published port); SCALE=3 for 3 api replicas
	$(COMPOSE) up -d --build$(if $(SCALE), --scale api=$(SCALE))

# --remove-orphans: podman-compose removes only the current scale's containers without it.
down: ## compose down (every api replica too)
	$(COMPOSE) down --remove-orphans

test-containers: install $(PODMAN_COMPOSE_IF_NEEDED) ## Build both images (docker, else podman), run the compose stack and test it through nginx
	PY=$(abspath $(PY)) COMPOSE="$(COMPOSE)" tests/containers/run.sh

# train/evaluate in the api image, as you (so they can write ./models, or $MODELS_DIR), DATA_DIR mounted
# at /data; TRAIN_ARGS / EVALUATE_ARGS add flags (e.g. TRAIN_ARGS="--limit 2000").
TRAIN_ARGS ?=
EVALUATE_ARGS ?=
COMPOSE_AS_ME = TRAIN_UID=$$(id -u) TRAIN_GID=$$(id -g) DATA_DIR=$(abspath $(DATA_DIR))
# DATA=./my-images NAME=mine: your own images instead (docs/own-images.md), a folder (or an .npz's folder)
# mounted read-only at /own-data (OWN_DATA) and at /data, so DATA_DIR need not exist.
OWN_DATA = $(abspath $(if $(wildcard $(DATA)/.),$(DATA),$(dir $(DATA))))
compose-train: $(PODMAN_COMPOSE_IF_NEEDED) ## Train in the container: make compose-train DATASET=mnist EPOCHS=40, or on your images: DATA=./my-images NAME=mine
	@$(if $(DATA),test -e "$(DATA)" || { echo "error: no $(DATA): DATA is your folder of images (or an .npz)" >&2; exit 1; }; \
	  test -n "$(NAME)" || { echo "error: DATA needs NAME (the model's name): make compose-train DATA=$(DATA) NAME=mine" >&2; exit 1; }, \
	  test -d "$(DATA_DIR)/$(DATASET)" || { echo "error: no $(DATA_DIR)/$(DATASET): set DATA_DIR to the directory holding <dataset>/*-ubyte.gz" >&2; exit 1; })
	$(COMPOSE_AS_ME)$(if $(DATA), DATA_DIR=$(OWN_DATA) OWN_DATA=$(OWN_DATA)) $(COMPOSE) --profile train run --rm train \
	  $(if $(DATA),--data /own-data$(if $(wildcard $(DATA)/.),,/$(notdir $(DATA))) --name $(NAME),--dataset $(DATASET) --data-dir /data --name $(DATASET)) \
	  --arch $(ARCH) --width $(WIDTH) --epochs $(EPOCHS) --output-dir /app/models $(TRAIN_ARGS)

compose-evaluate: $(PODMAN_COMPOSE_IF_NEEDED) ## Evaluate in the container: make compose-evaluate MODEL=models/mnist/5
	@test -d "$(DATA_DIR)" || { echo "error: no $(DATA_DIR): set DATA_DIR to the datasets directory" >&2; exit 1; }
	$(COMPOSE_AS_ME) $(COMPOSE) --profile train run --rm evaluate --model /app/$(MODEL) --data-dir /data \
	  --noise $(NOISE) $(EVALUATE_ARGS)

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
