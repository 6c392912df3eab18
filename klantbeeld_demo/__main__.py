"""`python -m klantbeeld_demo [port]`: serve the demo registers on loopback."""

import sys

from klantbeeld_demo.registers.server import run_registers

if __name__ == "__main__":
    run_registers(port=int(sys.argv[1]) if len(sys.argv) > 1 else 8010)
