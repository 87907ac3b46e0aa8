"""What the API process does once at startup."""

from __future__ import annotations

import gc

from api.app import create_app
from graphgram.settings import Settings


async def test_startup_heap_is_kept_out_of_full_collections(settings: Settings) -> None:
    """The ~120k objects made at startup go to the permanent generation (gc.freeze), so a full
    collection in the middle of a request walks only what requests made since."""
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    app = create_app(settings.model_copy(update={"media_worker": False, "timeline_worker": False}))
    async with app.router.lifespan_context(app):
        assert gc.get_freeze_count() > 50_000
