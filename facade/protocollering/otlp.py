"""OTLP/HTTP to an OpenTelemetry Collector; confirmed means HTTP 2xx and no rejected spans.

The SDK's OTLPSpanExporter is blocking and reports only success or failure; this
sink sends the same protobuf (encoded by the OTLP exporter package's own
encoder) over the façade's async HTTP client and reads the collector's
`partial_success` answer, so a collector that drops part of a batch is a failure.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import httpx
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.sdk.trace import ReadableSpan

from facade.protocollering.sink import SinkError

PROTOBUF = "application/x-protobuf"
# Long enough for a load balancer to see it; short enough that a collector that is
# healthy again gets traffic back without a restart.
FAILED_WRITE_UNREADY_SECONDS = 30.0


class OtlpSink:
    name = "otlp"

    def __init__(
        self, endpoint: str, client: httpx.AsyncClient, headers: dict[str, str] | None = None
    ) -> None:
        self.endpoint = endpoint
        self.client = client
        self.headers = {"Content-Type": PROTOBUF, **(headers or {})}
        self._failed_at: float | None = None

    async def write(self, spans: Sequence[ReadableSpan]) -> None:
        body = encode_spans(spans).SerializeToString()
        try:
            response = await self.client.post(self.endpoint, content=body, headers=self.headers)
        except httpx.HTTPError as exc:
            raise self._failed(f"the otlp sink is unreachable: {type(exc).__name__}") from None
        if not 200 <= response.status_code < 300:
            raise self._failed(f"the otlp sink answered HTTP {response.status_code}")
        rejected = _rejected_spans(response)
        if rejected is None:
            raise self._failed("the otlp sink gave an unreadable answer")
        if rejected:
            raise self._failed(f"the otlp sink rejected {rejected} span(s)")
        self._failed_at = None

    def _failed(self, reason: str) -> SinkError:
        self._failed_at = time.monotonic()  # ready() says no for a while
        return SinkError(reason)

    async def ready(self) -> bool:
        """Not after a failed write (a collector that rejects spans still answers an empty
        export), for FAILED_WRITE_UNREADY_SECONDS; else an empty export request: valid
        OTLP, no data, answers whether the collector is up. The next write confirms."""
        failed_at = self._failed_at
        if failed_at is not None and time.monotonic() - failed_at < FAILED_WRITE_UNREADY_SECONDS:
            return False
        try:
            response = await self.client.post(
                self.endpoint,
                content=ExportTraceServiceRequest().SerializeToString(),
                headers=self.headers,
                timeout=2.0,
            )
        except httpx.HTTPError:
            return False
        return 200 <= response.status_code < 300

    async def aclose(self) -> None:
        await self.client.aclose()


def _rejected_spans(response: httpx.Response) -> int | None:
    if not response.content or PROTOBUF not in response.headers.get("content-type", ""):
        return 0
    answer = ExportTraceServiceResponse()
    try:
        answer.ParseFromString(response.content)
    except Exception:  # a garbled answer is no confirmation
        return None
    return answer.partial_success.rejected_spans
