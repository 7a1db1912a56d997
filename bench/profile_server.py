"""The product's ASGI server under cProfile, every thread included, for ``--profile`` runs.

``contactcenter serve`` starts uvicorn with ``contactcenter.asgi:application``; this starts the
same application with the same uvicorn options in-process so a profiler can watch it. Django
runs sync views and sync middleware hooks in asgiref's executor threads, which a plain
``python -m cProfile`` would miss, so each new thread gets a profiler of its own and the
statistics are merged when the server stops (SIGINT).

Usage (with the benchmark's environment): ``python bench/profile_server.py PORT OUT.pstats``

With ``BENCH_PROFILE_CLOCK=cpu`` each thread is timed by its own CPU clock instead of the wall
clock: waits vanish from the figures and another busy process on the machine no longer inflates
them, so the shares of a turn's own work can be read on a shared machine.
"""

from __future__ import annotations

import cProfile
import os
import sys
import threading
import time


def main() -> None:
    port, out = int(sys.argv[1]), sys.argv[2]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contactcenter.settings")
    cpu_clock = os.environ.get("BENCH_PROFILE_CLOCK") == "cpu"

    def new_profiler() -> cProfile.Profile:
        return cProfile.Profile(time.thread_time) if cpu_clock else cProfile.Profile()

    profilers: list[cProfile.Profile] = []
    lock = threading.Lock()

    def profile_this_thread(*_: object) -> None:
        # Called once, as the new thread's first profile event; enable() replaces this hook.
        profiler = new_profiler()
        with lock:
            profilers.append(profiler)
        profiler.enable()

    threading.setprofile(profile_this_thread)
    main_profiler = new_profiler()
    profilers.append(main_profiler)

    import uvicorn

    config = uvicorn.Config(
        "contactcenter.asgi:application",
        host="127.0.0.1",
        port=port,
        access_log=False,
        lifespan="off",
    )
    main_profiler.enable()
    try:
        uvicorn.Server(config).run()
    finally:
        main_profiler.disable()
        threading.setprofile(None)
        import pstats

        with lock:
            stats = pstats.Stats(profilers[0])
            for profiler in profilers[1:]:
                profiler.create_stats()
                stats.add(profiler)
        stats.dump_stats(out)


if __name__ == "__main__":
    main()
