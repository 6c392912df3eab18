"""The klantbeeld façade's demo: simulated registers, the contract-test kit and its pytest
plugin. It imports `facade`; `facade` never imports it (only the CLI, lazily, when a demo
configuration asks for embedded registers).

- `klantbeeld_demo.registers` — simulated BRP, Zaken, Catalogi, Klanten, Contactmomenten,
  Klantinteracties and a second zaaksysteem, with the demo persons;
  `python -m klantbeeld_demo [port]` serves them on loopback.
- `klantbeeld_demo.testkit` — `run_facade`: the real façade on those registers, for other
  projects' tests.
- `klantbeeld_demo.pytest_plugin` — the fixtures `klantbeeld_facade` and
  `klantbeeld_facade_session` (entry point `pytest11: klantbeeld`).
"""
