"""No query string and no BSN in any log record, from any logger.

ZGW requests carry the BSN in the query string, and httpx logs every request
URL at INFO; uvicorn and aiohttp log URLs too. So redaction happens at the
source: a filter on each of those LOGGER objects (which runs before any
handler, pytest's caplog included) strips query strings and replaces anything
that passes the elfproef (separators too) with `[bsn]`; the root handler runs
the same filter over every other record.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from facade.bsn import mask_bsns, passes_elfproef

# Loggers of libraries that log URLs. A logger-level filter only sees records
# logged by that very logger, not its children, so each is named.
REDACTED_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "aiohttp",
    "aiohttp.client",
    "aiohttp.access",
    "aiohttp.internal",
    "aiohttp.server",
    "uvicorn",
    "uvicorn.error",
    "uvicorn.access",
    "uvicorn.asgi",
)

# A URL (scheme://host[/path]) or a bare absolute path, followed by its query.
_URL_QUERY = re.compile(
    r"""((?:\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s/?#"'<>]+(?:/[^\s?#"'<>]*)?)"""
    r"""|(?:(?<![^\s"'(\[=<])/[^\s?#"'<>]*))\?[^\s"'<>#]*"""
)
BSN_MARK = "[bsn]"
# The KvK API's paths hold a kvkNummer (8 digits; an eenmanszaak's names a person) or a
# vestigingsnummer (12): a path segment of either length is masked.
_KVK_SEGMENT = re.compile(r"(?<=/)[0-9]{8}(?=[/\s\"'<>#]|$)")
_VESTIGING_SEGMENT = re.compile(r"(?<=/)[0-9]{12}(?=[/\s\"'<>#]|$)")


def redact_text(text: str) -> str:
    """`text` without query strings on URLs and paths, with every BSN as `[bsn]` and
    every kvkNummer or vestigingsnummer in a path masked."""
    # Separated too: a path like /api/v1/klantbeeld/999-99-0081 is a BSN all the same.
    text = mask_bsns(_URL_QUERY.sub(r"\1", text), BSN_MARK)
    text = _KVK_SEGMENT.sub("[kvkNummer]", text)
    return _VESTIGING_SEGMENT.sub("[vestigingsnummer]", text)


def _redact_arg(arg: object) -> object:
    if arg is None or isinstance(arg, bool | float):
        return arg
    if isinstance(arg, int):
        # Kept an int for `%d`; a BSN as a number makes the whole message render below.
        return BSN_MARK if passes_elfproef(str(arg)) else arg
    # httpx.URL, yarl.URL, exceptions, …: their text is what a formatter would show.
    return redact_text(arg if isinstance(arg, str) else str(arg))


class RedactionFilter(logging.Filter):
    """Rewrites a record in place so that no handler can show a query string or a BSN.

    It never drops a record. Arguments keep their position where possible
    (uvicorn's access formatter unpacks `record.args`); when the redacted
    arguments no longer fit the format, the message is rendered and redacted
    whole. An unrenderable record loses its arguments: logging's own error
    report would print them verbatim.
    """

    _DONE = "_klantbeeld_redacted"

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, self._DONE, False):
            return True
        record.msg, record.args = _redact_message(record.msg, record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        setattr(record, self._DONE, True)
        return True


def _redact_message(msg: object, args: Any) -> tuple[str, Any]:
    if not args:
        return redact_text(str(msg)), args
    if isinstance(args, Mapping):
        safe_args: Any = {key: _redact_arg(value) for key, value in args.items()}
    else:
        safe_args = tuple(_redact_arg(arg) for arg in args)
    safe_msg = redact_text(str(msg))
    try:
        safe_msg % safe_args
        return safe_msg, safe_args
    except (TypeError, ValueError, KeyError):
        pass
    try:
        return redact_text(str(msg) % args), ()
    except Exception:
        return safe_msg, ()


_FILTER = RedactionFilter()
# Set on the root handler that setup_logging installs, so redaction finds it again.
HANDLER_MARK = "_klantbeeld_handler"


def install_redaction() -> None:
    """Attach the redaction filter to the URL-logging loggers and our root handler.

    Idempotent and cheap: safe at import or app-creation time.
    """
    for name in REDACTED_LOGGERS:
        _attach(logging.getLogger(name))
    for handler in logging.getLogger().handlers:
        if getattr(handler, HANDLER_MARK, False):
            _attach(handler)


def _attach(target: logging.Filterer) -> None:
    if not any(isinstance(f, RedactionFilter) for f in target.filters):
        target.addFilter(_FILTER)
