"""What a protocollering sink is: it stores finished spans and says when it has.

A sink receives the records of one klantbeeld as one batch: the Logboek
Dataverwerkingen span and its audit span (a search adds one `klantbeeld persoon`
span per person it received). `write` returns only when the records
are as durable as that sink can make them, and raises `SinkError` otherwise.
The façade answers only after `write` returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from opentelemetry.sdk.trace import ReadableSpan

# Span names on the protocollering TracerProvider.
PROCESSING_SPAN = "klantbeeld opvragen"
AUDIT_SPAN = "klantbeeld audit"
# A search's processing: one child per person it received, each with its own data subject.
PERSON_SPAN = "klantbeeld persoon"


class SinkError(Exception):
    """The sink did not confirm. The message is for operators: no personal data in it."""


class AuditSink(Protocol):
    name: str

    async def write(self, spans: Sequence[ReadableSpan]) -> None:
        """Store the batch (processing span first, then its children) durably, or raise."""
        ...

    async def ready(self) -> bool:
        """Cheap health check for /readyz; never sends personal data."""
        ...

    async def aclose(self) -> None: ...
