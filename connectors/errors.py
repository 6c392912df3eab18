"""What can go wrong when a register is asked something.

Messages here end up in `bronnen[].probleem` and in logs, so they never carry a
URL, a query string or anything from the request that could hold a BSN.
"""

from __future__ import annotations


class UpstreamError(Exception):
    """A register did not give a usable answer: its section becomes `fout`."""

    status = "fout"

    def __init__(
        self,
        title: str,
        *,
        upstream_status: int | None = None,
        code: str | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(title)
        self.title = title
        self.upstream_status = upstream_status
        self.code = code
        self.retryable = retryable
        # Seconds the register asked us to wait (429/503 `Retry-After`).
        self.retry_after = retry_after

    def problem(self) -> dict[str, object]:
        """The problem detail shown in `bronnen`: status and code, never a URL."""
        problem: dict[str, object] = {"title": self.title}
        if self.upstream_status is not None:
            problem["status"] = self.upstream_status
        if self.code:
            problem["code"] = self.code
        return problem


class UpstreamTimeout(UpstreamError):
    """A register did not answer within its deadline: its section becomes `timeout`."""

    status = "timeout"

    def __init__(self, title: str = "Het register antwoordde niet binnen de termijn.") -> None:
        super().__init__(title, code="timeout", retryable=False)


def first_upstream_error(failures: BaseExceptionGroup[BaseException]) -> BaseException:
    """The error to report from a task group's failures: the first UpstreamError.

    A connector fans out in an `asyncio.TaskGroup`, which wraps failures in an
    ExceptionGroup; the façade wants the one register error that ended the
    lookup. Anything else (a bug) comes back as the group itself.
    """
    for failure in failures.exceptions:
        if isinstance(failure, BaseExceptionGroup):
            failure = first_upstream_error(failure)
        if isinstance(failure, UpstreamError):
            return failure
    return failures
