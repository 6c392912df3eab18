"""Deprecated: the contract-test kit moved to `klantbeeld_demo.testkit`.

This re-export stays for one release, then goes. Importing it warns
(`DeprecationWarning`); the names are the same objects as in the new place.

    from klantbeeld_demo.testkit import PERSONEN, run_facade    # was: from facade.testkit import …

The pytest fixtures need no import either way (entry point `pytest11: klantbeeld`, now
`klantbeeld_demo.pytest_plugin`). It is the only module of `facade` that imports
`klantbeeld_demo` at module level (tests/architecture/test_imports.py); nothing else
of `facade` imports this one.
"""

import warnings

from klantbeeld_demo import testkit as _kit
from klantbeeld_demo.testkit import *  # noqa: F403  (the kit's own __all__, one list)

warnings.warn(
    "facade.testkit is deprecated and will be removed in the next release: import from "
    "klantbeeld_demo.testkit instead (same names)",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = list(_kit.__all__)
