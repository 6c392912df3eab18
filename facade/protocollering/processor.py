"""The span processor that waits for the sink: no response without its record.

OpenTelemetry's SimpleSpanProcessor exports synchronously but throws the
exporter's result away, and the BatchSpanProcessor drops spans under pressure;
neither can tell a request that its record is safe. This processor hands the
records of one klantbeeld (the processing span and its audit span) to the sink
as one batch, on the event loop, and lets the request await the outcome.

A correction (an audit span with `klantbeeld.correctie_van`, made after its
processing span ended) is written on its own, after the write it corrects has
ended either way, so a reader that takes a processing's last record reads the
truth; it is retried in the background until it is confirmed or the sink closes.
"""

from __future__ import annotations

import asyncio
import logging

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.trace import Span as ApiSpan

from facade.protocollering.attributes import CORRECTION_OF
from facade.protocollering.sink import (
    AUDIT_SPAN,
    PERSON_SPAN,
    PROCESSING_SPAN,
    AuditSink,
    SinkError,
)

log = logging.getLogger(__name__)

# Between attempts to write a correction: short at first, never more than a minute.
_RETRY_DELAYS = (0.1, 0.5, 2.0, 10.0, 60.0)


class ConfirmingSpanProcessor(SpanProcessor):
    def __init__(self, sink: AuditSink) -> None:
        self.sink = sink
        self._audit: dict[int, list[ReadableSpan]] = {}
        self._writes: dict[int, asyncio.Task[None]] = {}
        self._corrections: set[asyncio.Task[None]] = set()
        self._by_span: dict[int, asyncio.Task[None]] = {}

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        return None

    def on_end(self, span: ReadableSpan) -> None:
        # Called from span.end(), on the event loop thread of the request.
        if span.name == AUDIT_SPAN and span.parent is not None:
            if (span.attributes or {}).get(CORRECTION_OF):
                self._correct(span)
                return
            self._audit.setdefault(span.parent.span_id, []).append(span)
            return
        if span.name == PERSON_SPAN and span.parent is not None:
            self._audit.setdefault(span.parent.span_id, []).append(span)
            return
        if span.name != PROCESSING_SPAN:
            return
        span_id = span.get_span_context().span_id
        batch = [span, *self._audit.pop(span_id, [])]
        task = asyncio.get_running_loop().create_task(self.sink.write(batch))
        # A write that outlives its request still has its outcome retrieved.
        task.add_done_callback(_consume)
        self._writes[span_id] = task

    def write_of(self, span: ApiSpan) -> asyncio.Task[None] | None:
        """The write of this processing span's batch (once: the caller owns it then)."""
        return self._writes.pop(span.get_span_context().span_id, None)

    async def confirmed(self, task: asyncio.Task[None] | None, timeout: float) -> None:
        """Wait until the sink confirmed this write; SinkError if it did not in time."""
        if task is None:
            raise SinkError("no record was written for this processing")
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout)
        except TimeoutError:
            raise SinkError(f"the {self.sink.name} sink did not confirm in time") from None
        except SinkError:
            raise
        except Exception as exc:
            raise SinkError(f"the {self.sink.name} sink failed: {type(exc).__name__}") from None

    def correct(self, after: asyncio.Task[None] | None) -> None:
        """The next correction span waits for this write (see `_correct`)."""
        self._after = after

    def _correct(self, span: ReadableSpan) -> None:
        after, self._after = getattr(self, "_after", None), None
        task = asyncio.get_running_loop().create_task(self._write_correction(span, after))
        self._corrections.add(task)
        task.add_done_callback(self._corrections.discard)
        task.add_done_callback(_consume)
        span_id = span.get_span_context().span_id
        self._by_span[span_id] = task
        task.add_done_callback(lambda _: self._by_span.pop(span_id, None))

    def correction_of(self, span: ApiSpan) -> asyncio.Task[None] | None:
        """The (retrying) write of this correction span, to wait for its confirmation."""
        return self._by_span.get(span.get_span_context().span_id)

    async def _write_correction(self, span: ReadableSpan, after: asyncio.Task[None] | None) -> None:
        if after is not None:
            await asyncio.wait({after})
        for delay in (*_RETRY_DELAYS, None):
            try:
                await self.sink.write([span])
                return
            except Exception as exc:
                log.error("correction not confirmed", extra={"error": type(exc).__name__})
                if delay is None:
                    raise SinkError("the correction was never confirmed") from None
                await asyncio.sleep(delay)

    async def drain(self, timeout: float) -> None:
        """Give pending corrections `timeout` seconds to land (at shutdown)."""
        if self._corrections:
            await asyncio.wait(set(self._corrections), timeout=timeout)

    def shutdown(self) -> None:
        return None

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


def _consume(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()
