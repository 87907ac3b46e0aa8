"""The local stack: real Neo4j, MinIO, Redis and nginx servers run as this project's own processes.

Nothing here needs a Docker engine. Each server is installed once from a package registry
(Maven Central for Neo4j, the Go module proxy for MinIO, Debian for Redis and nginx), then started
per stack instance (`Settings.stack_name` + `Settings.port_offset`) with its data, config, logs and
pid file under `.stack/<instance>/`. `up` is idempotent: a service that answers is left alone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from string import Template

import httpx

from graphgram.settings import PROJECT_ROOT, Settings

OPS_DIR = Path(__file__).resolve().parent
NEO4J_VERSION = "5.26.30"
# The Go proxy we reach lists exactly this pseudo-version of github.com/minio/minio (a February 2026
# commit of the archived community server); it refuses @latest and the RELEASE.2025-10-15 one.
MINIO_MODULE = "github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"
# APOC core from Maven Central (ops/neo4j/apoc/pom.xml says why not the `core` classifier jar).
APOC_VERSION = "5.26.19"
# What the serving graph loads from APOC: pure functions over values and the schema/count-store
# readers. No apoc.load.* (files and URLs), apoc.periodic.* (background writes), apoc.cypher.*
# (runs text as Cypher), apoc.refactor.*, apoc.create.*, apoc.export.* ... The copy loads it all.
SERVING_APOC = "apoc.coll.*,apoc.text.*,apoc.map.*,apoc.convert.*,apoc.meta.*"


class StackError(RuntimeError):
    """A service could not be installed or did not come up; the message says what to do next."""


Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours still "exists"; treat it as gone.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return True
    return state != "Z"


def _started_at(pid: int) -> float | None:
    """When the process started (seconds since the epoch), from /proc; None if unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()
        ticks = int(fields[19])  # field 22 of stat: start time in clock ticks after boot
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith("btime "):
                return int(line.split()[1]) + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return None


# How much later than its pid file's time a process may seem to have started and still be the
# one the file names. /proc gives a start time as boot time + ticks, and the boot time moves with
# every step of the wall clock (a virtual machine's clock is stepped by its time sync after a
# pause): a Redis node seemed to start 24 s after the pid file it wrote at start-up.
PID_CLOCK_SLACK_S = 300.0


def _read_pid(path: Path) -> int | None:
    """The pid a pid file names, or None when the file is missing or the pid now belongs to a
    process started after the file was written (the pid was reused: ours died, e.g. at a reboot),
    by more than the wall clock may have been stepped since (`PID_CLOCK_SLACK_S`)."""
    try:
        pid = int(path.read_text().strip())
        written = path.stat().st_mtime
    except (OSError, ValueError):
        return None
    started = _started_at(pid)
    if started is not None and started > written + PID_CLOCK_SLACK_S:
        return None
    return pid


def _wait_until(check: Callable[[], bool], timeout_s: float, interval_s: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval_s)
    return check()


def _http_ok(url: str, timeout_s: float = 2.0) -> bool:
    try:
        return httpx.get(url, timeout=timeout_s).status_code == 200
    except httpx.HTTPError:
        return False


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log yet)"


