"""Password hashing (argon2id) and opaque bearer tokens.

A token is 32 random bytes; only its sha256 is stored. The session's source of truth is Neo4j
(`(:User)-[:HAS_SESSION]->(:Session {id: sha256})`, with an expiry); Redis caches it under
`session:<sha256>` for the rest of its life, so the hot path is one Redis GET and losing Redis
only costs a Neo4j read.
"""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from graphgram.settings import Settings


@cache
def _hashing(time_cost: int, memory_kib: int, parallelism: int) -> tuple[PasswordHasher, str]:
    """The hasher for these costs, and a hash of a password nobody has: verifying against it
    keeps login timing the same whether or not the username exists."""
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    return hasher, hasher.hash("graphgram-no-such-user")


def _for(settings: Settings) -> tuple[PasswordHasher, str]:
    return _hashing(
        settings.password_hash_time_cost,
        settings.password_hash_memory_kib,
        settings.password_hash_parallelism,
    )


async def hash_password(password: str, settings: Settings) -> str:
    hasher, _ = _for(settings)
    return await anyio.to_thread.run_sync(hasher.hash, password)


async def verify_password(password_hash: str | None, password: str, settings: Settings) -> bool:
    """A hash made with other costs still verifies: argon2 reads them from the hash."""
    hasher, dummy = _for(settings)

    def _verify() -> bool:
        try:
            return hasher.verify(password_hash or dummy, password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(_verify)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
