"""Every bad input gets its problem+json, in the order of DESIGN.md's status table."""

from __future__ import annotations

import time

import httpx
import jwt

from klantbeeld_demo.registers import BSN_HOOFDPERSOON
from tests.harness import DEMO_KEY, Facade, caller_token

KLANTBEELD = "/api/v1/klantbeeld"
BAD_BSN = "123456789"


def assert_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["api-version"] == "1.1.0"
    problem = response.json()
    assert {"type", "title", "status", "detail"} <= set(problem)
    assert problem["status"] == status
    for secret in (BSN_HOOFDPERSOON, BAD_BSN, "Traceback", "http://registers"):
        assert secret not in response.text
    return problem


async def test_no_token_is_401_and_nothing_is_fetched(facade: Facade) -> None:
    response = await facade.client.post(
        KLANTBEELD,
        json={"burgerservicenummer": BSN_HOOFDPERSOON},
        headers={"X-Doelbinding": "kcc-algemene-vraag"},
    )
    assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert facade.calls == []


async def test_an_expired_token_is_401(facade: Facade) -> None:
    token = caller_token(exp=int(time.time()) - 600, iat=int(time.time()) - 900)
    problem = assert_problem(await facade.klantbeeld(token=token), 401)
    assert "verlopen" in problem["detail"]


async def test_a_token_for_another_audience_is_401(facade: Facade) -> None:
    assert_problem(await facade.klantbeeld(token=caller_token(aud="iets-anders")), 401)


async def test_authentication_comes_before_validation(facade: Facade) -> None:
    response = await facade.client.post(
        KLANTBEELD, content=b"geen json", headers={"Content-Type": "text/plain"}
    )
    assert_problem(response, 401)


async def test_a_body_that_is_not_json_content_type_is_415(facade: Facade) -> None:
    response = await facade.client.post(
        KLANTBEELD,
        content=f'{{"burgerservicenummer": "{BSN_HOOFDPERSOON}"}}',
        headers={
            "Authorization": f"Bearer {caller_token()}",
            "X-Doelbinding": "kcc-algemene-vraag",
            "Content-Type": "text/plain",
        },
    )
    assert_problem(response, 415)


async def test_a_body_over_the_size_limit_is_413(facade: Facade) -> None:
    big = {"burgerservicenummer": BSN_HOOFDPERSOON, "fields": ["klant.naam"] * 2000}
    assert_problem(await facade.klantbeeld(body=big), 413)


async def test_malformed_json_is_400(facade: Facade) -> None:
    response = await facade.client.post(
        KLANTBEELD,
        content=b'{"burgerservicenummer": ',
        headers={
            "Authorization": f"Bearer {caller_token()}",
            "X-Doelbinding": "kcc-algemene-vraag",
            "Content-Type": "application/json",
        },
    )
    problem = assert_problem(response, 400)
    assert problem["invalidParams"] == [
        {"name": "body", "code": "ongeldige-json", "reason": "De body is geen geldige JSON."}
    ]


async def test_a_body_that_is_not_an_object_is_400(facade: Facade) -> None:
    problem = assert_problem(await facade.klantbeeld(body=[BSN_HOOFDPERSOON]), 400)
    assert problem["invalidParams"][0]["name"] == "body"


async def test_a_bsn_failing_the_elfproef_is_400_without_echoing_it(facade: Facade) -> None:
    problem = assert_problem(await facade.klantbeeld(BAD_BSN), 400)
    assert problem["invalidParams"] == [
        {
            "name": "burgerservicenummer",
            "code": "ongeldig",
            "reason": "Het burgerservicenummer voldoet niet aan de elfproef.",
        }
    ]
    assert facade.calls == []


async def test_a_bsn_that_is_a_number_or_too_short_is_400(facade: Facade) -> None:
    for value in (999993653, "99999365", "99999365a"):
        problem = assert_problem(await facade.klantbeeld(body={"burgerservicenummer": value}), 400)
        assert problem["invalidParams"][0]["name"] == "burgerservicenummer"


async def test_all_validation_errors_come_at_once(facade: Facade) -> None:
    response = await facade.klantbeeld(
        body={"burgerservicenummer": BAD_BSN, "fields": ["klant.schoenmaat"], "extra": 1},
        doel=None,
        headers={"X-Gebruiker": ""},
    )
    problem = assert_problem(response, 400)
    assert {p["name"] for p in problem["invalidParams"]} == {
        "burgerservicenummer",
        "fields[0]",
        "body",  # the unknown key, never named: a caller may have put a BSN there
        "X-Doelbinding",
        "X-Gebruiker",
    }


