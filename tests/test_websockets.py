"""The ASGI application serves WebSockets through Channels, over a real uvicorn server."""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time

import pytest
import websockets


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def uvicorn_server(tmp_path_factory):
    port = free_port()
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path_factory.mktemp("var")),
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "contactcenter.settings",
    }
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "contactcenter.asgi:application",
         "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(process.stderr.read().decode())
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(timeout=10)


def test_websocket_route_answers_ping(uvicorn_server):
    async def talk():
        url = f"ws://127.0.0.1:{uvicorn_server}/ws/ping"
        async with websockets.connect(url, origin=f"http://127.0.0.1:{uvicorn_server}") as socket_:
            await socket_.send(json.dumps({"type": "ping"}))
            pong = json.loads(await socket_.recv())
            await socket_.send(json.dumps({"type": "nonsense"}))
            error = json.loads(await socket_.recv())
        return pong, error

    pong, error = asyncio.run(talk())
    assert pong == {"type": "pong"}
    assert error == {"type": "error", "code": "unknown_message"}


def test_websocket_from_another_site_is_refused(uvicorn_server):
    async def talk():
        url = f"ws://127.0.0.1:{uvicorn_server}/ws/ping"
        async with websockets.connect(url, origin="https://evil.example") as socket_:
            await socket_.recv()

    with pytest.raises(websockets.exceptions.InvalidStatus):
        asyncio.run(talk())
