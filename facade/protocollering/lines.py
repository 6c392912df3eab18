"""JSON-lines sinks: a file (written and fsync'ed) or standard output (written).

Writes are group-committed: requests that arrive while a write is in progress
share the next one, so under load many records cost one fsync, and a slow disk
slows requests down instead of losing records.

Several worker processes (`klantbeeld serve --workers N`) write to one file or
one standard output. Nothing in the kernel keeps their records whole: PIPE_BUF
(4096 bytes on Linux) makes a write atomic on a pipe only, and an audit record
alone is up to ~5 KB, a batch many of them; on a file, O_APPEND places each
write() at the end, but one batch may take several write() calls (a short write
when the disk is nearly full, or a signal), and NFS does not append atomically
at all. Between two of those calls another worker's record could land, and a
logboek with a line cut in two is a logboek the privacy officer (FG) cannot
trust. So a `shared` sink takes an exclusive POSIX lock (fcntl.lockf, whole
file; it also locks a pipe, across processes) for each batch: a batch is then
contiguous whatever the kernel does with its write() calls, in one logboek in
one place, as with one worker. One worker (`shared` False) takes no lock, as
before. An output that cannot be locked refuses start-up (`lock_problem`), and a
lock that fails later fails the write: no answer without a whole record.
"""

from __future__ import annotations

import asyncio
import fcntl
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


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _lock(fd: int) -> None:
    """Exclusive, whole file (start 0, to the end and beyond), waiting for other workers."""
    fcntl.lockf(fd, fcntl.LOCK_EX, 0, 0, os.SEEK_SET)


def _unlock(fd: int) -> None:
    fcntl.lockf(fd, fcntl.LOCK_UN, 0, 0, os.SEEK_SET)


class FileSink(_GroupCommitSink):
    """Appends to a file; confirmed means written and fsync'ed.

    `shared`: other processes append to the same file (several workers); each
    batch is written under a lock (see the module's docstring).
    """

    name = "file"

    def __init__(self, path: Path, *, shared: bool = False) -> None:
        super().__init__()
        self.path = path
        self.shared = shared

    def _persist(self, data: bytes) -> None:
        fd = self._open()
        try:
            if self.shared:
                _lock(fd)
                try:
                    _write_all(fd, data)
                finally:
                    # Before the fsync: the batch is whole in the file once written;
                    # the fsync (which may take long) need not hold the other workers.
                    _unlock(fd)
            else:
                _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)

    def _open(self) -> int:
        # Opened per batch: a rotated or removed file is recreated, not written into the void.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def lock_problem(self) -> str | None:
        """Why the file cannot be locked (NFS without a lock service, say), or None.

        Creates nothing: a file not there yet is first locked by its first write
        (which fails, and answers 503, if it cannot be); a file that cannot be opened
        is /readyz's business, as with one worker."""
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        except OSError:
            return None
        try:
            _lock(fd)
            _unlock(fd)
        except OSError as exc:
            return f"{self.path} cannot be locked ({exc.strerror})"
        finally:
            os.close(fd)
        return None

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

    def __init__(self, stream: object = None, *, shared: bool = False) -> None:
        super().__init__()
        self._stream = stream
        # Other processes (several workers) write to the same standard output:
        # each batch under a lock on it (see the module's docstring).
        self.shared = shared

    def _persist(self, data: bytes) -> None:
        stream = self._stream or sys.stdout
        if not self.shared:
            self._emit(stream, data)
            return
        fd = stream.fileno()  # type: ignore[attr-defined]
        _lock(fd)
        try:
            self._emit(stream, data)  # flushed: every byte reached the fd under the lock
        finally:
            _unlock(fd)

    @staticmethod
    def _emit(stream: object, data: bytes) -> None:
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            buffer.write(data)
        else:
            stream.write(data.decode())  # type: ignore[attr-defined]
        stream.flush()  # type: ignore[attr-defined]

    def lock_problem(self) -> str | None:
        """Why standard output cannot be locked, or None."""
        stream = self._stream or sys.stdout
        try:
            fd = stream.fileno()  # type: ignore[attr-defined]
            _lock(fd)
            _unlock(fd)
        except (OSError, AttributeError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            return f"standard output cannot be locked ({reason})"
        return None
