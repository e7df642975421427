# Multi-stage build for the digit-image denoiser.
#
#   docker build --target api -t denoiser-api .   # gunicorn: API (+ the SPA) on :8000
#   docker build --target web -t denoiser-web .   # nginx: the SPA, proxying the API routes to $API_UPSTREAM
#
# docker-compose.yml builds both; docs/deployment.md explains the knobs.

ARG NODE_IMAGE=node:20-bookworm-slim
ARG PYTHON_IMAGE=python:3.11-slim
ARG NGINX_IMAGE=nginx:1.27-alpine

# ---------------------------------------------------------------------------------------------------------
# frontend: build the React SPA (frontend/dist).
FROM ${NODE_IMAGE} AS frontend
# The npm registry, when not the public one (a mirror; unset by default).
ARG NPM_CONFIG_REGISTRY
WORKDIR /src/frontend
# Lock file first, so the npm layer is rebuilt only when the dependencies change.
COPY frontend/package.json frontend/package-lock.json ./
# npm ci, or (when it rejects a lock file missing optional platform packages, npm/cli#9846) the same
# locked versions through npm install --no-save.
RUN npm ci --no-audit --no-fund || npm install --no-audit --no-fund --no-save
COPY frontend/ ./
RUN npm run build

# ---------------------------------------------------------------------------------------------------------
# python-deps: a virtual environment with the runtime dependencies listed in pyproject.toml
# (tensorflow-cpu, flask, gunicorn, ...). Kept apart from the source so that editing code does not
# reinstall TensorFlow.
FROM ${PYTHON_IMAGE} AS python-deps
# Where pip finds packages, when not PyPI (a mirror or proxy; tests/containers/run.sh passes the
# host's own settings through). Unset by default.
ARG PIP_INDEX_URL
ARG PIP_EXTRA_INDEX_URL
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /build
# requirements.lock pins every runtime dependency of pyproject.toml (and theirs) for linux x86_64,
# Python 3.11: the TensorFlow the committed models were exported with. `make lock` refreshes it.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
# The package itself (non-editable, no dependencies: they are all above).
# (README.m[d]: copied when present; the glob keeps a missing README from failing the build.)
COPY pyproject.toml README.m[d] ./
COPY backend/ backend/
RUN pip install --no-cache-dir --no-deps .

# ---------------------------------------------------------------------------------------------------------
# api: gunicorn serving the Flask API and the built SPA on $PORT (8000).
FROM ${PYTHON_IMAGE} AS api
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/home/app \
    MPLCONFIGDIR=/tmp/matplotlib \
    TF_CPP_MIN_LOG_LEVEL=2 \
    PORT=8000 \
    WEB_CONCURRENCY=2 \
    DENOISER_MODEL_DIR=/app/models \
    DENOISER_STATIC_DIR=/app/frontend/dist \
    DENOISER_MAX_UPLOAD_BYTES=10485760 \
    DENOISER_CORS_ORIGINS=""
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=python-deps /opt/venv /opt/venv
# gunicorn's config is read from the source tree (backend/gunicorn.conf.py), as in `make serve`.
COPY backend/ backend/
COPY --from=frontend /src/frontend/dist frontend/dist/
# The committed models are baked in; mount ./models over /app/models (read-only) to serve others.
COPY models/ models/
# model.tflite (the API's TFLite/XNNPACK fast path) is derived from each SavedModel and not kept in git.
RUN denoiser lite --missing models
# Numeric, so that Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000
# python:slim has no curl: probe /readyz (200 once the models are loaded and warmed) with the stdlib.
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('PORT', '8000'), timeout=4)"]
CMD ["gunicorn", "-c", "backend/gunicorn.conf.py", "denoiser.serving.wsgi:app"]

# ---------------------------------------------------------------------------------------------------------
# web: nginx serving the SPA and proxying the API routes to the api service.
# deploy/nginx/default.conf.template is rendered by the image's own entrypoint
# (/etc/nginx/templates/*.template -> /etc/nginx/conf.d/*, envsubst of the variables defined below).
FROM ${NGINX_IMAGE} AS web
# RATE_LIMIT_*: per-client request rates and bursts (docs/deployment.md); REAL_IP_FROM: a trusted proxy.
# NGINX_RESOLVER: the DNS server nginx asks for API_UPSTREAM (again every few seconds, so that it follows
# the api replicas); empty: deploy/nginx/15-api-resolver.envsh, run by the image's entrypoint before it
# renders the template, takes the container engine's DNS (the first nameserver of /etc/resolv.conf).
ENV NGINX_PORT=80 \
    API_UPSTREAM=api:8000 \
    NGINX_ROOT=/usr/share/nginx/html \
    CLIENT_MAX_BODY_SIZE=10m \
    PROXY_READ_TIMEOUT=120s \
    RATE_LIMIT_API=10r/s \
    RATE_LIMIT_API_BURST=60 \
    RATE_LIMIT_COMPARE=2r/s \
    RATE_LIMIT_COMPARE_BURST=20 \
    RATE_LIMIT_RETRY_AFTER=1 \
    REAL_IP_FROM=127.0.0.1/32 \
    NGINX_RESOLVER=""
COPY deploy/nginx/15-api-resolver.envsh /docker-entrypoint.d/15-api-resolver.envsh
COPY deploy/nginx/default.conf.template /etc/nginx/templates/default.conf.template
COPY --from=frontend /src/frontend/dist /usr/share/nginx/html/
EXPOSE 80
# busybox wget ships with alpine; the SPA's index.html proves nginx itself is up. NGINX_PORT may be a
# bare port ("80") or "host:port" ("127.0.0.1:8080"): probe that address as it is.
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
    CMD ["sh", "-c", "case $NGINX_PORT in *:*) a=$NGINX_PORT ;; *) a=127.0.0.1:$NGINX_PORT ;; esac; wget -q -O /dev/null http://$a/ || exit 1"]
