from tests.screens_browser import chromium  # noqa: F401  (the session's browser fixture)
