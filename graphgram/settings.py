"""One settings class for every Graphgram process, read from GRAPHGRAM_* environment variables.

Development defaults point at the local stack (`graphgram stack up`). A stack instance is a
name plus a port offset, so tests and parallel checkouts can run their own servers side by side
without touching the demo graph.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

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

    # S3 object store (MinIO locally; any S3 API in production)
    s3_endpoint: str = ""
    s3_access_key: str = "graphgram"
    s3_secret_key: str = "graphgram-dev-secret"
    s3_secure: bool = False
    s3_region: str = "us-east-1"
    media_bucket: str = "graphgram-media"

    # Redis
    redis_url: str = ""
    # Connect and per-command timeout: a Redis that is away fails fast instead of hanging requests.
    redis_timeout_s: float = 3.0

    # CDN edge (nginx) that fronts the object store
    cdn_base_url: str = ""
    cdn_secret: str = "graphgram-dev-cdn-secret"
    cdn_url_ttl_s: int = 3600

    # API process
    api_host: str = "127.0.0.1"
    api_port_base: int = 8000
    api_workers: int = 1
    token_ttl_s: int = 7 * 24 * 3600
    # Login attempts per username and client address, and registrations per address, per window.
    login_attempts: int = 10
    registrations: int = 20
    rate_window_s: int = 300

    # Media limits
    max_image_bytes: int = 20 * 1024 * 1024
    max_video_bytes: int = 200 * 1024 * 1024
    max_image_pixels: int = 50_000_000
    # Each API process also drains the media queue; set false to run `graphgram media worker`s.
    media_worker: bool = True

    # Base ports; the instance's real port is base + port_offset.
    neo4j_bolt_base: int = 7687
    neo4j_http_base: int = 7474
    s3_port_base: int = 9000
    s3_console_base: int = 9001
    redis_port_base: int = 6380
    edge_port_base: int = 8080

    extra_cypher_metadata: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _derive_urls(self) -> Settings:
        if not self.neo4j_uri:
            self.neo4j_uri = f"bolt://127.0.0.1:{self.neo4j_bolt_port}"
        if not self.s3_endpoint:
            self.s3_endpoint = f"127.0.0.1:{self.s3_port}"
        if not self.redis_url:
            self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        if not self.cdn_base_url:
            self.cdn_base_url = f"http://127.0.0.1:{self.edge_port}"
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
        return self

    @property
    def neo4j_bolt_port(self) -> int:
        return self.neo4j_bolt_base + self.port_offset

    @property
    def neo4j_http_port(self) -> int:
        return self.neo4j_http_base + self.port_offset

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
