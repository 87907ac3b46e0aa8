"""HTTP load with `wrk` (Debian's package, installed when missing): requests/s and latency
percentiles of one route, and a fail-fast check that every response was a 2xx."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass

from ops.stack import _ensure_debian_package

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int


def wrk_binary() -> str:
    return _ensure_debian_package("wrk", "wrk", lambda message: print(message))


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unreadable wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def run(
    url: str,
    *,
    token: str | None,
    concurrency: int,
    seconds: float,
    timeout_s: float | None = None,
) -> Load:
    """Drive `url` for `seconds` with `concurrency` connections; raises on any non-2xx or socket
    error. `timeout_s`: wrk's per-request timeout (its default, 2 s, drops slower requests from
    the samples altogether)."""
    threads = max(1, min(concurrency, 2))
    cmd = [
        wrk_binary(),
        f"-t{threads}",
        f"-c{concurrency}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
    ]
    if timeout_s is not None:
        cmd += ["--timeout", f"{round(timeout_s)}s"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"{url}: errors under load:\n{out}")
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if not (rps and total and {"50", "99"} <= percentiles.keys()):
        raise RuntimeError(f"unreadable wrk output for {url}:\n{out}")
    return Load(
        rps=float(rps.group(1)),
        p50_ms=_ms(percentiles["50"]),
        p99_ms=_ms(percentiles["99"]),
        requests=int(total.group(1)),
    )
