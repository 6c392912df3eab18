"""Logging is process-wide: every test here gets the root logger back as it found it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

BSN = "999993653"  # a test BSN that passes the elfproef
NOT_A_BSN = "123456789"  # nine digits that fail it


@pytest.fixture(autouse=True)
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
