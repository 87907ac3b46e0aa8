"""Media speed: upload through the API (`POST /media`) and direct (`POST /uploads`, parts PUT
straight to the store) against a direct S3 put of the same bytes; the API process's CPU seconds
per uploaded MB on each path; the API's memory while a large video goes up directly; and
edge-cache hits against direct object-store GETs of the same object, all measured in one run.

    python -m bench.media_bench [--video-mb 48] [--uploads 4] [--gets 300] [--big-video-mb 2048]

Runs on a stack instance of its own, `bench-media` (ports +17900;
GRAPHGRAM_BENCH_MEDIA_STACK_NAME and GRAPHGRAM_BENCH_MEDIA_PORT_OFFSET pick another), whose
graph and bucket it empties first (never the seeded `bench` instance's), with one real uvicorn
API process whose media worker is off: the processing runs in a `graphgram media worker`
process of its own, so the API's CPU and memory are the request path's alone (the worker's are
reported beside them).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import httpx
from PIL import Image
from rich.console import Console

from backends import object_store
from bench.common import bench_settings, report
from graph.admin import wipe
from graph.driver import make_driver
from graphgram.settings import PROJECT_ROOT, Settings
from media.signing import signed_url
from media.storage import empty_bucket
from ops.stack import ApiService, up

console = Console()


def noisy_mp4(target_mb: float, path: Path | None = None) -> bytes:
    """A real, decodable MP4 of random frames (incompressible, so about target_mb in size); with
    `path`, written there (and b"" returned) so a large one never sits in memory."""
    rng = random.Random(7)
    out: Any = path.open("w+b") if path else io.BytesIO()
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
    if path:
        out.close()
        return b""
    return bytes(out.getvalue())


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (uvicorn's supervisor and its worker process)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in children:
            found.extend(_tree(int(child)))
    return found


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of the process tree under `pid`, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in _tree(pid):
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def rss_mib(pid: int) -> float:
    """Resident memory (VmRSS) of the process tree under `pid`, in MiB."""
    total = 0
    for p in _tree(pid):
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


class RssSampler:
    """Samples the tree's VmRSS every 50 ms while running."""

    def __init__(self, pid: int) -> None:
        self.pid, self.samples, self.stop = pid, [rss_mib(pid)], threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.wait(0.05):
            self.samples.append(rss_mib(self.pid))

    def __enter__(self) -> RssSampler:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()


def wait_ready(client: httpx.Client, headers: dict[str, str], media_id: str) -> None:
    deadline = time.monotonic() + 1800
    while time.monotonic() < deadline:
        status = client.get(f"/media/{media_id}", headers=headers).json()["status"]
        if status == "ready":
            return
        assert status == "processing", status
        time.sleep(0.2)
    raise AssertionError(f"{media_id} not ready")


def direct_upload(
    client: httpx.Client,
    store: httpx.Client,
    headers: dict[str, str],
    size: int,
    read_part: Callable[[int, int], bytes],
    ctype: str = "video/mp4",
    parallel: int = 4,
    phases: dict[str, float] | None = None,
) -> dict[str, Any]:
    """The direct path as a browser runs it: start, PUT the parts (`parallel` at a time) through
    the edge to the store on `store`, an HTTP client kept across uploads (a browser keeps its
    connections; making an httpx client loads a CA bundle, tens of milliseconds that are the
    bench's, not the upload's), complete; the media item. `phases` sums each step's seconds."""
    phases = phases if phases is not None else {}
    t0 = time.perf_counter()
    started = client.post(
        "/uploads",
        json={"filename": "clip.mp4", "content_type": ctype, "size": size},
        headers=headers,
    )
    assert started.status_code == 201, started.text
    upload = started.json()
    urls = list(upload["part_urls"])
    while len(urls) < upload["part_count"]:
        more = client.get(
            f"/uploads/{upload['id']}/parts",
            params={"first": len(urls) + 1, "count": 1000},
            headers=headers,
        ).json()["part_urls"]
        urls.extend(more)
    t1 = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:

        def put(part: dict[str, Any]) -> None:
            offset = (part["number"] - 1) * upload["part_size"]
            response = store.put(part["url"], content=read_part(offset, part["size"]))
            assert response.status_code == 200, response.text

        list(pool.map(put, urls))
    t2 = time.perf_counter()
    done = client.post(f"/uploads/{upload['id']}/complete", headers=headers)
    assert done.status_code == 200, done.text
    t3 = time.perf_counter()
    for name, seconds in (("start", t1 - t0), ("parts", t2 - t1), ("complete", t3 - t2)):
        phases[name] = phases.get(name, 0.0) + seconds
    result: dict[str, Any] = done.json()
    return result