def _run(cmd: list[str], *, env: dict[str, str] | None = None, what: str) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise StackError(
            f"{what} failed (exit {result.returncode}): {' '.join(cmd)}\n"
            f"{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )


def _render(template: str, target: Path, **values: object) -> None:
    text = Template((OPS_DIR / template).read_text()).substitute(
        {k: str(v) for k, v in values.items()}
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def _spawn(cmd: list[str], *, log: Path, pid_file: Path, env: dict[str, str]) -> int:
    log.parent.mkdir(parents=True, exist_ok=True)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    pid_file.write_text(str(proc.pid))
    return proc.pid


def _terminate(pid_file: Path, timeout_s: float = 30.0) -> None:
    pid = _read_pid(pid_file)
    if pid is None:
        return
    if _pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if not _wait_until(lambda: not _pid_alive(pid), timeout_s):
            os.kill(pid, signal.SIGKILL)
            _wait_until(lambda: not _pid_alive(pid), 5)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    pid_file.unlink(missing_ok=True)


def _apt_install(package: str, what: str, progress: Progress) -> None:
    if os.geteuid() != 0:
        raise StackError(
            f"{what} is not installed; run `sudo apt-get install -y {package}` and try again"
        )
    progress(f"installing {package} from Debian")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    _run(["apt-get", "update", "-qq"], env=env, what="apt-get update")
    _run(["apt-get", "install", "-y", "-qq", package], env=env, what=f"apt-get install {package}")


def _ensure_debian_package(binary: str, package: str, progress: Progress) -> str:
    found = shutil.which(binary) or (
        f"/usr/sbin/{binary}" if Path(f"/usr/sbin/{binary}").exists() else None
    )
    if found:
        return found
    _apt_install(package, binary, progress)
    found = shutil.which(binary) or f"/usr/sbin/{binary}"
    if not Path(found).exists():
        raise StackError(f"{package} installed but {binary} is not on PATH")
    return found


def _ensure_debian_file(path: str, package: str, progress: Progress) -> None:
    """A file a Debian package ships (an nginx module), installed when it is missing."""
    if Path(path).exists():
        return
    _apt_install(package, path, progress)
    if not Path(path).exists():
        raise StackError(f"{package} installed but {path} is not there")


@dataclass
class ServiceStatus:
    name: str
    running: bool
    ready: bool
    address: str
    log: Path


class Service:
    name: str = ""

    def __init__(self, settings: Settings) -> None:
        self.s = settings
        self.dir = settings.instance_dir / self.name
        self.log_file = self.dir / "logs" / f"{self.name}.log"
        self.pid_file = self.dir / "run" / f"{self.name}.pid"

    # overridden per service
    def install(self, progress: Progress) -> None: ...
    def launch(self) -> None: ...
    def ready(self) -> bool:
        raise NotImplementedError

    def address(self) -> str:
        raise NotImplementedError

    def after_ready(self) -> None: ...

    def running(self) -> bool:
        pid = _read_pid(self.pid_file)
        return pid is not None and _pid_alive(pid)

    def start(self, progress: Progress, timeout_s: float = 120.0) -> bool:
        """Start the service unless it already answers. Returns True when it was started."""
        if self.running() and self.ready():
            self.after_ready()
            return False
        if self.running():
            progress(f"{self.name}: process up, waiting for it to answer")
        else:
            self.install(progress)
            progress(f"{self.name}: starting on {self.address()}")
            self.launch()
        if not _wait_until(self.ready, timeout_s):
            raise StackError(
                f"{self.name} did not become ready on {self.address()} within {timeout_s:.0f}s.\n"
                f"Its log is {self.log_file}; last lines:\n{_tail(self.log_file)}\n"
                "Check that the port is free (`graphgram stack status`) and run "
                "`graphgram stack up` again."
            )
        self.after_ready()
        return True

    def stop(self) -> None:
        _terminate(self.pid_file)

    def status(self) -> ServiceStatus:
        running = self.running()
        return ServiceStatus(
            self.name, running, running and self.ready(), self.address(), self.log_file
        )


GIB = 1024**3
MIB = 1024**2


def machine_memory() -> int:
    """Total memory of this machine in bytes."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def store_bytes(directory: Path) -> int:
    """Bytes on disk under a Neo4j database directory (0 when it does not exist yet)."""
    if not directory.exists():
        return 0
    return sum(f.stat().st_size for f in directory.rglob("*") if f.is_file())


@dataclass(frozen=True)
class MemoryPlan:
    heap: str
    pagecache: str
    reason: str


def _size(value: int) -> str:
    return f"{max(1, value // MIB)}m"


def neo4j_memory(settings: Settings, store: int, ram: int | None = None) -> MemoryPlan:
    """Heap and page cache for this machine and this store, unless set explicitly.

    The page cache holds the whole store plus a fifth for growth (never less than the old
    fixed 2 GB on a machine with 16 GB or more), capped so Neo4j takes at most 60% of memory:
    the rest is MinIO, Redis, nginx, the API and the OS file cache. The heap is 2 GB for
    stores under 2 GB and 4 GB above (index population and big seeding transactions),
    never more than a quarter of memory. `GRAPHGRAM_NEO4J_HEAP` / `_PAGECACHE` override.
    """
    ram = ram or machine_memory()
    heap = min(2 * GIB if store < 2 * GIB else 4 * GIB, ram // 4)
    floor = min(2 * GIB, ram // 8)
    pagecache = max(floor, int(store * 1.2) + 256 * MIB)
    pagecache = max(256 * MIB, min(pagecache, int(ram * 0.6) - heap))
    explicit = settings.model_fields_set
    heap_s = settings.neo4j_heap if "neo4j_heap" in explicit else _size(heap)
    cache_s = settings.neo4j_pagecache if "neo4j_pagecache" in explicit else _size(pagecache)
    reason = (
        f"machine {ram / GIB:.0f} GiB, store {store / GIB:.2f} GiB on disk; "
        f"heap {heap_s}{' (set)' if 'neo4j_heap' in explicit else ''}, "
        f"page cache {cache_s}{' (set)' if 'neo4j_pagecache' in explicit else ''}"
    )
    return MemoryPlan(heap_s, cache_s, reason)


def install_apoc(settings: Settings, progress: Progress) -> list[Path]:
    """APOC core's jars, fetched once from Maven Central into the shared stack root."""
    directory = settings.stack_root / "neo4j-plugins" / f"apoc-{APOC_VERSION}"
    marker = directory / f"apoc-core-{APOC_VERSION}.jar"
    if not marker.exists():
        mvn = shutil.which("mvn")
        if not mvn:
            raise StackError("Maven is needed to fetch APOC: `apt-get install -y maven`")
        progress(f"neo4j: fetching APOC core {APOC_VERSION} from Maven Central (first run only)")
        _run(
            [
                mvn,
                "-B",
                "-q",
                "-f",
                str(OPS_DIR / "neo4j" / "apoc" / "pom.xml"),
                "package",
                f"-Dplugins.dir={directory}",
                f"-Dapoc.version={APOC_VERSION}",
            ],
            what="mvn package (APOC core)",
        )
    return sorted(directory.glob("*.jar"))


class Neo4jService(Service):
    name = "neo4j"
    memory: MemoryPlan | None = None
    # The serving graph: the read helpers of APOC only, writable.
    procedures_allowlist = SERVING_APOC
    # apoc.meta.* reads the schema and the count store through internal APIs (sandboxed otherwise).
    procedures_unrestricted = "apoc.meta.*"
    procedures_reason = "the serving graph loads APOC's value and schema helpers only"
    read_only = False
    transaction_timeout = "60s"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.pid_file = self.dir / "run" / "neo4j.pid"  # where Neo4jCommand writes it

    @property
    def bolt_port(self) -> int:
        return self.s.neo4j_bolt_port

    @property
    def http_port(self) -> int:
        return self.s.neo4j_http_port

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def plan_memory(self) -> MemoryPlan:
        return neo4j_memory(self.s, store_bytes(self.database_dir))

    @property
    def home(self) -> Path:
        return self.s.stack_root / "neo4j-home"

    @property
    def conf_dir(self) -> Path:
        return self.dir / "conf"

    @property
    def database_dir(self) -> Path:
        return self.dir / "data" / "databases" / self.s.neo4j_database

    @property
    def import_dir(self) -> Path:
        return self.dir / "import"

    def address(self) -> str:
        return f"{self.uri} http://127.0.0.1:{self.http_port}"

    def _java(self) -> str:
        for candidate in (
            os.environ.get("GRAPHGRAM_JAVA_HOME"),
            "/usr/lib/jvm/java-17-openjdk-amd64",
        ):
            if candidate and (Path(candidate) / "bin" / "java").exists():
                return str(Path(candidate) / "bin" / "java")
        java = shutil.which("java")
        if not java:
            raise StackError(
                "Java 17 is needed for Neo4j: `apt-get install -y openjdk-17-jre-headless`"
            )
        return java

    def _env(self) -> dict[str, str]:
        java = Path(self._java())
        return {
            **os.environ,
            "NEO4J_HOME": str(self.home),
            "NEO4J_CONF": str(self.conf_dir),
            "JAVA_HOME": str(java.parent.parent),
            "PATH": f"{java.parent}:{os.environ.get('PATH', '')}",
        }

    def _cli(self, main_class: str, *args: str, what: str) -> None:
        cmd = [self._java(), "-cp", f"{self.home}/lib/*", main_class, *args]
        _run(cmd, env=self._env(), what=what)

    def install(self, progress: Progress) -> None:
        marker = self.home / "lib" / f"neo4j-{NEO4J_VERSION}.jar"
        if not marker.exists():
            mvn = shutil.which("mvn")
            if not mvn:
                raise StackError("Maven is needed to assemble Neo4j: `apt-get install -y maven`")
            progress(f"neo4j: assembling Neo4j {NEO4J_VERSION} from Maven Central (first run only)")
            _run(
                [
                    mvn,
                    "-B",
                    "-q",
                    "-f",
                    str(OPS_DIR / "neo4j" / "pom.xml"),
                    "package",
                    f"-Dlib.dir={self.home / 'lib'}",
                    f"-Dneo4j.version={NEO4J_VERSION}",
                ],
                what="mvn package (Neo4j assembly)",
            )
        for sub in ("data", "logs", "run", "plugins", "import", "conf"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        jars = install_apoc(self.s, progress)
        plugins = self.dir / "plugins"
        if sorted(p.name for p in plugins.glob("*.jar")) != [j.name for j in jars]:
            for old in plugins.glob("*.jar"):
                old.unlink()
            for jar in jars:
                shutil.copyfile(jar, plugins / jar.name)
        self.memory = self.plan_memory()
        _render(
            "neo4j/neo4j.conf.template",
            self.conf_dir / "neo4j.conf",
            bolt_port=self.bolt_port,
            http_port=self.http_port,
            heap=self.memory.heap,
            pagecache=self.memory.pagecache,
            memory_reason=self.memory.reason,
            data_dir=self.dir / "data",
            logs_dir=self.dir / "logs",
            run_dir=self.dir / "run",
            plugins_dir=self.dir / "plugins",
            import_dir=self.dir / "import",
            procedures_allowlist=self.procedures_allowlist,
            procedures_unrestricted=self.procedures_unrestricted,
            procedures_reason=self.procedures_reason,
            read_only=str(self.read_only).lower(),
            transaction_timeout=self.transaction_timeout,
        )
        if not (self.dir / "data" / "dbms").exists():
            progress("neo4j: setting the initial password")
            self._cli(
                "org.neo4j.cli.AdminTool",
                "dbms",
                "set-initial-password",
                self.s.neo4j_password,
                what="neo4j-admin dbms set-initial-password",
            )

    def launch(self) -> None:
        # Neo4jCommand forks the server JVM with neo4j.conf's flags and writes run/neo4j.pid.
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        started = self.dir / "logs" / "neo4j.log"
        started.unlink(missing_ok=True)
        cmd = [
            *self.launch_prefix(),
            self._java(),
            "-cp",
            f"{self.home}/lib/*",
            "org.neo4j.server.startup.Neo4jCommand",
            "start",
        ]
        with self.log_file.open("ab") as out:
            result = subprocess.run(cmd, env=self._env(), stdout=out, stderr=subprocess.STDOUT)
        if result.returncode != 0:
            raise StackError(f"neo4j failed to start; see {self.log_file}:\n{_tail(self.log_file)}")

    def launch_prefix(self) -> list[str]:
        """Prepended to the start command (the copy runs under `nice`; the JVM it forks
        inherits the priority)."""
        return []

    def ready(self) -> bool:
        log = self.dir / "logs" / "neo4j.log"
        try:
            if "Started." not in log.read_text(errors="replace"):
                return False
        except OSError:
            return False
        from neo4j import GraphDatabase
        from neo4j.exceptions import Neo4jError, ServiceUnavailable

        try:
            with GraphDatabase.driver(
                self.uri,
                auth=(self.s.neo4j_user, self.s.neo4j_password),
                connection_timeout=2,
            ) as driver:
                records, _, _ = driver.execute_query(
                    "RETURN 1 AS ok", database_=self.s.neo4j_database
                )
                return bool(records and records[0]["ok"] == 1)
        except (ServiceUnavailable, Neo4jError, OSError):
            return False

    def after_ready(self) -> None:
        from graph.schema import apply_schema

        apply_schema(self.s)

    def boot(self, progress: Progress, timeout_s: float = 600.0) -> None:
        """Start the server and wait until it answers, without applying the schema (the bulk
        importer's caller creates indexes itself and waits for them longer than a start does)."""
        self.install(progress)
        if not self.running():
            progress(f"{self.name}: starting on {self.address()}")
            self.launch()
        if not _wait_until(self.ready, timeout_s, interval_s=1.0):
            raise StackError(
                f"neo4j did not answer on {self.address()} within {timeout_s:.0f}s; its log is "
                f"{self.log_file}:\n{_tail(self.log_file)}\nRun `graphgram stack up` again."
            )

    def admin(self, *args: str, heap: str = "1g", on_line: Callable[[str], None] = _noop) -> None:
        """Run `neo4j-admin <args>` against this instance's config, streaming its output lines.

        Neo4jAdminCommand forks the tool's JVM with the same flags the packaged neo4j-admin
        script uses; HEAP_SIZE sizes that JVM."""
        cmd = [
            self._java(),
            "-cp",
            f"{self.home}/lib/*",
            "org.neo4j.server.startup.Neo4jAdminCommand",
            *args,
        ]
        lines: list[str] = []
        with subprocess.Popen(
            cmd,
            env={**self._env(), "HEAP_SIZE": heap},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        ) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line.rstrip())
                on_line(line.rstrip())
        if proc.returncode != 0:
            tail = "\n".join(lines[-25:])
            raise StackError(
                f"neo4j-admin {' '.join(args[:3])} failed (exit {proc.returncode}):\n{tail}"
            )

    def stop(self) -> None:
        """SIGTERM to the server, which shuts down cleanly (a checkpoint, then exit): what
        `neo4j stop` sends, without starting a JVM to send it. Killed only after 10 minutes."""
        if not self.running():
            self.pid_file.unlink(missing_ok=True)
            return
        _terminate(self.pid_file, timeout_s=600.0)


class AnalyticsService(Neo4jService):
    """The analysts' copy: a second Neo4j server on its own ports (bolt base + 1), loaded from
    the latest backup (ops/analytics.py), read-only, under `nice`, with a smaller page cache, and
    every APOC procedure allowed. The serving graph stays for users."""

    name = "analytics"
    procedures_allowlist = "apoc.*"
    procedures_unrestricted = "apoc.*"
    procedures_reason = "the analytics copy loads all of APOC core, unrestricted"
    read_only = True
    transaction_timeout = "30m"

    @property
    def bolt_port(self) -> int:
        return self.s.analytics_bolt_port

    @property
    def http_port(self) -> int:
        return self.s.analytics_http_port

    def exists(self) -> bool:
        """Whether a backup was ever loaded into it (`graphgram analytics refresh`)."""
        return self.database_dir.exists()

    def plan_memory(self) -> MemoryPlan:
        """A smaller share than the serving graph's: half its store in page cache (a query that
        needs more reads the rest from the OS file cache), never more than 15% of memory."""
        ram = machine_memory()
        store = store_bytes(self.database_dir)
        pagecache = max(256 * MIB, min(store // 2 + 128 * MIB, int(ram * 0.15)))
        heap = self.s.analytics_heap
        cache_s = self.s.analytics_pagecache or _size(pagecache)
        reason = (
            f"analytics copy: store {store / GIB:.2f} GiB on disk; heap {heap}, page cache "
            f"{cache_s} (half the store, at most 15% of memory), nice {self.s.analytics_nice}"
        )
        return MemoryPlan(heap, cache_s, reason)

    def launch_prefix(self) -> list[str]:
        return ["nice", "-n", str(self.s.analytics_nice)] if self.s.analytics_nice else []

    def after_ready(self) -> None:
        """No schema to apply: the copy's indexes come with the dump it was loaded from."""
        return None


class MinioService(Service):
    name = "minio"

    @property
    def binary(self) -> Path:
        return self.s.stack_root / "bin" / "minio"

    def address(self) -> str:
        return f"http://127.0.0.1:{self.s.s3_port} (console :{self.s.s3_console_port})"

    def install(self, progress: Progress) -> None:
        if self.binary.exists():
            return
        go = shutil.which("go")
        if not go:
            raise StackError("Go is needed to build MinIO: install Go 1.24+ and try again")
        progress(f"minio: building {MINIO_MODULE} with go install (first run only, a few minutes)")
        env = {**os.environ, "GOBIN": str(self.binary.parent), "CGO_ENABLED": "0"}
        _run([go, "install", MINIO_MODULE], env=env, what="go install minio")

    def launch(self) -> None:
        data = self.dir / "data"
        data.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "MINIO_ROOT_USER": self.s.s3_access_key,
            "MINIO_ROOT_PASSWORD": self.s.s3_secret_key,
            "MINIO_BROWSER": "on",
            "MINIO_UPDATE": "off",
        }
        _spawn(
            [
                str(self.binary),
                "server",
                str(data),
                "--address",
                f"127.0.0.1:{self.s.s3_port}",
                "--console-address",
                f"127.0.0.1:{self.s.s3_console_port}",
                "--quiet",
            ],
            log=self.log_file,
            pid_file=self.pid_file,
            env=env,
        )

    def ready(self) -> bool:
        # live/ready answer before storage is up; cluster health waits for the drives.
        return _http_ok(f"http://127.0.0.1:{self.s.s3_port}/minio/health/cluster")

    def after_ready(self) -> None:
        from backends import object_store
        from media.storage import ensure_bucket

        ensure_bucket(object_store(self.s, timed=False), self.s.media_bucket)


class RedisService(Service):
    name = "redis"

    def address(self) -> str:
        return f"redis://127.0.0.1:{self.s.redis_port}"

    def install(self, progress: Progress) -> None:
        self.binary = _ensure_debian_package("redis-server", "redis-server", progress)

    def launch(self) -> None:
        conf = self.dir / "conf" / "redis.conf"
        (self.dir / "data").mkdir(parents=True, exist_ok=True)
        _render(
            "redis/redis.conf.template",
            conf,
            port=self.s.redis_port,
            data_dir=self.dir / "data",
        )
        _spawn(
            [self.binary, str(conf)],
            log=self.log_file,
            pid_file=self.pid_file,
            env=dict(os.environ),
        )

    def ready(self) -> bool:
        import redis

        try:
            client = redis.Redis.from_url(self.address(), socket_connect_timeout=1)
            try:
                return bool(client.ping())
            finally:
                client.close()
        except redis.RedisError:
            return False


class NginxService(Service):
    name = "nginx"

    def address(self) -> str:
        return f"http://127.0.0.1:{self.s.edge_port}"

    def conf_path(self) -> Path:
        return self.dir / "conf" / "nginx.conf"

    def install(self, progress: Progress) -> None:
        from ops import edge

        self.binary = _ensure_debian_package("nginx", "nginx", progress)
        # The purge module (media.edge): Debian builds it for its own nginx package's ABI.
        _ensure_debian_file(edge.PURGE_MODULE, edge.PURGE_PACKAGE, progress)

    def config(self) -> str:
        from ops import edge

        conf = edge.native(self.s, self.dir, self.pid_file, as_root=os.geteuid() == 0)
        return edge.render(conf)

    def render(self) -> None:
        for sub in ("cache", "temp", "logs", "run", "conf"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        self.conf_path().write_text(self.config())

    def start(self, progress: Progress, timeout_s: float = 120.0) -> bool:
        """Like every service, but an nginx running an older render of the template (a stack
        left up across a change of it) is restarted on the new one; its cache stays on disk."""
        if self.running() and self.ready():
            try:
                current = self.conf_path().read_text()
            except OSError:
                current = ""
            if current != self.config():
                progress("nginx: its configuration changed; restarting it")
                self.stop()
        return super().start(progress, timeout_s)

    def launch(self) -> None:
        self.render()
        cmd = [self.binary, "-p", str(self.dir), "-c", str(self.conf_path())]
        _run([*cmd, "-t", "-q"], what="nginx -t (config check)")
        with self.log_file.open("ab") as out:
            result = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT)
        if result.returncode != 0:
            raise StackError(f"nginx failed to start; see {self.log_file}:\n{_tail(self.log_file)}")

    def ready(self) -> bool:
        return _http_ok(f"{self.address()}/healthz")


class ApiService(Service):
    name = "api"

    def workers(self) -> int:
        """One uvicorn worker process per core unless GRAPHGRAM_API_WORKERS says otherwise."""
        return self.s.api_workers or os.cpu_count() or 1

    def address(self) -> str:
        return f"http://{self.s.api_host}:{self.s.api_port}"

    def proxy_flags(self) -> list[str]:
        """uvicorn believes X-Forwarded-For/-Proto only from the configured trusted proxies. By
        default there are none: the local API is reached directly, and the header would be the
        client's own writing (uvicorn's default trusts it from 127.0.0.1, i.e. from anyone here)."""
        if not self.s.trusted_proxies:
            return ["--no-proxy-headers"]
        return ["--forwarded-allow-ips", ",".join(self.s.trusted_proxies)]

    def launch(self) -> None:
        env = {
            **os.environ,
            "GRAPHGRAM_STACK_NAME": self.s.stack_name,
            "GRAPHGRAM_PORT_OFFSET": str(self.s.port_offset),
            "GRAPHGRAM_REDIS_TOPOLOGY": self.s.redis_topology,
            "PYTHONPATH": str(PROJECT_ROOT),
        }
        copy = AnalyticsService(self.s)
        if not self.s.analytics_neo4j_uri and copy.exists():
            # The analyst route runs saved queries on the copy when this stack has one.
            env["GRAPHGRAM_ANALYTICS_NEO4J_URI"] = copy.uri
        _spawn(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.app:create_app",
                "--factory",
                "--host",
                self.s.api_host,
                "--port",
                str(self.s.api_port),
                "--workers",
                str(self.workers()),
                "--no-access-log",
                *self.proxy_flags(),
            ],
            log=self.log_file,
            pid_file=self.pid_file,
            env=env,
        )

    def ready(self) -> bool:
        return _http_ok(f"{self.address()}/ready")


def services(
    settings: Settings, *, with_api: bool = True, with_analytics: bool = True, every: bool = False
) -> list[Service]:
    from ops.redis_cluster import redis_services  # it builds on this module's Service

    found: list[Service] = [
        Neo4jService(settings),
        MinioService(settings),
        *redis_services(settings, every=every),
        NginxService(settings),
    ]
    analytics = AnalyticsService(settings)
    if with_analytics and analytics.exists():  # once `graphgram analytics refresh` made it
        found.append(analytics)
    if with_api:
        found.append(ApiService(settings))
    return found


def up(
    settings: Settings,
    *,
    with_api: bool = True,
    with_analytics: bool = True,
    progress: Progress = _noop,
) -> list[str]:
    """Bring every service up; returns the names of those that had to be started."""
    started = []
    for service in services(settings, with_api=with_api, with_analytics=with_analytics):
        if service.start(progress):
            started.append(service.name)
    return started


def down(settings: Settings, *, progress: Progress = _noop) -> None:
    for service in reversed(services(settings, every=True)):
        if service.running():
            progress(f"{service.name}: stopping")
        service.stop()


def status(settings: Settings) -> list[ServiceStatus]:
    return [service.status() for service in services(settings)]
