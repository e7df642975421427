"""Shared helpers for the deployment tests: the repository root, a small Dockerfile reader,
the envsubst-equivalent template renderer, free loopback ports and binary look-ups."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

from benchmarks.latency import free_port

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE_FILE = ROOT / "docker-compose.yml"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "default.conf.template"
ARTIFACTS = ROOT / "artifacts" / "deploy"


@dataclass
class Stage:
    """One FROM ... AS name section of a Dockerfile, as (instruction, arguments) pairs."""

    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        """The arguments of every instruction of this kind (upper-case keyword)."""
        return [args for kw, args in self.instructions if kw == keyword]

    def env(self) -> dict[str, str]:
        """The ENV defaults of this stage (KEY=value form, quotes removed)."""
        values: dict[str, str] = {}
        for args in self.all("ENV"):
            for token in shlex.split(args):
                key, sep, value = token.partition("=")
                if sep:
                    values[key] = value
        return values

    def exec_form(self, keyword: str) -> list[str]:
        """The JSON (exec) form of the last CMD/ENTRYPOINT of this stage."""
        return json.loads(self.all(keyword)[-1])


def read_dockerfile(path: Path = DOCKERFILE) -> dict[str, Stage]:
    """Parse a Dockerfile into its named stages (line continuations joined, comments dropped)."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: dict[str, Stage] = {}
    current: Stage | None = None
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        args = args.strip()
        if keyword == "FROM":
            match = re.match(r"(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", args, re.IGNORECASE)
            assert match, f"unreadable FROM line: {line}"
            base, name = match.group(1), match.group(2) or str(len(stages))
            current = stages[name] = Stage(name=name, base=base)
        elif current is not None:
            current.instructions.append((keyword, args))
    return stages


def render_template(text: str, variables: dict[str, str]) -> str:
    """What `envsubst "${A} ${B} ..."` does, as the nginx image's entrypoint runs it: replace $NAME and
    ${NAME} for the listed names only, leaving every other $ (nginx's own variables) alone."""
    def substitute(match: re.Match) -> str:
        name = match.group(1) or match.group(2)
        return variables[name] if name in variables else match.group(0)
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)", substitute, text)


def find_binary(name: str, *extra: str) -> str | None:
    """A binary on PATH, in the running venv, or at one of the extra absolute paths."""
    candidates = [shutil.which(name), str(Path(sys.executable).parent / name), *extra]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def require_binary(name: str, *extra: str) -> str:
    """The binary's path, or skip the test saying which prerequisite is missing."""
    path = find_binary(name, *extra)
    if path is None:
        pytest.skip(f"prerequisite binary {name!r} is not installed")
    return path


@pytest.fixture(scope="session")
def stages() -> dict[str, Stage]:
    """The Dockerfile's stages by name."""
    return read_dockerfile()


@pytest.fixture(scope="session")
def kit() -> SimpleNamespace:
    """The helpers and paths above, for the test modules (importlib mode: no `from conftest import`)."""
    return SimpleNamespace(
        ROOT=ROOT, DOCKERFILE=DOCKERFILE, COMPOSE_FILE=COMPOSE_FILE, NGINX_TEMPLATE=NGINX_TEMPLATE,
        ARTIFACTS=ARTIFACTS, read_dockerfile=read_dockerfile, render_template=render_template,
        free_port=free_port, find_binary=find_binary, require_binary=require_binary)
