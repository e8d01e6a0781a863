"""Who is calling: the bearer token of the request, resolved by the core (catalog.access).
Routes take the principal as a dependency and hand it to catalog.guard, which decides."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from catalog.access.principals import Principal, Unauthenticated
from catalog.guard import Guard

_bearer = HTTPBearer(auto_error=False, description="An API token: `gct_…` (govcat admin token)")


def guard_of(request: Request) -> Guard:
    guard: Guard = request.app.state.guard
    return guard


def principal(request: Request,
              credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
              ) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("send an API token: Authorization: Bearer gct_…",
                              "توکن را بفرستید: Authorization: Bearer gct_…")
    return guard_of(request).authenticate(credentials.credentials)


def maybe_principal(request: Request,
                    credentials: Annotated[HTTPAuthorizationCredentials | None,
                                           Depends(_bearer)]) -> Principal | None:
    """The caller if it sent a token (which must then be valid), else None: the public view
    of catalog.access.visibility."""
    if credentials is None:
        return None
    return principal(request, credentials)


Caller = Annotated[Principal, Depends(principal)]
Reader = Annotated[Principal | None, Depends(maybe_principal)]
GuardDep = Annotated[Guard, Depends(guard_of)]
