"""Password hashing (argon2id) and opaque bearer tokens.

A token is 32 random bytes; only its sha256 is stored. The session's source of truth is Neo4j
(`(:User)-[:HAS_SESSION]->(:Session {id: sha256})`, with an expiry); Redis caches it under
`session:<sha256>` for the rest of its life, so the hot path is one Redis GET and losing Redis
only costs a Neo4j read.
"""

from __future__ import annotations

import hashlib
import secrets

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verifying against this keeps login timing the same whether or not the username exists.
_DUMMY_HASH = _hasher.hash("graphgram-no-such-user")


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    def _verify() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(_verify)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
