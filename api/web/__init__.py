"""The web app for people (ADR 0031): Persian first, served by `govcat serve` on the API's
port. Pages call the same core (catalog.guard: the policy, validation and cycle) as the API's
routes; nothing here decides who may do what."""

from __future__ import annotations

from fastapi import FastAPI

from api.web import accounts, assets, errors, home, signin


def install(app: FastAPI) -> None:
    errors.install(app)
    app.include_router(assets.router())
    app.include_router(home.router())
    app.include_router(signin.router())
    app.include_router(accounts.router())
