"""Who may call the API, and where a server may listen.

Without API keys the server is for this machine only: it must bind a loopback
address and it answers from the library alone (the ``user`` field is ignored).
With ``ADVISOR_API_KEYS`` (a JSON object, key -> user id) every request needs
``Authorization: Bearer KEY`` and the key decides whose documents and profile are
used. A key mapped to ``"*"`` belongs to a trusted front end (a multi-user chat UI)
and may pick the user with the request's ``user`` field.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from typing import Any

from advisor.core.errors import InputError
from advisor.users.ids import validate_user_id

ANY_USER = "*"


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def check_bind(host: str, api_keys: dict[str, str]) -> None:
    """Refuse to serve other machines without API keys."""
    if not is_loopback(host) and not api_keys:
        raise InputError(
            f"refusing to listen on {host} without API keys: anyone who can reach it could "
            'use the advisor. Set ADVISOR_API_KEYS=\'{"A-LONG-RANDOM-KEY": "USER_ID"}\' '
            "or listen on --host 127.0.0.1"
        )


@dataclass(frozen=True)
class Caller:
    """The authenticated side of a request: a fixed user, or a front end that may choose."""

    user: str | None = None
    may_choose_user: bool = False

    def resolve(self, requested: str | None) -> str | None:
        """The user whose data answers this request.

        A key bound to one user always gets that user, whatever the body asks for, so
        a client can never read another user's documents by naming them.
        """
        if self.may_choose_user:
            return validate_user_id(requested) if requested else None
        return self.user


class KeyRing:
    """API keys compared in constant time; the keys themselves are never logged."""

    def __init__(self, api_keys: dict[str, str]) -> None:
        for key, user in api_keys.items():
            if len(key) < 8:
                raise InputError(
                    "ADVISOR_API_KEYS holds a key shorter than 8 characters: use long random keys"
                )
            if user != ANY_USER:
                validate_user_id(user)
        self._keys = [(key.encode(), user) for key, user in api_keys.items()]

    @property
    def enabled(self) -> bool:
        return bool(self._keys)

    def caller(self, token: str | None) -> Caller | None:
        """The caller a token stands for, or None when it matches no key."""
        if not self.enabled:
            return Caller()
        if not token:
            return None
        given = token.encode()
        found: str | None = None
        for key, user in self._keys:  # no early exit: every key costs the same
            if hmac.compare_digest(key, given):
                found = user
        if found is None:
            return None
        if found == ANY_USER:
            return Caller(may_choose_user=True)
        return Caller(user=found)


def write_guard(anonymous_writes: bool, keys: KeyRing) -> dict[str, Any]:
    """Options for a route that writes (``/v1/feedback``): without keys and with
    ``anonymous_writes`` off (``advisor serve --auth``: the UI beside it has logins),
    an anonymous caller is no one, so the route refuses it with a 401 it declares."""
    if anonymous_writes or keys.enabled:
        return {}
    from fastapi import Depends

    from advisor.interfaces.api.errors import APIError
    from advisor.interfaces.api.schemas import ErrorResponse

    async def refuse() -> None:
        raise APIError(
            401,
            "this server has logins but no API keys, so /v1 stores nothing for an "
            "anonymous caller: rate answers in the chat page, or set ADVISOR_API_KEYS "
            "and send `Authorization: Bearer KEY`",
            code="api_key_required",
        )

    declared = {"model": ErrorResponse, "description": "no API keys: writes are refused"}
    return {"dependencies": [Depends(refuse)], "responses": {401: declared}}
