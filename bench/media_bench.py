"""Media speed: upload through the API against a direct S3 put of the same bytes, and edge-cache
hits against direct object-store GETs of the same object, all measured in one run.

    python -m bench.media_bench [--video-mb 8] [--uploads 4] [--gets 300]

Runs on the `bench` stack instance with a real uvicorn API process (ports +17700).
"""

from __future__ import annotations

import argparse
import io
import random
import time
from fractions import Fraction

import av
import httpx
from PIL import Image
from rich.console import Console

from backends import object_store
from bench.common import bench_settings, report
from graph.admin import wipe
from graph.driver import make_driver
from media.signing import signed_url
from media.storage import empty_bucket
from ops.stack import up

console = Console()


def noisy_mp4(target_mb: float) -> bytes:
    """A real, decodable MP4 of random frames (incompressible, so about target_mb in size)."""
    rng = random.Random(7)
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=Fraction(24, 1))
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        stream.options = {"crf": "0", "preset": "ultrafast"}
        while out.tell() < target_mb * 1024 * 1024:
            noise = Image.frombytes("RGB", (320, 240), rng.randbytes(320 * 240 * 3))
            frame = av.VideoFrame.from_image(noise)  # type: ignore[no-untyped-call]
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--video-mb", type=float, default=8)
    parser.add_argument("--uploads", type=int, default=4)
    parser.add_argument("--gets", type=int, default=300)
    args = parser.parse_args()

    settings = bench_settings()
    with console.status("starting the bench stack and API"):
        up(settings, with_api=True)
    s3 = object_store(settings, timed=False)
    with make_driver(settings) as driver:
        wipe(driver, settings)
    empty_bucket(s3, settings.media_bucket)
    api = f"http://{settings.api_host}:{settings.api_port}"
    data = noisy_mp4(args.video_mb)
    mb = len(data) / (1024 * 1024)

    with httpx.Client(base_url=api, timeout=120) as client:
        client.post("/auth/register", json={"username": "bencher", "password": "bench-bench-1"})
        token = client.post(
            "/auth/login", json={"username": "bencher", "password": "bench-bench-1"}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}

        api_s = direct_s = 0.0
        for i in range(args.uploads):
            empty_bucket(s3, settings.media_bucket)  # no dedupe shortcut: every upload stores
            started = time.perf_counter()
            response = client.post(
                "/media", files={"file": ("clip.mp4", data, "video/mp4")}, headers=headers
            )
            api_s += time.perf_counter() - started
            assert response.status_code == 201, response.text
            started = time.perf_counter()
            s3.put_object(
                settings.media_bucket, f"bench/direct-{i}.mp4", io.BytesIO(data), len(data)
            )
            direct_s += time.perf_counter() - started

    key = "bench/object.bin"
    blob = random.Random(1).randbytes(1024 * 1024)
    s3.put_object(settings.media_bucket, key, io.BytesIO(blob), len(blob))
    url = signed_url(settings, key)
    direct_url = f"http://{settings.s3_endpoint}/{settings.media_bucket}/{key}"
    with httpx.Client(timeout=30) as http:
        assert http.get(url).content == blob  # warm the edge cache
        assert http.get(url).headers["x-cache-status"] == "HIT"
        started = time.perf_counter()
        for _ in range(args.gets):
            http.get(url)
        edge_s = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(args.gets):
            http.get(direct_url)
        origin_s = time.perf_counter() - started

    result = {
        "video_mb": round(mb, 2),
        "uploads": args.uploads,
        "api_upload_mb_per_s": mb * args.uploads / api_s,
        "direct_put_mb_per_s": mb * args.uploads / direct_s,
        "api_vs_direct_upload": direct_s / api_s,
        "gets": args.gets,
        "edge_hit_mb_per_s": args.gets * len(blob) / (1024 * 1024) / edge_s,
        "direct_get_mb_per_s": args.gets * len(blob) / (1024 * 1024) / origin_s,
        "edge_hit_vs_direct_get": origin_s / edge_s,
    }
    report("media", "media upload and delivery (same bytes, same run)", result)


if __name__ == "__main__":
    main()