def media_bench_settings() -> Settings:
    """The `bench-media` instance's settings: its own graph, bucket and Redis (this benchmark
    empties them), never the seeded `bench` instance's."""
    return bench_settings(
        os.environ.get("GRAPHGRAM_BENCH_MEDIA_STACK_NAME", "bench-media"),
        int(os.environ.get("GRAPHGRAM_BENCH_MEDIA_PORT_OFFSET", "17900")),
    )


def start_worker(settings: Settings) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "GRAPHGRAM_STACK_NAME": settings.stack_name,
        "GRAPHGRAM_PORT_OFFSET": str(settings.port_offset),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "graphgram"), "media", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--video-mb", type=float, default=48)
    parser.add_argument("--uploads", type=int, default=4)
    parser.add_argument("--gets", type=int, default=300)
    parser.add_argument("--big-video-mb", type=float, default=0, help="0: skip the big video")
    args = parser.parse_args()

    # One API process, its media worker off (the worker runs beside it, below), and the video
    # cap raised to 4 GB for direct uploads.
    os.environ["GRAPHGRAM_API_WORKERS"] = "1"
    os.environ["GRAPHGRAM_MEDIA_WORKER"] = "false"
    # No background planning of the catalog's statements beside the uploads measured.
    os.environ["GRAPHGRAM_WARM_QUERY_PLANS"] = "false"
    os.environ["GRAPHGRAM_MAX_VIDEO_BYTES"] = str(4 * 1024**3)
    # Its own stack instance: it wipes its graph and empties its bucket, which must never be the
    # seeded `bench` instance's (the feed, reads and analytics benchmarks need that graph).
    settings = media_bench_settings()
    with console.status("starting the bench stack and API"):
        up(settings, with_api=True)
    api_pid = int(ApiService(settings).pid_file.read_text())
    worker = start_worker(settings)
    s3 = object_store(settings, timed=False)
    with make_driver(settings) as driver:
        wipe(driver, settings)
    empty_bucket(s3, settings.media_bucket)
    api = f"http://{settings.api_host}:{settings.api_port}"
    data = noisy_mp4(args.video_mb)
    mb = len(data) / (1024 * 1024)
    result: dict[str, Any] = {"video_mb": round(mb, 2), "uploads": args.uploads}

    try:
        with httpx.Client(base_url=api, timeout=600) as client, httpx.Client(timeout=120) as store:
            client.post("/auth/register", json={"username": "bencher", "password": "bench-bench-1"})
            token = client.post(
                "/auth/login", json={"username": "bencher", "password": "bench-bench-1"}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}

            api_s = direct_s = put_s = 0.0
            api_cpu = direct_cpu = 0.0
            worker_cpu_api = worker_cpu_direct = 0.0
            pair_ratios: list[float] = []
            phases: dict[str, float] = {}
            # One untimed round of each path first: the API process's first upload plans its
            # statements in Neo4j (0.1-0.5 s each) and opens its connections, once per process;
            # the figures are of the uploads after it (docs/operations.md, query plans).
            warm = client.post(
                "/media", files={"file": ("clip.mp4", data, "video/mp4")}, headers=headers
            )
            assert warm.status_code == 201, warm.text
            wait_ready(client, headers, warm.json()["id"])
            wait_ready(
                client,
                headers,
                direct_upload(client, store, headers, len(data), lambda o, n: data[o : o + n])[
                    "id"
                ],
            )
            s3.put_object(settings.media_bucket, "bench/warm.mp4", io.BytesIO(data), len(data))
            for i in range(args.uploads):
                empty_bucket(s3, settings.media_bucket)  # no dedupe shortcut: every upload stores
                cpu, wcpu = cpu_s(api_pid), cpu_s(worker.pid)
                started = time.perf_counter()
                response = client.post(
                    "/media", files={"file": ("clip.mp4", data, "video/mp4")}, headers=headers
                )
                api_s += time.perf_counter() - started
                assert response.status_code == 201, response.text
                api_cpu += cpu_s(api_pid) - cpu
                wait_ready(client, headers, response.json()["id"])
                worker_cpu_api += cpu_s(worker.pid) - wcpu

                empty_bucket(s3, settings.media_bucket)

                def s3_put(i: int = i) -> float:
                    started = time.perf_counter()
                    s3.put_object(
                        settings.media_bucket, f"bench/direct-{i}.mp4", io.BytesIO(data), len(data)
                    )
                    return time.perf_counter() - started

                # The direct path and the S3 put of the same bytes back to back, in alternating
                # order, so a neighbour's load on this shared machine hits both alike.
                put_first = i % 2 == 1
                put_one = s3_put() if put_first else 0.0
                cpu, wcpu = cpu_s(api_pid), cpu_s(worker.pid)
                started = time.perf_counter()
                media = direct_upload(
                    client, store, headers, len(data), lambda o, n: data[o : o + n], phases=phases
                )
                direct_one = time.perf_counter() - started
                direct_cpu += cpu_s(api_pid) - cpu
                wait_ready(client, headers, media["id"])
                worker_cpu_direct += cpu_s(worker.pid) - wcpu
                if not put_first:
                    put_one = s3_put()
                direct_s += direct_one
                put_s += put_one
                pair_ratios.append(put_one / direct_one)
            total_mb = mb * args.uploads
            result |= {
                "api_upload_mb_per_s": total_mb / api_s,
                "direct_upload_mb_per_s": total_mb / direct_s,
                "s3_put_mb_per_s": total_mb / put_s,
                "api_vs_s3_put": put_s / api_s,
                "direct_vs_s3_put": put_s / direct_s,
                "direct_vs_s3_put_median_pair": statistics.median(pair_ratios),
                # Where a direct upload's time goes: the two API calls and the parts.
                "direct_start_ms": 1000 * phases["start"] / args.uploads,
                "direct_parts_ms": 1000 * phases["parts"] / args.uploads,
                "direct_complete_ms": 1000 * phases["complete"] / args.uploads,
                "s3_put_ms": 1000 * put_s / args.uploads,
                # CPU milliseconds per uploaded MB (from /proc utime + stime).
                "api_process_cpu_ms_per_mb_post_media": 1000 * api_cpu / total_mb,
                "api_process_cpu_ms_per_mb_direct": 1000 * direct_cpu / total_mb,
                "api_cpu_direct_vs_post_media": direct_cpu / api_cpu,
                "worker_cpu_ms_per_mb_post_media": 1000 * worker_cpu_api / total_mb,
                "worker_cpu_ms_per_mb_direct": 1000 * worker_cpu_direct / total_mb,
            }

            if args.big_video_mb:
                with tempfile.TemporaryDirectory(prefix="graphgram-bench-") as tmp:
                    path = Path(tmp) / "big.mp4"
                    with console.status(f"making a {args.big_video_mb:.0f} MB video"):
                        noisy_mp4(args.big_video_mb, path)
                    size = path.stat().st_size
                    empty_bucket(s3, settings.media_bucket)

                    def read_part(offset: int, length: int) -> bytes:
                        with path.open("rb") as f:
                            f.seek(offset)
                            return f.read(length)

                    worker_rss = RssSampler(worker.pid)
                    with RssSampler(api_pid) as api_rss, worker_rss:
                        started = time.perf_counter()
                        media = direct_upload(client, store, headers, size, read_part)
                        upload_s = time.perf_counter() - started
                        wait_ready(client, headers, media["id"])
                        ready_s = time.perf_counter() - started
                    started = time.perf_counter()
                    s3.fput_object(settings.media_bucket, "bench/big.mp4", str(path))
                    big_put_s = time.perf_counter() - started
                    result |= {
                        "big_video_mb": round(size / (1024 * 1024), 1),
                        "big_video_upload_s": upload_s,
                        "big_video_ready_s": ready_s,
                        "big_video_mb_per_s": size / (1024 * 1024) / upload_s,
                        "big_video_s3_put_mb_per_s": size / (1024 * 1024) / big_put_s,
                        "big_video_direct_vs_s3_put": big_put_s / upload_s,
                        "api_rss_mib_before": api_rss.samples[0],
                        "api_rss_mib_max": max(api_rss.samples),
                        "api_rss_mib_after": api_rss.samples[-1],
                        "worker_rss_mib_before": worker_rss.samples[0],
                        "worker_rss_mib_max": max(worker_rss.samples),
                        "rss_samples": len(api_rss.samples),
                    }
    finally:
        worker.terminate()
        worker.wait(30)

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

    result |= {
        "gets": args.gets,
        "edge_hit_mb_per_s": args.gets * len(blob) / (1024 * 1024) / edge_s,
        "direct_get_mb_per_s": args.gets * len(blob) / (1024 * 1024) / origin_s,
        "edge_hit_vs_direct_get": origin_s / edge_s,
    }
    report("media", "media upload and delivery (same bytes, same run)", result)
    empty_bucket(s3, settings.media_bucket)


if __name__ == "__main__":
    main()
