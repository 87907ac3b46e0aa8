"""Videos: check they decode, probe duration, size and codec, and extract a poster frame (PyAV)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

POSTER_PX = 1080


class VideoRejected(ValueError):
    pass


@dataclass(frozen=True)
class Probe:
    width: int
    height: int
    duration: float | None
    codec: str


def probe(path: Path) -> Probe:
    """Open the container and decode the first video frame; raise VideoRejected otherwise."""
    try:
        with av.open(str(path)) as container:
            streams = container.streams.video
            if not streams:
                raise VideoRejected("the file has no video stream")
            stream = streams[0]
            frame = next(container.decode(stream), None)
            if frame is None:
                raise VideoRejected("no frame of the video could be decoded")
            duration: float | None = None
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * Fraction(stream.time_base))
            elif container.duration is not None:
                duration = container.duration / av.time_base
            return Probe(frame.width, frame.height, duration, stream.codec_context.name)
    except VideoRejected:
        raise
    except (av.FFmpegError, StopIteration, ValueError, IndexError) as exc:
        raise VideoRejected(f"the video could not be decoded ({exc})") from exc


def poster(path: Path) -> bytes:
    """A WebP of the first decodable frame, no larger than POSTER_PX on its long side."""
    try:
        with av.open(str(path)) as container:
            frame = next(container.decode(container.streams.video[0]))
            image: Image.Image = frame.to_image()  # type: ignore[no-untyped-call]
    except (av.FFmpegError, StopIteration, IndexError) as exc:
        raise VideoRejected(f"no poster frame could be decoded ({exc})") from exc
    image.thumbnail((POSTER_PX, POSTER_PX))
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=80)
    return out.getvalue()
