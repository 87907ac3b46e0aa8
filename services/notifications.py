"""Notifications: mark them read. (They are recorded by the writes that cause them: a like, a
comment, a follow, a request or a mention carries the id of the user it notifies.)"""

from __future__ import annotations

from backends import Backends
from graph import notifications


async def mark_read(backends: Backends, viewer_id: str) -> None:
    """Everything up to now is read."""
    await notifications.mark_read(backends.graph, viewer_id)
