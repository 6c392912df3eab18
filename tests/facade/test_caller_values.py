"""What a caller sends is data: never echoed, and no BSN travels on in it (issue 12, 6 and 13)."""

from __future__ import annotations

import time

import jwt
import pytest

from klantbeeld_demo.registers import BSN_HOOFDPERSOON
from tests.harness import DEMO_KEY, Facade, caller_token

OTHER_BSN = "999990019"


def brp_calls(facade: Facade) -> list:
    return [c for c in facade.calls if c.path.endswith("/personen")]


def zgw_claims(facade: Facade) -> dict:
    call = next(c for c in facade.calls if "/zaken/api/v1/" in c.path)
    token = call.headers["authorization"].removeprefix("Bearer ")
    return jwt.decode(token, options={"verify_signature": False})


async def test_an_unknown_body_key_is_refused_without_naming_it(facade: Facade) -> None:
    body = {"burgerservicenummer": BSN_HOOFDPERSOON, OTHER_BSN: "x"}
    response = await facade.klantbeeld(body=body)
    assert response.status_code == 400
    assert OTHER_BSN not in response.text
    assert [p["name"] for p in response.json()["invalidParams"]] == ["body"]


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Gebruiker", f"medewerker {OTHER_BSN}"),
        ("X-Gebruiker", "999.99.0019"),
        ("X-Gebruiker", "999-99-0019"),
        ("X-Verwerking", f"dossier {OTHER_BSN}"),
    ],
)
async def test_a_bsn_anywhere_in_a_free_text_header_is_refused_naming_the_header(
    facade: Facade, header: str, value: str
) -> None:
    response = await facade.klantbeeld(headers={header: value})
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == [header]
    assert "0019" not in response.text
    assert facade.calls == []


async def test_a_number_that_is_no_bsn_is_a_fine_user_name(facade: Facade) -> None:
    response = await facade.klantbeeld(headers={"X-Gebruiker": "medewerker 123456789"})
    assert response.status_code == 200


async def test_a_utf8_user_name_reaches_the_brp_once_encoded(facade: Facade) -> None:
    name = "Jan Müller"
    response = await facade.klantbeeld(headers={"X-Gebruiker": name.encode()})  # type: ignore[dict-item]
    assert response.status_code == 200
    sent = dict(brp_calls(facade)[0].headers.raw)[b"x-gebruiker"]
    assert sent.decode("utf-8") == name


@pytest.mark.parametrize("subject", [OTHER_BSN, f"s00000000:{OTHER_BSN}", "999.99.0019"])
async def test_a_token_subject_holding_a_bsn_reaches_no_register_and_no_record(
    facade: Facade, subject: str
) -> None:
    response = await facade.klantbeeld(token=caller_token(sub=subject))
    assert response.status_code == 200
    claims = zgw_claims(facade)
    assert claims["user_id"].startswith("pseudoniem:") and len(claims["user_id"]) == 27
    assert "0019" not in claims["user_representation"]
    assert "0019" not in dict(brp_calls(facade)[0].headers)["x-gebruiker"]
    # Attributes only: a record's resource carries a random instance UUID, which may
    # hold these four digits by chance.
    assert "0019" not in str([record["attributes"] for record in facade.sink.records()])


async def test_an_inbound_tracestate_is_not_passed_on(facade: Facade) -> None:
    headers = {
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "tracestate": "vendor=secret-value",
    }
    assert (await facade.klantbeeld(headers=headers)).status_code == 200
    assert facade.calls and all("tracestate" not in c.headers for c in facade.calls)


@pytest.mark.parametrize("name", ["Access_Token", "id_token", "bearer", "JWT"])
async def test_a_token_in_the_query_is_refused_whatever_its_name_or_case(
    facade: Facade, name: str
) -> None:
    response = await facade.client.post(
        f"/api/v1/klantbeeld?{name}=x",
        json={"burgerservicenummer": BSN_HOOFDPERSOON},
        headers={"Authorization": f"Bearer {caller_token()}", "X-Doelbinding": "kcc-zaakstatus"},
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    "claims", [{"sub": ""}, {"exp": str(int(time.time()) + 300)}, {"iat": "nu"}]
)
async def test_tokens_with_claims_of_the_wrong_type_are_refused(facade: Facade, claims) -> None:
    token = caller_token(key=DEMO_KEY, **claims)
    assert (await facade.klantbeeld(token=token)).status_code == 401
