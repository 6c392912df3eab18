"""Deprecated: `python -m facade.testkit` is now `python -m klantbeeld_demo.testkit`.

Kept for one release: it says where the kit went (on stderr, so the JSON on stdout
stays what a test runner parses) and then runs the kit from its new place.
"""

import sys

from klantbeeld_demo.testkit.__main__ import main

if __name__ == "__main__":
    print(
        "python -m facade.testkit is deprecated and will be removed in the next release: "
        "use python -m klantbeeld_demo.testkit",
        file=sys.stderr,
    )
    raise SystemExit(main())
