"""HTTP load generator for the benchmarks, run as its own process (never inside the server).

Usage: ``python bench/loadgen.py '<job as JSON>'``; prints one JSON object with the result.

Two generators, so one can be checked against the other:

* ``raw``: hand-written HTTP/1.1 over asyncio streams (uvloop when installed), keep-alive, one
  request in flight per connection. Parsing is the minimum a Django response needs (status
  line, Content-Length, chunked as a fallback), so the client spends as little CPU per request
  as Python allows and the server, not the client, sets the pace.
* ``httpx``: ``httpx.AsyncClient`` with a connection pool the size of the concurrency, the
  client most Python users would reach for. Much more CPU per request, which is the point of
  running it: if the two agree on ``/healthz``, neither is the limit.

Modes:

* ``closed``: ``concurrency`` clients, each sending its next request as soon as the previous
  answer is read, for ``duration`` seconds. Gives throughput at saturation.
* ``open``: requests launched on a fixed schedule (``rate`` per second) whatever happened to
  the earlier ones; latency runs from the *scheduled* send time, so time spent queueing (in the
  client or the server) is counted rather than hidden (no coordinated omission).

Paths: ``path`` is used as is, or ``path_template`` with ``{receipt}`` filled from
``receipts`` in turn (one shared cursor, so consecutive requests ask for different cases).
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import math
import sys
import time
from collections.abc import Iterator
from typing import Any


def _paths(job: dict[str, Any]) -> Iterator[str]:
    if "path_template" in job:
        template = job["path_template"]
        return (template.format(receipt=r) for r in itertools.cycle(job["receipts"]))
    return itertools.repeat(job["path"])


class RawConnection:
    """One keep-alive HTTP/1.1 connection; reopened if the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.host_header = f"{host}:{port}".encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def get(self, path: str) -> int:
        reused = self.writer is not None
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        request = b"GET " + path.encode() + b" HTTP/1.1\r\nHost: " + self.host_header + b"\r\n\r\n"
        self.writer.write(request)
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionResetError) as error:
            # The server closes keep-alive connections left idle (uvicorn: after 5 s); a request
            # sent on one just as it closes gets no byte back. Like any HTTP client, retry a GET
            # once on a fresh connection; anything else is a real failure.
            partial = getattr(error, "partial", b"")
            if not reused or partial:
                raise
            self.close()
            await self.open()
            assert self.reader is not None and self.writer is not None
            self.writer.write(request)
            head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lower = head.lower()
        start = lower.find(b"\r\ncontent-length:")
        if start >= 0:
            end = lower.index(b"\r\n", start + 2)
            await self.reader.readexactly(int(lower[start + 17 : end]))
        elif b"\r\ntransfer-encoding: chunked" in lower:
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:  # no length: the body runs to the end of the connection
            await self.reader.read()
            self.close()
            return status
        if b"\r\nconnection: close" in lower:
            self.close()
        return status


async def _closed_raw(job: dict[str, Any]) -> dict[str, Any]:
    host, port, duration = job["host"], job["port"], job["duration"]
    paths = _paths(job)
    statuses: collections.Counter[str] = collections.Counter()
    done = 0
    connections = [RawConnection(host, port) for _ in range(job["concurrency"])]
    await asyncio.gather(*(c.open() for c in connections))

    async def client(conn: RawConnection, deadline: float) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            try:
                status = await conn.get(next(paths))
            except (OSError, asyncio.IncompleteReadError, ValueError) as error:
                statuses[f"error:{type(error).__name__}"] += 1
                conn.close()
                continue
            statuses[str(status)] += 1
            done += 1

    cpu0, t0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(client(c, t0 + duration) for c in connections))
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    for c in connections:
        c.close()
    return {"requests": done, "elapsed_s": elapsed, "client_cpu_s": cpu, "statuses": statuses}


async def _closed_httpx(job: dict[str, Any]) -> dict[str, Any]:
    import httpx

    concurrency, duration = job["concurrency"], job["duration"]
    paths = _paths(job)
    statuses: collections.Counter[str] = collections.Counter()
    done = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    base = f"http://{job['host']}:{job['port']}"
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:

        async def client(deadline: float) -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                try:
                    response = await http.get(next(paths))
                except httpx.HTTPError as error:
                    statuses[f"error:{type(error).__name__}"] += 1
                    continue
                statuses[str(response.status_code)] += 1
                done += 1

        cpu0, t0 = time.process_time(), time.perf_counter()
        await asyncio.gather(*(client(t0 + duration) for _ in range(concurrency)))
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {"requests": done, "elapsed_s": elapsed, "client_cpu_s": cpu, "statuses": statuses}


def _percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not ordered:
        return float("nan")
    rank = max(math.ceil(fraction * len(ordered)) - 1, 0)
    return ordered[min(rank, len(ordered) - 1)]


async def _open_raw(job: dict[str, Any]) -> dict[str, Any]:
    host, port, rate, duration = job["host"], job["port"], job["rate"], job["duration"]
    paths = _paths(job)
    statuses: collections.Counter[str] = collections.Counter()
    latencies: list[float] = []
    idle: collections.deque[RawConnection] = collections.deque()
    # A few connections opened up front so the first requests do not pay for the handshake;
    # more are opened on demand whenever every connection is busy (open loop: never wait).
    warm = [RawConnection(host, port) for _ in range(job.get("initial_connections", 4))]
    await asyncio.gather(*(c.open() for c in warm))
    idle.extend(warm)
    opened = len(warm)
    send_lag_max = 0.0

    async def one(scheduled: float, path: str) -> None:
        nonlocal opened
        if idle:
            conn = idle.pop()
        else:
            conn = RawConnection(host, port)
            opened += 1
        try:
            status = await conn.get(path)
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            statuses[f"error:{type(error).__name__}"] += 1
            conn.close()
            return
        latencies.append(time.perf_counter() - scheduled)
        statuses[str(status)] += 1
        idle.append(conn)

    total = int(rate * duration)
    tasks = []
    cpu0, t0 = time.process_time(), time.perf_counter()
    for i in range(total):
        scheduled = t0 + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        send_lag_max = max(send_lag_max, time.perf_counter() - scheduled)
        tasks.append(asyncio.ensure_future(one(scheduled, next(paths))))
    await asyncio.gather(*tasks)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    for c in idle:
        c.close()
    latencies.sort()
    return {
        "requests": len(latencies),
        "scheduled": total,
        "elapsed_s": elapsed,
        "client_cpu_s": cpu,
        "statuses": statuses,
        "connections_opened": opened,
        "send_lag_max_ms": send_lag_max * 1000,
        "p50_ms": _percentile(latencies, 0.50) * 1000,
        "p90_ms": _percentile(latencies, 0.90) * 1000,
        "p99_ms": _percentile(latencies, 0.99) * 1000,
        "max_ms": (latencies[-1] * 1000) if latencies else float("nan"),
    }


RUNNERS = {
    ("closed", "raw"): _closed_raw,
    ("closed", "httpx"): _closed_httpx,
    ("open", "raw"): _open_raw,
}


def main() -> None:
    job = json.loads(sys.argv[1])
    runner = RUNNERS[(job["mode"], job.get("generator", "raw"))]
    try:
        import uvloop

        use_uvloop = bool(job.get("uvloop", True))
    except ImportError:  # plain asyncio still works, with more client CPU per request
        use_uvloop = False
    result = uvloop.run(runner(job)) if use_uvloop else asyncio.run(runner(job))
    result["uvloop"] = use_uvloop
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
