"""The web app for people (ADR 0031): Persian first, served by `govcat serve` on the API's
port. Pages call the same core (catalog.guard: the policy, validation and cycle) as the API's
routes; nothing here decides who may do what."""

from __future__ import annotations

from fastapi import FastAPI

from api.web import (  # the auditor's pages
    accounts,
    assets,
    audit_queries,
    consoles,
    deadlines,
    errors,
    help,
    home,
    inbox,
    record_page,
    signin,
    steward,
)


def install(app: FastAPI) -> None:
    errors.install(app)
    app.include_router(assets.router())
    app.include_router(home.router())
    app.include_router(signin.router())
    app.include_router(accounts.router())
    app.include_router(help.router())  # the help page
    app.include_router(steward.router())  # the steward's pages
    app.include_router(inbox.router())
    app.include_router(record_page.router())  # records: the browser and IRIs as pages
    for auditor in (audit_queries, consoles, deadlines):  # the auditor's pages
        app.include_router(auditor.router())
