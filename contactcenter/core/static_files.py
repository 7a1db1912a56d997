"""WhiteNoise that can sit in Django's async middleware chain.

WhiteNoise's middleware is synchronous only; under ASGI one sync middleware makes Django hop
between threads around every middleware below it on every request. This subclass serves static
files the same way but passes every other request straight down the async chain, and hands the
file to the server as an asynchronous stream, read in a worker thread a block at a time (given
WhiteNoise's synchronous file iterator, Django's ASGI handler warned on every file and read it
whole into memory first).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        super().__init__(get_response)
        self._is_async = iscoroutinefunction(get_response)
        if self._is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self._is_async:
            return self._acall(request)
        return super().__call__(request)

    async def _acall(self, request):
        if self.autorefresh:
            static_file = await sync_to_async(self.find_file)(request.path_info)
        else:
            static_file = self.files.get(request.path_info)
        if static_file is not None:
            response = await sync_to_async(self.serve, thread_sensitive=False)(static_file, request)
            if response.streaming and not response.is_async:
                response.streaming_content = _read_in_thread(iter(response.streaming_content))
            return response
        return await self.get_response(request)


async def _read_in_thread(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    read = sync_to_async(lambda: next(chunks, None), thread_sensitive=False)
    while (chunk := await read()) is not None:
        yield chunk
