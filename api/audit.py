"""The trail proves itself over HTTP (R-16, ADR 0017): `GET /audit/verify` checks the hash
chain of the whole trail and names the first change event that does not match. For those who
monitor (the policy's MONITOR act: auditors, reviewers, administrators); it walks the whole
trail, so it is not for every reader of it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query

from api.auth import Caller, GuardDep
from catalog.access.policy import Act
from catalog.trail_chain import Head, TrailChain

SHA256 = "^[0-9a-fA-F]{64}$"


def router() -> APIRouter:
    r = APIRouter(tags=["audit"])

    @r.get("/audit/verify")
    def verify(guard: GuardDep, who: Caller,
               seq: int | None = Query(None, ge=1, description="a head held elsewhere: its "
                                       "change number (with `hash`)"),
               hash: str | None = Query(None, pattern=SHA256,  # noqa: A002 (the query's name)
                                        description="… and its SHA-256, from a backup's "
                                        "manifest or the change feed's `trail_head`")
               ) -> dict[str, Any]:
        """Check every change event against its hash and the hash of the one before it
        (newest sealed first). `ok`; `events` checked; `head`: the chain's head (seq, hash);
        `broken`: the first event that does not match (seq, iri, why in en and fa), or null.
        With `seq` and `hash`, also that this head, kept elsewhere, is still the chain's."""
        guard.policy.check(who, Act.MONITOR)
        if (seq is None) != (hash is None):
            raise HTTPException(422, {"detail": "give seq and hash together (R-16)",
                                      "detail_fa": "seq و hash را با هم بدهید (R-16)"})
        held = Head(seq, hash.lower()) if seq is not None and hash is not None else None
        return TrailChain(guard.registry.store).verify(held=held).as_dict()

    return r
