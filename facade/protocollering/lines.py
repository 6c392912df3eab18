"""JSON-lines sinks: a file (written and fsync'ed) or standard output (written).

Writes are group-committed: requests that arrive while a write is in progress
share the next one, so under load many records cost one fsync, and a slow disk
slows requests down instead of losing records.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from opentelemetry.sdk.trace import ReadableSpan

from facade.protocollering.records import json_line
from facade.protocollering.sink import SinkError


class _GroupCommitSink:
    name = "lines"

    def __init__(self) -> None:
        self._pending: list[tuple[bytes, asyncio.Future[None]]] = []
        self._wake: asyncio.Event | None = None
        self._writer: asyncio.Task[None] | None = None
        self._healthy = True

    async def write(self, spans: Sequence[ReadableSpan]) -> None:
        data = b"".join(json_line(span) for span in spans)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((data, done))
        self._ensure_writer().set()
        await done

    async def ready(self) -> bool:
        return self._healthy and self._can_write()

    async def aclose(self) -> None:
        if self._writer is not None:
            self._writer.cancel()

    def _ensure_writer(self) -> asyncio.Event:
        if self._wake is None or self._writer is None or self._writer.done():
            self._wake = asyncio.Event()
            self._writer = asyncio.get_running_loop().create_task(self._run(self._wake))
        return self._wake

    async def _run(self, wake: asyncio.Event) -> None:
        while True:
            await wake.wait()
            wake.clear()
            batch, self._pending = self._pending, []
            if not batch:
                continue
            try:
                # In a thread: a write or fsync must never block the event loop.
                await asyncio.to_thread(self._persist, b"".join(data for data, _ in batch))
            except OSError as exc:
                self._healthy = False
                error = SinkError(f"the {self.name} sink could not write: {exc.strerror}")
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                continue
            self._healthy = True
            for _, done in batch:
                if not done.done():
                    done.set_result(None)

    def _persist(self, data: bytes) -> None:
        raise NotImplementedError

    def _can_write(self) -> bool:
        return True


class FileSink(_GroupCommitSink):
    """Appends to a file; confirmed means written and fsync'ed."""

    name = "file"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def _persist(self, data: bytes) -> None:
        # Opened per batch: a rotated or removed file is recreated, not written into the void.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)

    def _can_write(self) -> bool:
        if self.path.exists():
            return os.access(self.path, os.W_OK)
        parent = next((p for p in self.path.parents if p.exists()), None)
        return parent is not None and os.access(parent, os.W_OK)


class StdoutSink(_GroupCommitSink):
    """Writes to standard output; confirmed means the write returned.

    Durability is then the platform's log collector's job (see README).
    """

    name = "stdout"

    def __init__(self, stream: object = None) -> None:
        super().__init__()
        self._stream = stream

    def _persist(self, data: bytes) -> None:
        stream = self._stream or sys.stdout
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            buffer.write(data)
        else:
            stream.write(data.decode())  # type: ignore[attr-defined]
        stream.flush()  # type: ignore[attr-defined]
