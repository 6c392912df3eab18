"""The per-request facts a connector passes on to the registers it calls."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CallContext:
    """Who is asking and why, as the registers' own protocollering wants to know.

    `gebruiker` becomes the ZGW `user_id` claim and the BRP `x-gebruiker` header;
    `verwerking` and `brp_doelbinding` become the BRP gateway's `x-verwerking` and
    `x-doelbinding`. None of these may be a BSN: for self-service the user is
    `BurgerZelf`.
    """

    gebruiker: str
    gebruiker_weergave: str = ""
    verwerking: str | None = None
    brp_doelbinding: str | None = None
    origin_oin: str | None = None
