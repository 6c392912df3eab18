"""The per-request facts a connector passes on to the registers it calls."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CallContext:
    """Who is asking and why, as the registers' own protocollering wants to know.

    `gebruiker` is the authenticated user (the token subject, or `BurgerZelf`
    for self-service): it becomes the ZGW `user_id` claim. `gebruiker_weergave`
    is the user as the caller states them (the `X-Gebruiker` header, by default
    the subject): it becomes the ZGW `user_representation` claim and the BRP
    `x-gebruiker` header; when empty, `gebruiker` stands in. `verwerking` and
    `brp_doelbinding` become the BRP gateway's `x-verwerking` and
    `x-doelbinding`. None of these may be a BSN: for self-service both users
    are `BurgerZelf`.
    """

    gebruiker: str
    gebruiker_weergave: str = ""
    verwerking: str | None = None
    brp_doelbinding: str | None = None
    origin_oin: str | None = None
