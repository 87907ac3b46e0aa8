"""Password hashing and bearer tokens, for the sign-in routes: they live with the services that
register accounts and change passwords (`services.security`)."""

from __future__ import annotations

from services.security import hash_password as hash_password
from services.security import new_token as new_token
from services.security import session_id as session_id
from services.security import verify_password as verify_password
