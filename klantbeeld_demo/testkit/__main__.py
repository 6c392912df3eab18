"""`python -m klantbeeld_demo.testkit`: serve the kit until interrupted, for test runners in
other languages."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Sequence

from facade.clock import parse_today
from klantbeeld_demo.testkit.persons import PERSONEN
from klantbeeld_demo.testkit.run import run_facade


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m klantbeeld_demo.testkit [--port N] [--config FILE]`: serve the kit until ^C."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m klantbeeld_demo.testkit", description=main.__doc__
    )
    parser.add_argument("--port", type=int, default=0, help="façade port (default: a free one)")
    parser.add_argument("--config", help="demo configuration (default: the repository's)")
    parser.add_argument("--today", help="the kit's today, JJJJ-MM-DD (default: Amsterdam's)")
    args = parser.parse_args(argv)
    today = parse_today(args.today, "--today") if args.today else None
    with run_facade(args.config, port=args.port, today=today) as facade:
        print(
            json.dumps(
                {
                    "base_url": facade.base_url,
                    "registers_url": facade.registers.base_url,
                    "today": facade.today.isoformat(),
                    "token": facade.token(ttl=8 * 3600),  # klantbeeld.kcc, valid 8 hours
                    "personen": dict(PERSONEN),
                },
                indent=2,
            ),
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
