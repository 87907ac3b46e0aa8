"""Password hashing cost is a setting: production refuses a weak one, and a change of cost never
locks anybody out (argon2 reads a hash's own costs when verifying it)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graphgram.settings import Settings
from services.security import hash_password, verify_password


def production(memory_kib: int = 65536, time_cost: int = 3) -> Settings:
    return Settings(
        environment="production",
        neo4j_password="n",
        s3_secret_key="s",
        cdn_secret="c",
        password_hash_memory_kib=memory_kib,
        password_hash_time_cost=time_cost,
    )


@pytest.mark.parametrize(
    ("memory_kib", "time_cost"), [(8, 1), (19455, 2), (65536, 1)], ids=["tiny", "memory", "passes"]
)
def test_production_refuses_hashes_below_the_owasp_floor(memory_kib: int, time_cost: int) -> None:
    with pytest.raises(ValidationError, match="OWASP"):
        production(memory_kib, time_cost)
    assert production().password_hash_memory_kib == 65536  # the defaults pass


async def test_a_hash_made_at_one_cost_verifies_at_another() -> None:
    cheap = Settings(
        environment="test",
        password_hash_time_cost=1,
        password_hash_memory_kib=8,
        password_hash_parallelism=1,
    )
    strong = Settings(environment="test")
    made = await hash_password("correct-horse-1", cheap)
    assert "m=8,t=1,p=1" in made
    assert await verify_password(made, "correct-horse-1", strong)
    assert not await verify_password(made, "wrong-horse-1", strong)
    assert not await verify_password(None, "correct-horse-1", cheap)
    assert "m=65536,t=3,p=4" in await hash_password("correct-horse-1", strong)
