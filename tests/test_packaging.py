"""The Docker image carries every package the project installs (pyproject's package list)."""

from __future__ import annotations

import re
import tomllib

from graphgram.settings import PROJECT_ROOT


def test_dockerfile_copies_every_package() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY (\w+) \./\1$", dockerfile, re.MULTILINE))
    assert packages <= copied, f"Dockerfile does not COPY {sorted(packages - copied)}"
    assert "COPY --from=web /web/dist ./web/dist" in dockerfile
