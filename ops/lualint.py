"""`make lint`'s Lua lint: luacheck over every Redis script of the catalog (`redis_scripts`).

    python -m ops.lualint

Each script is checked as Redis runs it (its includes expanded), with `.luacheckrc`'s Redis
globals; a warning names the file and line it was written at. luacheck is Debian's `lua-check`,
installed with apt when it is missing, as `graphgram stack up` installs Redis and nginx.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from ops.stack import _ensure_debian_package
from redis_scripts import catalog

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".luacheckrc"
# luacheck's plain formatter: "<file>:<line>:<column>: <message>".
_PLAIN = re.compile(r"^[^:]*:(\d+):(\d+): (.*)$")


def check(binary: str) -> list[str]:
    """Every warning, as "redis_scripts/<file>:<line>:<column>: <message> (in <script>)"."""
    found: list[str] = []
    for name, script in catalog().items():
        result = subprocess.run(
            [binary, "--config", str(CONFIG), "--formatter", "plain", "--codes", "-"],
            input=script.text,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode not in (0, 1, 2):  # 1: warnings, 2: errors, more: luacheck failed
            raise SystemExit(f"luacheck failed on {name}: {result.stderr or result.stdout}")
        for line in result.stdout.splitlines():
            match = _PLAIN.match(line)
            if match is None:
                continue
            where = script.origins[int(match.group(1)) - 1]
            found.append(f"redis_scripts/{where}:{match.group(2)}: {match.group(3)} (in {name})")
    return found


def main() -> None:
    binary = _ensure_debian_package("luacheck", "lua-check", print)
    warnings = check(binary)
    for warning in warnings:
        print(warning)
    scripts = len(catalog())
    if warnings:
        raise SystemExit(f"luacheck: {len(warnings)} warnings in the Redis scripts")
    print(f"luacheck: {scripts} Redis scripts, no warnings")


if __name__ == "__main__":
    main()
