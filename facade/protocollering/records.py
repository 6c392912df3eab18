"""A finished span as one JSON object: the stable record format of the file and stdout sinks.

Field names follow the Logboek Dataverwerkingen interface (`trace_id`,
`span_id`, `parent_span_id`, `name`, `start_time`, `end_time`, `status_code`,
`attributes`, `resource`); `record` says which of the two records it is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from opentelemetry.sdk.trace import ReadableSpan

from facade.protocollering.sink import AUDIT_SPAN


def span_record(span: ReadableSpan) -> dict[str, Any]:
    context = span.get_span_context()
    parent = span.parent
    return {
        "record": "audit" if span.name == AUDIT_SPAN else "dataverwerking",
        "trace_id": f"{context.trace_id:032x}",
        "span_id": f"{context.span_id:016x}",
        "parent_span_id": f"{parent.span_id:016x}" if parent is not None else None,
        "name": span.name,
        "start_time": _time(span.start_time),
        "end_time": _time(span.end_time),
        "status_code": span.status.status_code.name,
        "attributes": {k: _plain(v) for k, v in (span.attributes or {}).items()},
        "resource": {k: _plain(v) for k, v in span.resource.attributes.items()},
    }


def json_line(span: ReadableSpan) -> bytes:
    # One line, keys sorted, UTF-8 as written (no \u escapes), no spaces between tokens.
    return orjson.dumps(span_record(span), option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)


def _time(nanos: int | None) -> str | None:
    if nanos is None:
        return None
    moment = datetime.fromtimestamp(nanos / 1e9, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