async def test_an_unknown_doel_is_400(facade: Facade) -> None:
    problem = assert_problem(await facade.klantbeeld(doel="nieuwsgierigheid"), 400)
    assert problem["invalidParams"] == [
        {"name": "X-Doelbinding", "code": "onbekend", "reason": "Dit doel bestaat niet."}
    ]


async def test_a_doel_the_caller_may_not_use_is_403_naming_the_doel(facade: Facade) -> None:
    problem = assert_problem(await facade.klantbeeld(doel="wmo-consulent"), 403)
    assert "wmo-consulent" in problem["detail"]
    assert facade.calls == []


async def test_self_service_for_another_bsn_is_403_and_calls_no_register(facade: Facade) -> None:
    token = caller_token("klantbeeld.zelfbediening", bsn="999990068")
    problem = assert_problem(await facade.klantbeeld(doel="mijn-gegevens", token=token), 403)
    assert "eigen gegevens" in problem["detail"]
    assert facade.calls == []


async def test_a_fields_path_the_doel_does_not_allow_is_403_with_invalid_params(
    facade: Facade,
) -> None:
    body = {"burgerservicenummer": BSN_HOOFDPERSOON, "fields": ["zaken", "klant.partners"]}
    problem = assert_problem(await facade.klantbeeld(body=body, doel="kcc-zaakstatus"), 403)
    assert problem["invalidParams"] == [
        {
            "name": "fields[1]",
            "code": "niet-toegestaan",
            "reason": "Dit doel staat dit pad niet toe.",
        }
    ]


async def test_unknown_path_is_404_problem(facade: Facade) -> None:
    assert_problem(await facade.client.get("/api/v1/onbekend"), 404)


async def test_a_trailing_slash_is_404_not_a_redirect(facade: Facade) -> None:
    response = await facade.client.post("/api/v1/klantbeeld/", json={})
    assert_problem(response, 404)


async def test_wrong_method_is_405_problem(facade: Facade) -> None:
    response = await facade.client.get(KLANTBEELD)
    assert_problem(response, 405)
    assert "POST" in response.headers["allow"]


async def test_an_hs256_token_is_refused_when_only_rs256_is_configured(facade: Facade) -> None:
    forged = jwt.encode(
        {
            "iss": "https://idp.demo.klantbeeld.example",
            "aud": "klantbeeld-facade",
            "sub": "x",
            "exp": int(time.time()) + 60,
            "scope": "klantbeeld.kcc",
        },
        DEMO_KEY[:64],
        algorithm="HS256",
    )
    assert_problem(await facade.klantbeeld(token=forged), 401)


async def test_a_null_body_is_400_not_a_crash(facade: Facade) -> None:
    response = await facade.client.post(
        KLANTBEELD,
        content=b"null",
        headers={
            "Authorization": f"Bearer {caller_token()}",
            "X-Doelbinding": "kcc-algemene-vraag",
            "Content-Type": "application/json",
        },
    )
    problem = assert_problem(response, 400)
    assert problem["invalidParams"][0]["code"] == "geen-object"


async def test_deeply_nested_json_is_400_not_a_crash(facade: Facade) -> None:
    response = await facade.client.post(
        KLANTBEELD,
        content=b"[" * 3000 + b"]" * 3000,
        headers={
            "Authorization": f"Bearer {caller_token()}",
            "X-Doelbinding": "kcc-algemene-vraag",
            "Content-Type": "application/json",
        },
    )
    assert_problem(response, 400)


async def test_a_bsn_with_a_trailing_newline_is_400(facade: Facade) -> None:
    problem = assert_problem(await facade.klantbeeld(BSN_HOOFDPERSOON + "\n"), 400)
    assert problem["invalidParams"][0]["name"] == "burgerservicenummer"
    assert facade.calls == []


async def test_x_gebruiker_may_not_be_a_bsn(facade: Facade) -> None:
    response = await facade.klantbeeld(headers={"X-Gebruiker": "999990068"})
    problem = assert_problem(response, 400)
    assert problem["invalidParams"] == [
        {"name": "X-Gebruiker", "code": "bsn", "reason": "X-Gebruiker mag geen BSN bevatten."}
    ]


async def test_an_unknown_path_holding_a_bsn_is_not_echoed(facade: Facade) -> None:
    response = await facade.client.get(f"/api/v1/klantbeeld/{BSN_HOOFDPERSOON}")
    assert_problem(response, 404)
