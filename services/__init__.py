"""The service layer: one async function per behaviour that changes state.

Routers (the native API in `api/<domain>/router.py`, the Mastodon API in `api/mastodon/`) and
the CLI parse their input, authorize the caller, call a service and render its result; the
service runs the graph write and then everything that must follow it (timeline hooks, cached
view invalidation, session cache tombstones, media release), so a behaviour is written once
whichever surface asks for it. Services take a `Backends` and plain values, and raise
`graphgram.errors` types that each API renders in its own shape. docs/architecture-services.md
has the layers and the rules the lint and `tests/test_layers.py` enforce.
"""
