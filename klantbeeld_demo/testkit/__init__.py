"""Contract-test kit: the façade on its simulated registers, for other projects' tests.

    from klantbeeld_demo.testkit import PERSONEN, run_facade

    with run_facade() as facade:              # or `async with run_facade() as facade:`
        facade.registers.fail("zaken", "503")
        answer = facade.klantbeeld(PERSONEN["hoofdpersoon"], doel="kcc-algemene-vraag")
        facade.heal()

The façade and the demo registers run on free loopback ports (127.0.0.1) in a
background thread with its own event loop, so `base_url` is a real HTTP URL that
any client can use — httpx, urllib, a browser, a JavaScript test runner — from
synchronous and asynchronous test code alike. pytest users get the fixtures
`klantbeeld_facade` (per test, healed before and after) and
`klantbeeld_facade_session` from `klantbeeld_demo.pytest_plugin`, registered
automatically when this package is installed. Without pytest:
`python -m klantbeeld_demo.testkit` serves the kit until interrupted.

Configuration: the demo configuration of this repository (`config/demo.toml`,
with its doelen, access rules and demo key), found next to the `klantbeeld_demo` package
(a git checkout or an editable install). `config/` is not part of a built
wheel, so with any other install pass `config=` (or set
`KLANTBEELD_TESTKIT_CONFIG`, or the pytest option `--klantbeeld-config`) to a
checkout's `config/demo.toml` or to a copy of it. The kit refuses to start
otherwise, rather than test against policies that differ from the façade's. Only
`mode = "demo"` configurations whose registers all point at `{demo_registers}`
are accepted: the kit never talks to a real register.

Nothing is logged with a URL: neither server writes an access log, and the
façade's own log lines carry the path only. The protocollering (the real file
sink, pseudonymised) goes to a temporary file that `audit_records()` reads.
"""

from klantbeeld_demo.registers import (
    BSN_ALLEEN_BRP,
    BSN_ALLEEN_KLANTINTERACTIES,
    BSN_BUITENLAND,
    BSN_BUURMAN,
    BSN_GEHEIM,
    BSN_HOOFDPERSOON,
    BSN_ONBEKEND_IN_BRP,
    BSN_OVERLEDEN,
    BSN_PARTNER,
    BSN_VEEL_ZAKEN,
)
from klantbeeld_demo.testkit.config import CONFIG_ENV, TestkitError, find_demo_config
from klantbeeld_demo.testkit.handles import RegistersHandle, RunningFacade
from klantbeeld_demo.testkit.persons import BSN_ONBEKEND, FAULTS, ONDERNEMERS, PERSONEN
from klantbeeld_demo.testkit.run import run_facade

__all__ = [
    "BSN_ALLEEN_BRP",
    "BSN_ALLEEN_KLANTINTERACTIES",
    "BSN_BUITENLAND",
    "BSN_BUURMAN",
    "BSN_GEHEIM",
    "BSN_HOOFDPERSOON",
    "BSN_ONBEKEND",
    "BSN_ONBEKEND_IN_BRP",
    "BSN_OVERLEDEN",
    "BSN_PARTNER",
    "BSN_VEEL_ZAKEN",
    "CONFIG_ENV",
    "FAULTS",
    "ONDERNEMERS",
    "PERSONEN",
    "RegistersHandle",
    "RunningFacade",
    "TestkitError",
    "find_demo_config",
    "run_facade",
]
