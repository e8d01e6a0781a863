"""The access part of the store port (catalog.port.AccessPort), in Cypher: one
implementation both adapters inherit; where FalkorDB and Neo4j differ, the adapter's dialect
decides (ADR 0021).

The statements are catalog.store.credentials_cypher's (ADR 0016); each operation is one of
them, so signing in (on every request) stays one read, and every write that decides on what
it read stays one compare-and-set statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from catalog.port import CredentialSwap, SealedCredential, StoreChange
from catalog.store import credentials_cypher as cq
from catalog.store.runner import Runner


class AccessOperations(Runner):
    """catalog.port.AccessPort over any Cypher store."""

    def sealed_credential(self, key: str) -> str | None:
        rows = self.read(cq.CREDENTIAL, {"key": key})
        return rows[0]["sealed"] if rows else None

    def sign_in_credentials(self, token_key: str) -> tuple[str | None, str | None] | None:
        rows = self.read(cq.TOKEN_WITH_ACCOUNT, {"key": token_key})
        return (rows[0]["token"], rows[0]["account"]) if rows else None

    def tokens_of(self, account_key: str) -> list[SealedCredential]:
        return [SealedCredential(r["key"], account_key, r["sealed"])
                for r in self.read(cq.TOKENS_OF, {"owner": account_key})]

    def all_credentials(self) -> list[SealedCredential]:
        return [SealedCredential(r["key"], r["owner"], r["sealed"])
                for r in self.read(cq.CREDENTIALS)]

    def create_credential(self, key: str, sealed: str) -> bool:
        rows = self.write(cq.CREDENTIAL_CREATE, {"key": key, "sealed": sealed})
        return bool(rows and rows[0]["made"])

    def create_token(self, account_key: str, account_was: str, key: str,
                     sealed: str) -> bool | None:
        rows = self.write(cq.TOKEN_CREATE, {"owner": account_key, "was": account_was,
                                            "key": key, "sealed": sealed})
        return bool(rows[0]["made"]) if rows else None

    def swap_credential(self, key: str, was: str, sealed: str) -> bool:
        return bool(self.write(cq.CREDENTIAL_SWAP, {"key": key, "was": was, "sealed": sealed}))

    def swap_credentials(self, swaps: Sequence[CredentialSwap]) -> None:
        if swaps:
            self.write(cq.CREDENTIALS_SWAP, {"rows": [s._asdict() for s in swaps]})

    def plain_credential_count(self) -> int:
        [count] = self.read(cq.PLAIN_COUNT)
        return int(count["n"] or 0)

    def plain_accounts(self) -> list[dict[str, Any]]:
        return [r["props"] for r in self.read(cq.PLAIN_ACCOUNTS)]

    def plain_tokens(self) -> list[tuple[dict[str, Any], str | None]]:
        return [(r["props"], r["account"]) for r in self.read(cq.PLAIN_TOKENS)]

    def replace_plain_credentials(self, sealed: Sequence[SealedCredential]) -> None:
        self.apply(StoreChange((), after=[
            (cq.SEALED_PUT, {"rows": [c._asdict() for c in sealed]}),
            (cq.PLAIN_TOKENS_DELETE, {}), (cq.PLAIN_ACCOUNTS_DELETE, {})]))
