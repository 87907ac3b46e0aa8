"""One settings class for every Graphgram process, read from GRAPHGRAM_* environment variables.

Development defaults point at the local stack (`graphgram stack up`). A stack instance is a
name plus a port offset, so tests and parallel checkouts can run their own servers side by side
without touching the demo graph.
"""

from __future__ import annotations

from functools import cached_property
from ipaddress import ip_network
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graphgram.redis_keys import MEDIA_JOBS

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_SECRETS = {"graphgram-dev", "graphgram-dev-secret", "graphgram-dev-cdn-secret"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRAPHGRAM_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"

    # Local stack instance: where its data lives and how far its ports are shifted.
    stack_root: Path = PROJECT_ROOT / ".stack"
    stack_name: str = "dev"
    port_offset: int = 0
    neo4j_heap: str = "2g"
    neo4j_pagecache: str = "2g"

    # Neo4j
    neo4j_uri: str = ""
    neo4j_user: str = "neo4j"
    neo4j_password: str = "graphgram-dev"
    neo4j_database: str = "neo4j"
    neo4j_query_timeout_s: float = 30.0
    # A Neo4j that is away must cost a request seconds, not a minute: connect, wait for a pooled
    # connection, and retry a managed transaction for at most these (then the API answers 503).
    neo4j_connect_timeout_s: float = 2.0
    neo4j_acquisition_timeout_s: float = 5.0
    neo4j_retry_time_s: float = 1.5
    # A user's last write bookmark is kept this long in Redis, so their next request, on any API
    # process, reads at least that write (graph/bookmarks.py); longer than any secondary's lag.
    neo4j_bookmark_ttl_s: int = Field(default=300, ge=1)
    # The analytics copy (docs/analytics.md): where saved queries, the analyst route and
    # `graphgram analytics run` go by default. Empty: the local stack's copy when it exists
    # (`graphgram analytics refresh` made it), else the serving graph.
    analytics_neo4j_uri: str = ""
    analytics_heap: str = "1g"
    # Empty: half the copy's store, at most 15% of memory (ops.stack.AnalyticsService).
    analytics_pagecache: str = ""
    # The copy's CPU priority (nice): the lowest, so on a shared machine the serving graph and
    # the API take the CPU first (bench/results/analytics-isolation-100002.json).
    analytics_nice: int = Field(default=19, ge=0, le=19)
    # Where `graphgram backup` writes (one directory per backup); empty: .stack/<instance>/backups.
    backup_root: Path | None = None

    # S3 object store (MinIO locally; any S3 API in production)
    s3_endpoint: str = ""
    s3_access_key: str = "graphgram"
    s3_secret_key: str = "graphgram-dev-secret"
    s3_secure: bool = False
    s3_region: str = "us-east-1"
    media_bucket: str = "graphgram-media"
    # Connect timeout and per-read timeout of S3 calls (a part upload is one read).
    s3_connect_timeout_s: float = 2.0
    s3_read_timeout_s: float = 60.0

    # Redis
    redis_url: str = ""
    # "single": one Redis server; "cluster": a Redis Cluster, reached through redis-py's
    # `RedisCluster` (redis_url names any node; the client finds the rest). The local stack runs
    # 3 masters + 3 replicas on redis_port + 1..6 (ops/redis_cluster.py) for "cluster".
    redis_topology: Literal["single", "cluster"] = "single"
    # Connect and per-command timeout: a Redis that is away fails fast instead of hanging requests.
    redis_connect_timeout_s: float = 1.0
    redis_timeout_s: float = 3.0
    # Sessions are cached in Redis for at most this long (and never past their expiry).
    session_cache_ttl_s: int = 300
    # argon2id cost of password hashes (argon2-cffi's defaults, RFC 9106's low-memory profile).
    # Production refuses less than OWASP's floor (19 MiB, 2 passes); the test suite, which makes
    # hundreds of accounts, uses the cheapest (tests/conftest.py).
    password_hash_time_cost: int = Field(default=3, ge=1)
    password_hash_memory_kib: int = Field(default=65536, ge=8)
    password_hash_parallelism: int = Field(default=4, ge=1)

    # CDN edge (nginx) that fronts the object store
    cdn_base_url: str = ""
    cdn_secret: str = "graphgram-dev-cdn-secret"
    cdn_url_ttl_s: int = 3600
    # Purging the edge cache when media is deleted (media/edge.py, docs/edge.md). One purge base
    # URL per edge node (each keeps its own cache); unset: this instance's native edge; [] turns
    # purging off (an edge that caches nothing, or a CDN purged some other way).
    edge_purge_urls: list[str] | None = None
    # Client addresses (or networks) the native edge lets purge: nginx checks the connection's
    # own address, never a header. Never every address.
    edge_purge_allow: list[str] = Field(default_factory=lambda: ["127.0.0.1"])
    # Each purge request's bound; a purge not confirmed by then is queued and retried.
    edge_purge_timeout_s: float = 2.0
    # A deleted object is purged again this long after the first purge, in case a fetch that
    # began before the deletion put it back meanwhile; 0: only once.
    edge_purge_recheck_s: float = 15.0

    # API process
    api_host: str = "127.0.0.1"
    api_port_base: int = 8000
    # API worker processes under `graphgram stack up`; 0 means one per CPU core.
    api_workers: int = 0
    token_ttl_s: int = 7 * 24 * 3600
    # Rate limits (api/ratelimit.py): fixed windows counted atomically in Redis, in Mastodon's
    # spirit. A limit of 0 turns that one off; `rate_limits=false` turns them all off (benchmarks).
    rate_limits: bool = True
    # Failed logins per username and client address, and registrations per address, per window.
    login_attempts: int = 10
    # Failed sign-ins per client address, whatever the username (password spraying), per window:
    # `POST /auth/login`, the OAuth password grant and the OAuth sign-in page. Mastodon's 25/5 min.
    login_attempts_per_address: int = 25
    registrations: int = 20
    rate_window_s: int = 300
    # Writes (POST, PUT, PATCH, DELETE) per account and per client address.
    write_limit: int = 300
    write_limit_per_address: int = 1500
    write_window_s: int = 300
    # Reports filed per account (POST /reports, Mastodon's POST /api/v1/reports).
    report_limit: int = 20
    report_window_s: int = 3600
    # Media uploads per account.
    upload_limit: int = 30
    upload_window_s: int = 1800
    # Searches per account and per client address.
    search_limit: int = 300
    search_limit_per_address: int = 1500
    search_window_s: int = 300
    # Password changes (right or wrong) per account.
    password_attempts: int = 10
    password_window_s: int = 600
    # Proxies (addresses or networks) whose X-Forwarded-For is believed: the client is the
    # right-most address not in this list. Empty: the direct peer is the client. Never "*".
    trusted_proxies: list[str] = Field(default_factory=list)
    # Request bodies are refused (413) once this many bytes arrived; a multipart upload may be
    # as large as the largest media cap plus the form's overhead.
    max_body_bytes: int = 1024 * 1024
    # A JSON body nested deeper than this is a 400 before it is parsed (api/security.py).
    max_json_depth: int = 32
    # Idempotency-Key: results are replayed for this long; an unfinished request holds its key
    # for at most idempotency_lock_s (a process that died mid-request frees it then).
    idempotency_ttl_s: int = 24 * 3600
    idempotency_lock_s: int = 120
    # Retry-After (seconds) sent with a 503 while Neo4j, Redis or the object store is away.
    unavailable_retry_after_s: int = 5

    # Media limits
    max_image_bytes: int = 20 * 1024 * 1024
    # May rise to 4 GB for direct uploads (POST /uploads); at most 5 GiB, the most one S3
    # CopyObject moves (the worker copies a video to its content-addressed key in the store).
    max_video_bytes: int = Field(default=200 * 1024 * 1024, ge=1, le=5 * 1024**3)
    max_image_pixels: int = 50_000_000
    # Direct uploads (POST /uploads, docs/media.md): S3 multipart, parts sent by the client
    # straight to the store on presigned URLs. The video cap above may rise to 4 GB for them.
    # Where clients send parts (the part URLs' host); empty: the media edge (cdn_base_url), which
    # passes part PUTs to the store, or without one the store itself (s3_endpoint).
    s3_public_url: str = ""
    # Part size (S3: at least 5 MiB except the last; at most 10,000 parts).
    upload_part_bytes: int = Field(default=8 * 1024 * 1024, ge=5 * 1024 * 1024)
    # An upload not completed within this long is aborted by `graphgram media sweep`.
    upload_ttl_s: int = Field(default=24 * 3600, ge=60)
    # Each presigned part URL is valid this long; more are handed out on demand.
    upload_url_ttl_s: int = Field(default=900, ge=30, le=7 * 24 * 3600)
    # Part URLs in one answer (POST /uploads, GET /uploads/{id}/parts).
    upload_urls_per_answer: int = Field(default=100, ge=1, le=1000)
    # A person's data (docs/your-data.md). An archive's download link (bound to the session that
    # asked for it) is valid this long; an export or import that made no progress for
    # `data_job_stale_s` (its job lost) no longer blocks a new one.
    export_url_ttl_s: int = Field(default=900, ge=60, le=24 * 3600)
    data_job_stale_s: int = Field(default=1800, ge=60)
    # An import file (a Mastodon following_accounts.csv or blocked_accounts.csv): at most this
    # many accounts (Mastodon's own importer stops at 20,000 rows) and this many bytes.
    import_max_rows: int = Field(default=10_000, ge=1)
    import_max_bytes: int = Field(default=1024 * 1024, ge=1024)
    # Each API process also drains the media queue; set false to run `graphgram media worker`s.
    media_worker: bool = True
    # Each API process plans every catalog statement in the background when it starts
    # (graph/warmup.py), so no request waits seconds for Neo4j to plan one. Unset: on, except in
    # the `test` environment (many short-lived apps on one test database).
    warm_query_plans: bool | None = None
    # The media job stream's key (graphgram/redis_keys.py). A test app that must keep its jobs
    # from other apps' workers names its own (on one server it may use another database; a
    # cluster has only database 0).
    media_job_stream: str = MEDIA_JOBS

    # Home timelines in Redis (timelines/): see README "Home feed".
    # Newest post ids kept per timeline; older pages come from the Cypher fan-in.
    timeline_cap: int = 400
    # Authors with more followers are not fanned out to; their posts are merged at read time.
    timeline_celebrity_followers: int = 20_000
    # A timeline nobody read for this many days expires and gets no fan-out; rebuilt on return.
    timeline_inactive_days: int = 30
    # A fan-out job left unacknowledged this long (a crashed worker) is claimed by another.
    timeline_claim_idle_s: float = 30.0
    # Key prefix of every timeline structure (tests run isolated policies side by side).
    timeline_namespace: str = "tl"
    # Each API process also runs a fan-out worker; set false to run `graphgram timelines worker`s.
    timeline_worker: bool = True
    # Each API process (and each `graphgram timelines worker`) watches Redis and, after Redis
    # failed under writes, went away or restarted, repairs its derived state from the graph
    # (timelines/repair.py). Off: nothing notices, and a timeline may miss posts until it expires.
    timeline_repair: bool = True
    # One Lua script on the viewer's slot and one pipeline serve the common home-feed page
    # (timelines/fastpage.py), on one Redis server or a cluster; false: every page takes the
    # full path (for comparisons).
    timeline_fast_page: bool = True
    # The fan-out stream is this many streams, a post going to the one of its author
    # (timelines/fanout.py), so no one slot of a Redis Cluster carries every post's fan-out.
    # Every worker reads every shard. Changing it strands the entries of dropped shards.
    timeline_fanout_shards: int = Field(default=4, ge=1, le=64)

    # Stories (docs/stories.md): how long a story stays up, and at most how many live stories one
    # account keeps at a time.
    story_ttl_s: int = Field(default=24 * 3600, ge=60)
    story_live_max: int = Field(default=100, ge=1, le=1000)
    # The clock stories are read and swept by (graphgram/clock.py) runs this many seconds ahead of
    # the machine's (behind, when negative). 0 in production; tests move it instead of sleeping.
    clock_offset_s: float = 0.0

    # Base ports; the instance's real port is base + port_offset.
    neo4j_bolt_base: int = 7687
    neo4j_http_base: int = 7474
    analytics_bolt_base: int = 7688
    analytics_http_base: int = 7475
    s3_port_base: int = 9000
    s3_console_base: int = 9001
    redis_port_base: int = 6380
    edge_port_base: int = 8080

    extra_cypher_metadata: dict[str, str] = Field(default_factory=dict)

    @property
    def warms_query_plans(self) -> bool:
        if self.warm_query_plans is None:
            return self.environment != "test"
        return self.warm_query_plans

    @model_validator(mode="after")
    def _derive_urls(self) -> Settings:
        if not self.neo4j_uri:
            # The routing scheme, also against one Community server: reads go through routed
            # read transactions and carry bookmarks as they would on a cluster.
            self.neo4j_uri = f"neo4j://127.0.0.1:{self.neo4j_bolt_port}"
        if not self.s3_endpoint:
            self.s3_endpoint = f"127.0.0.1:{self.s3_port}"
        if not self.redis_url:
            port = self.redis_port + (1 if self.redis_topology == "cluster" else 0)
            self.redis_url = f"redis://127.0.0.1:{port}/0"
        if not self.cdn_base_url:
            self.cdn_base_url = f"http://127.0.0.1:{self.edge_port}"
        if self.edge_purge_urls is None:
            self.edge_purge_urls = [f"http://127.0.0.1:{self.edge_port}/purge/"]
        for allowed in self.edge_purge_allow:
            if ip_network(allowed, strict=False).prefixlen == 0:
                raise ValueError(
                    f"edge_purge_allow may not allow every address ({allowed!r}): list the APIs"
                )
        for proxy in self.trusted_proxies:
            network = ip_network(proxy, strict=False)  # ValueError names a malformed entry
            if network.prefixlen == 0:
                raise ValueError(
                    f"trusted_proxies may not trust every address ({proxy!r}): list the proxies"
                )
        if self.environment == "production":
            weak = {
                name
                for name in ("neo4j_password", "s3_secret_key", "cdn_secret")
                if getattr(self, name) in DEFAULT_SECRETS
            }
            if weak:
                raise ValueError(
                    f"refusing to start in production with development secrets: {sorted(weak)}; "
                    "set GRAPHGRAM_NEO4J_PASSWORD, GRAPHGRAM_S3_SECRET_KEY and GRAPHGRAM_CDN_SECRET"
                )
            if self.password_hash_memory_kib < 19456 or self.password_hash_time_cost < 2:
                raise ValueError(
                    "refusing to start in production with password hashes below OWASP's argon2id "
                    "floor: GRAPHGRAM_PASSWORD_HASH_MEMORY_KIB >= 19456 and "
                    "GRAPHGRAM_PASSWORD_HASH_TIME_COST >= 2"
                )
        return self

    @property
    def neo4j_bolt_port(self) -> int:
        return self.neo4j_bolt_base + self.port_offset

    @property
    def neo4j_http_port(self) -> int:
        return self.neo4j_http_base + self.port_offset

    @property
    def analytics_bolt_port(self) -> int:
        return self.analytics_bolt_base + self.port_offset

    @property
    def analytics_http_port(self) -> int:
        return self.analytics_http_base + self.port_offset

    @property
    def backups_dir(self) -> Path:
        return self.backup_root or self.instance_dir / "backups"

    @property
    def s3_port(self) -> int:
        return self.s3_port_base + self.port_offset

    @property
    def s3_console_port(self) -> int:
        return self.s3_console_base + self.port_offset

    @property
    def redis_port(self) -> int:
        return self.redis_port_base + self.port_offset

    @property
    def edge_port(self) -> int:
        return self.edge_port_base + self.port_offset

    @property
    def api_port(self) -> int:
        return self.api_port_base + self.port_offset

    @cached_property
    def instance_dir(self) -> Path:
        return self.stack_root / self.stack_name


def get_settings() -> Settings:
    return Settings()
