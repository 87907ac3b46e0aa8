"""The Graphgram REST API (FastAPI): app factory, routers per domain, one error shape."""
