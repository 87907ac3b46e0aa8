"""Formats other programs read, each defined once: the JSON shapes clients get (`wire.posts`) and
the cached values the Redis scripts read (`wire.sessions`).

Low in the layers (above `media`, whose `MediaOut` a post carries), so that both the API and the
timelines, which render posts for the feed's cache, build them from the same model.
"""
