"""The record of one klantbeeld, from the first check to the confirmed write.

`AuditTrail.start()` opens the Logboek Dataverwerkingen span as soon as the
caller is authenticated (refusals are processings too), continuing the inbound
W3C `traceparent`. The request fills it in as it learns things (the person, as
a pseudonym; the doel; the registers consulted; the field paths delivered) and
`finish()` closes it, adds the audit span and waits for the sink.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_ON
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from facade.protocollering import attributes as a
from facade.protocollering.processor import ConfirmingSpanProcessor
from facade.protocollering.pseudonym import Pseudonymizer
from facade.protocollering.sink import AUDIT_SPAN, PERSON_SPAN, PROCESSING_SPAN, AuditSink

_PROPAGATOR = TraceContextTextMapPropagator()


class AuditTrail:
    """A TracerProvider of its own: never sampled, never batched, never shared."""

    def __init__(
        self,
        sink: AuditSink,
        pseudonymizer: Pseudonymizer,
        *,
        deadline_seconds: float,
        resource: Resource | None = None,
    ) -> None:
        self.sink = sink
        self.pseudonymizer = pseudonymizer
        self.deadline = deadline_seconds
        # ALWAYS_ON ignores the inbound `sampled` flag: sampling is not allowed here.
        self.provider = TracerProvider(sampler=ALWAYS_ON, resource=resource or Resource.create())
        self.processor = ConfirmingSpanProcessor(sink)
        self.provider.add_span_processor(self.processor)
        self.tracer = self.provider.get_tracer("klantbeeld.protocollering")

    def start(self, headers: Mapping[str, str], *, client_id: str) -> Processing:
        """Open the processing span as a child of the current context.

        The current span is the request's (see facade.observability.AccessLog),
        which continues the inbound `traceparent`: one trace id for the caller,
        the operators' tracing and this record.
        """
        inbound = trace.get_current_span(_PROPAGATOR.extract(headers)).get_span_context()
        context = None
        if not trace.get_current_span().get_span_context().is_valid and inbound.is_valid:
            context = _PROPAGATOR.extract(headers)  # no request span: continue the inbound one
        span = self.tracer.start_span(PROCESSING_SPAN, context=context, kind=SpanKind.SERVER)
        if inbound.is_valid:
            # The caller's own operation, as the standard asks: dpl.core.foreign_operation.*
            span.set_attribute(a.FOREIGN_TRACE_ID, f"{inbound.trace_id:032x}")
            span.set_attribute(a.FOREIGN_SPAN_ID, f"{inbound.span_id:016x}")
            span.set_attribute(a.FOREIGN_PROCESSOR, client_id)
        return Processing(self, span)


@dataclass
class Processing:
    trail: AuditTrail
    span: Span
    audit: dict[str, object] = field(default_factory=dict)
    _error: tuple[str, str] | None = None
    _write: asyncio.Task[None] | None = None
    _audit_span_id: str = ""
    _activity: str = ""
    _persons: list[tuple[str, bool]] = field(default_factory=list)
    _shown: dict[str, str | list[str]] = field(default_factory=dict)

    @property
    def trace_id(self) -> str:
        return f"{self.span.get_span_context().trace_id:032x}"

    def subject(self, bsn: str, *, kvk_nummer: str | None = None) -> None:
        """The data subject, as a keyed pseudonym: never the BSN (or kvkNummer) itself.

        An ondernemer (`kvk_nummer`, `bsn` then ignored) is recorded as the business,
        also when one of its branches was asked: type `KvK-nummer`, `HMAC("KVK:"+nr)`.
        """
        pseudonymizer = self.trail.pseudonymizer
        if kvk_nummer is not None:
            self.span.set_attribute(a.DATA_SUBJECT_ID, pseudonymizer.pseudonym_kvk(kvk_nummer))
            self.span.set_attribute(a.DATA_SUBJECT_ID_TYPE, "KvK-nummer")
            self.span.set_attribute(a.DATA_SUBJECT_KEY_ID, pseudonymizer.key_id)
            return
        self.span.set_attribute(a.DATA_SUBJECT_ID, pseudonymizer.pseudonym(bsn))
        self.span.set_attribute(a.DATA_SUBJECT_ID_TYPE, "BSN")
        self.span.set_attribute(a.DATA_SUBJECT_KEY_ID, self.trail.pseudonymizer.key_id)

    def activity(self, verwerkingsactiviteit: str) -> None:
        self._activity = verwerkingsactiviteit
        self.span.set_attribute(a.PROCESSING_ACTIVITY_ID, verwerkingsactiviteit)

    def search(self, vorm: str) -> None:
        """A search: its shape goes on the audit record, its values nowhere."""
        self.audit[a.HANDELING] = "zoeken"
        self.audit[a.SEARCH_SHAPE] = vorm

    def found(self, bsns: Iterable[str], *, delivered: bool) -> None:
        """Persons a search received: each gets a child span with its own pseudonym.

        Called again, it adds the persons not yet named (a person named twice keeps
        the first call's `delivered`).
        """
        named = {bsn for bsn, _ in self._persons}
        self._persons += [(bsn, delivered) for bsn in dict.fromkeys(bsns) if bsn not in named]
        self.audit[a.FOUND] = len(self._persons)

    def caller(self, *, client_id: str, subject: str, issuer: str) -> None:
        self.audit.update(
            {a.CALLER_CLIENT_ID: client_id, a.CALLER_SUBJECT: subject, a.CALLER_ISSUER: issuer}
        )

    def stated(self, *, gebruiker: str | None, verwerking: str | None) -> None:
        if gebruiker:
            self.audit[a.STATED_USER] = gebruiker
        if verwerking:
            self.audit[a.STATED_PROCESSING] = verwerking

    def doel(
        self,
        *,
        doel_id: str,
        naam: str,
        grondslag: str,
        beleidsversie: str,
        afnemer: str = "",
        categorieen: Sequence[str] = (),
    ) -> None:
        self.audit.update(
            {a.DOEL: doel_id, a.DOEL_NAAM: naam, a.GRONDSLAG: grondslag,
             a.POLICY_VERSION: beleidsversie}
        )  # fmt: skip
        # On the processing span (and a search's person spans, which a logboek finds by
        # their own data subject): what a reader of the logboek (the inzage) shows.
        self._shown = {a.DOEL: doel_id}
        if afnemer:
            self._shown[a.AFNEMER] = afnemer
        if categorieen:
            self._shown[a.CATEGORIEEN] = list(categorieen)
        self.span.set_attributes(self._shown)

    def consent(self, url: str, uitbreiding: str, categorieen: Sequence[str] = ()) -> None:
        """A registered consent widened the view: the record names it as the grondslag used,
        and the categories are the widened doel's (what the logboek's reader shows)."""
        if categorieen:
            self._shown[a.CATEGORIEEN] = list(categorieen)
            self.span.set_attribute(a.CATEGORIEEN, list(categorieen))
        grondslag = self.audit.get(a.GRONDSLAG, "")
        self.audit.update(
            {
                a.TOESTEMMING: url,
                a.UITBREIDING: uitbreiding,
                a.GRONDSLAG: f"{grondslag}; toestemming van de betrokkene: {url}",
            }
        )

    def consulted(self, bronnen: Iterable[Mapping[str, object]]) -> None:
        self.audit[a.SOURCES] = [f"{b['bron']}={b['status']}" for b in bronnen]

    def delivered(self, paths: Iterable[str]) -> None:
        self.audit[a.FIELDS] = sorted(paths)

    def failed(self, kind: str, code: str) -> None:
        """Status Error per the standard: the kind of failure and a code, no personal data."""
        self._error = (kind, code)

    async def finish(self, http_status: int) -> None:
        """Close both spans and wait for the sink; raises SinkError when it does not confirm."""
        self.close(http_status)
        await self.trail.processor.confirmed(self._write, self.trail.deadline)

    def close(self, http_status: int) -> None:
        """Close both spans; the sink's write starts now and runs on without the request.

        For a klantbeeld that is cancelled: its record must land though nobody waits.
        """
        self.audit[a.HTTP_STATUS] = http_status
        self.audit[a.OUTCOME] = self._error[1] if self._error else "ok"
        context = trace.set_span_in_context(self.span)
        pseudonymizer = self.trail.pseudonymizer
        for bsn, delivered in self._persons:
            person = self.trail.tracer.start_span(PERSON_SPAN, context=context)
            person.set_attributes(
                {
                    a.PROCESSING_ACTIVITY_ID: self._activity,
                    a.DATA_SUBJECT_ID: pseudonymizer.pseudonym(bsn),
                    a.DATA_SUBJECT_ID_TYPE: "BSN",
                    a.DATA_SUBJECT_KEY_ID: pseudonymizer.key_id,
                    # Delivered only if the answer went out: a refused one delivered nobody.
                    a.DELIVERED: delivered and not self._error,
                    **self._shown,
                }
            )
            person.end()
        audit = self.trail.tracer.start_span(AUDIT_SPAN, context=context)
        audit.set_attributes(self.audit)  # type: ignore[arg-type]
        self._audit_span_id = f"{audit.get_span_context().span_id:016x}"
        audit.end()
        if self._error:
            kind, code = self._error
            self.span.set_attribute(a.EXCEPTION_TYPE, kind)
            self.span.set_attribute(a.EXCEPTION_MESSAGE, code)
            self.span.set_status(Status(StatusCode.ERROR, code))
        else:
            self.span.set_status(Status(StatusCode.OK))
        self.span.end()
        self._write = self.trail.processor.write_of(self.span)

    def streamed(self, allowed: Iterable[str]) -> None:
        """A stream's first record: what the doel may deliver (not yet what was delivered)."""
        self.audit[a.STREAM] = "begonnen"
        self.audit[a.ALLOWED] = sorted(allowed)

    def completed(
        self,
        http_status: int,
        code: str,
        delivered: Iterable[str],
        bronnen: Iterable[Mapping[str, object]],
    ) -> asyncio.Task[None] | None:
        """A stream's completion record, a later record of this processing: what was delivered.

        Retried in the background like a correction; the returned write is awaited by a
        stream that still has its client (`confirmed`), and left to land when it has not.
        """
        audit = {k: v for k, v in self.audit.items() if k != a.ALLOWED}
        audit.update(
            {
                a.HTTP_STATUS: http_status,
                a.OUTCOME: code,
                a.CORRECTION_OF: self._audit_span_id,
                a.STREAM: "voltooid" if code == "ok" else "afgebroken",
                a.FIELDS: sorted(delivered),
                a.SOURCES: [f"{b['bron']}={b['status']}" for b in bronnen],
            }
        )
        self.trail.processor.correct(self._write)
        span = self.trail.tracer.start_span(
            AUDIT_SPAN, context=trace.set_span_in_context(self.span)
        )
        span.set_attributes(audit)  # type: ignore[arg-type]
        span.end()
        return self.trail.processor.correction_of(span)

    async def confirmed(self, write: asyncio.Task[None] | None) -> None:
        """Wait for a later record's write, as long as a first record may take; SinkError else."""
        await self.trail.processor.confirmed(write, self.trail.deadline)

    def correct(self, http_status: int, code: str) -> None:
        """A later record of this processing: what the caller really got, nothing delivered.

        Written after the first record's write has ended, and retried until confirmed.
        """
        audit = {k: v for k, v in self.audit.items() if k != a.FIELDS}
        audit.update(
            {a.HTTP_STATUS: http_status, a.OUTCOME: code, a.CORRECTION_OF: self._audit_span_id}
        )
        self.trail.processor.correct(self._write)
        span = self.trail.tracer.start_span(
            AUDIT_SPAN, context=trace.set_span_in_context(self.span)
        )
        span.set_attributes(audit)  # type: ignore[arg-type]
        span.end()
