"""A consumer needs no conftest: installing klantbeeld-facade registers the fixtures
(entry point `pytest11: klantbeeld`). This one only keeps this folder working in a
virtualenv installed before that entry point existed (re-run `pip install -e .`)."""

from __future__ import annotations

import pytest

import klantbeeld_demo.pytest_plugin


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.is_registered(klantbeeld_demo.pytest_plugin):
        config.pluginmanager.register(
            klantbeeld_demo.pytest_plugin, "klantbeeld_demo.pytest_plugin"
        )
