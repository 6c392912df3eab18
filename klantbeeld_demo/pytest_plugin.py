"""pytest fixtures of the contract-test kit (klantbeeld_demo.testkit).

Registered automatically (entry point `pytest11: klantbeeld`) when the
klantbeeld-facade package is installed; with plugin autoloading off, use
`pytest -p klantbeeld` (or `-p klantbeeld_demo.pytest_plugin`).

    def test_zaken_down(klantbeeld_facade):
        klantbeeld_facade.registers.fail("zaken", "503")
        view = klantbeeld_facade.klantbeeld(klantbeeld_facade.PERSONEN["hoofdpersoon"]).json()

- `klantbeeld_facade`: per test; one running façade shared by the session,
  healed (faults, latency, circuit breakers) before and after each test, and its
  `audit_records()` showing only that test's records.
- `klantbeeld_facade_session`: the same façade without the healing.

`--klantbeeld-config FILE` (or the ini option `klantbeeld_config`, or
$KLANTBEELD_TESTKIT_CONFIG) chooses the demo configuration; `--klantbeeld-today
JJJJ-MM-DD` (or the ini option `klantbeeld_today`) pins the kit's calendar.

This module is only imported by pytest; klantbeeld_demo.testkit itself does not need
pytest (`python -m klantbeeld_demo.testkit` runs the kit as a server).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

try:
    import pytest
except ImportError as exc:  # pragma: no cover - only reached outside pytest
    raise ImportError(
        "klantbeeld_demo.pytest_plugin is a pytest plugin and needs pytest "
        "(pip install 'klantbeeld-facade[test]'); "
        "without pytest use klantbeeld_demo.testkit.run_facade"
    ) from exc

if TYPE_CHECKING:
    from klantbeeld_demo.testkit import RunningFacade


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("klantbeeld", "klantbeeld façade contract-test kit")
    group.addoption(
        "--klantbeeld-config",
        dest="klantbeeld_config",
        default=None,
        help="demo configuration for the klantbeeld_facade fixture (default: the façade's own)",
    )
    parser.addini("klantbeeld_config", "demo configuration for the klantbeeld_facade fixture")
    group.addoption(
        "--klantbeeld-today",
        dest="klantbeeld_today",
        default=None,
        help="the kit's today, JJJJ-MM-DD (default: today in Europe/Amsterdam)",
    )
    parser.addini("klantbeeld_today", "the kit's today, JJJJ-MM-DD")


@pytest.fixture(scope="session")
def klantbeeld_facade_session(pytestconfig: pytest.Config) -> Iterator[RunningFacade]:
    """One façade on the demo registers for the whole session (not healed between tests)."""
    # Imported here: loading the plugin costs a consumer's pytest nothing until used.
    from klantbeeld_demo.testkit import run_facade

    config: str | Path | None = pytestconfig.getoption("klantbeeld_config")
    ini = pytestconfig.getini("klantbeeld_config")
    if not config and ini:
        config = Path(ini)
        if not config.is_absolute() and pytestconfig.inipath is not None:
            config = pytestconfig.inipath.parent / config  # relative to the ini file
    from facade.clock import parse_today

    today = pytestconfig.getoption("klantbeeld_today") or pytestconfig.getini("klantbeeld_today")
    pinned = parse_today(today, "--klantbeeld-today") if today else None
    with run_facade(config or None, today=pinned) as facade:
        yield facade


@pytest.fixture
def klantbeeld_facade(klantbeeld_facade_session: RunningFacade) -> Iterator[RunningFacade]:
    """The session's façade, healed before and after this test; audit_records() are this
    test's."""
    klantbeeld_facade_session.reset()
    try:
        yield klantbeeld_facade_session
    finally:
        klantbeeld_facade_session.heal()
