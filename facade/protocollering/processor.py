"""The span processor that waits for the sink: no response without its record.

OpenTelemetry's SimpleSpanProcessor exports synchronously but throws the
exporter's result away, and the BatchSpanProcessor drops spans under pressure;
neither can tell a request that its record is safe. This processor hands the
records of one klantbeeld (the processing span and its audit span) to the sink
as one batch, on the event loop, and lets the request await the outcome.
"""

from __future__ import annotations

import asyncio

from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.trace import Span as ApiSpan

from facade.protocollering.sink import AUDIT_SPAN, PROCESSING_SPAN, AuditSink, SinkError


class ConfirmingSpanProcessor(SpanProcessor):
    def __init__(self, sink: AuditSink) -> None:
        self.sink = sink
        self._audit: dict[int, list[ReadableSpan]] = {}
        self._writes: dict[int, asyncio.Task[None]] = {}

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        return None

    def on_end(self, span: ReadableSpan) -> None:
        # Called from span.end(), on the event loop thread of the request.
        if span.name == AUDIT_SPAN and span.parent is not None:
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

    async def confirmed(self, span: ApiSpan, timeout: float) -> None:
        """Wait until the sink confirmed this span's batch; SinkError if it did not in time."""
        task = self._writes.pop(span.get_span_context().span_id, None)
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

    def shutdown(self) -> None:
        return None

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


def _consume(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()
