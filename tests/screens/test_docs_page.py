"""`/api/v1/docs` and `/` in the demo as a newcomer starts it (`klantbeeld serve`), in a
real headless Chromium; and what productie answers on the same paths."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from klantbeeld_demo.screens.index import LINKS
from klantbeeld_demo.screens.pages import PAGE_CSP
from tests.demo_service import DemoService, demo_service
from tests.screens_browser import console_errors, screenshot

# Swagger UI's id for an operation block: operations-<tag>-<operationId>.
KLANTBEELD_OPERATION = "operations-Klantbeeld-klantbeeldOpvragen"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoService]:
    with demo_service(tmp_path_factory.mktemp("docs")) as running:
        yield running


def _resources(driver: Any) -> list[str]:
    return driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")


def test_swagger_ui_renders_the_apis_operations_from_the_facade_alone(
    chromium: Any, service: DemoService
) -> None:
    console_errors(chromium)  # drain what an earlier test left
    chromium.get(f"{service.base}/api/v1/docs")
    wait = WebDriverWait(chromium, 20)
    block = wait.until(ready.visibility_of_element_located((By.ID, KLANTBEELD_OPERATION)))
    assert "/klantbeeld" in block.text and "POST" in block.text
    # Every operation of the document is there, the platform's too.
    ids = {e.get_attribute("id") for e in chromium.find_elements(By.CSS_SELECTOR, ".opblock")}
    assert {
        KLANTBEELD_OPERATION,
        "operations-Zoeken-personenZoeken",
        "operations-Doelbinding-doelenOpvragen",
        "operations-Platform-startpunt",
        "operations-Platform-gereedheid",
    } <= ids, ids
    chromium.execute_script("window.scrollTo(0, 0)")
    screenshot(chromium, "api-docs")
    chromium.find_element(By.CSS_SELECTOR, f"#{KLANTBEELD_OPERATION} .opblock-summary").click()
    wait.until(
        ready.visibility_of_element_located(
            (By.CSS_SELECTOR, f"#{KLANTBEELD_OPERATION} .parameters")
        )
    )
    chromium.execute_script("arguments[0].scrollIntoView()", block)
    screenshot(chromium, "api-docs-klantbeeld")
    assert console_errors(chromium) == []
    loaded = _resources(chromium)
    assert f"{service.base}/api/v1/openapi.json" in loaded
    assert f"{service.base}/api/v1/docs/swagger-ui-bundle.js" in loaded
    # Nothing left the loopback service: no CDN, no validator, no font host.
    assert [url for url in loaded if not url.startswith(service.base + "/")] == []


def test_the_docs_page_and_its_files_are_served_under_a_strict_policy(
    service: DemoService,
) -> None:
    page = httpx.get(f"{service.base}/api/v1/docs", timeout=5)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policies = page.headers.get_list("content-security-policy")
    # Ours (scripts from the façade only) beside the API's own frame denial.
    assert PAGE_CSP in policies and "frame-ancestors 'none'" in policies
    assert "script-src 'self';" in PAGE_CSP and "unsafe-eval" not in PAGE_CSP
    assert "<script>" not in page.text  # no inline script: the policy would block it
    for name in ("swagger-ui.css", "swagger-ui-bundle.js", "docs.js"):
        response = httpx.get(f"{service.base}/api/v1/docs/{name}", timeout=5)
        assert response.status_code == 200, name
        assert response.headers["x-content-type-options"] == "nosniff"
    # Only the listed files: nothing else of the package, no path outside it.
    for name in ("VENDORED", "swagger-ui/LICENSE", "..%2F__init__.py", "index.html"):
        response = httpx.get(f"{service.base}/api/v1/docs/{name}", timeout=5)
        assert response.status_code == 404, name
        assert response.headers["content-type"] == "application/problem+json"


def test_the_index_page_lists_what_the_demo_has_and_its_links_answer(
    chromium: Any, service: DemoService
) -> None:
    console_errors(chromium)
    chromium.get(f"{service.base}/")
    anchors = chromium.find_elements(By.CSS_SELECTOR, "a[href]")
    hrefs = [a.get_attribute("href") for a in anchors]
    assert hrefs == [service.base + path for path in LINKS]
    assert "KCC-scherm" in chromium.page_source and "API-documentatie" in chromium.page_source
    screenshot(chromium, "index")
    assert console_errors(chromium) == []
    # The pages of the screens built beside this one (/demo/kcc, /demo/doelen) are
    # tested with them; these answer here, the doelen as the API does without a token.
    expected = {
        "/api/v1/docs": 200,
        "/api/v1/openapi.json": 200,
        "/api/v1/doelen": 401,
        "/healthz": 200,
        "/readyz": 200,
    }
    answered = {path: httpx.get(service.base + path, timeout=5).status_code for path in expected}
    assert answered == expected
    chromium.find_element(By.LINK_TEXT, "API-documentatie").click()
    WebDriverWait(chromium, 20).until(
        ready.visibility_of_element_located((By.ID, KLANTBEELD_OPERATION))
    )
    assert console_errors(chromium) == []
