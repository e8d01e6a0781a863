"""The Cypher of accounts and API tokens sealed at rest (catalog.access.accounts, ADR 0016).

A credential is `(:Credential {key, sealed})`, a token's with `owner` (its account's key): no
name, id, role or hash is in the store, only HMACs and sealed values. Not a Resource: never
exported, described, validated or loaded from a file. Writes that decide on what they read
compare the sealed value they read (`WHERE c.sealed = $was`) after taking the node's write lock
(`SET c._lock = true SET c._lock = null`, as catalog.store.cypher's cycle does: Neo4j then
reads the latest committed value; FalkorDB runs each statement alone anyway); no rows back means
the node changed meanwhile, and the caller reads again.
"""

from __future__ import annotations

CREDENTIAL_LABEL = "Credential"

# One node by its key (an account by name, a token by id).
CREDENTIAL = "MATCH (c:Credential {key: $key}) RETURN c.sealed AS sealed"

# A token with its account, in one read (authentication, on every request).
TOKEN_WITH_ACCOUNT = (
    "MATCH (t:Credential {key: $key}) "
    "OPTIONAL MATCH (u:Credential {key: t.owner}) "
    "RETURN t.sealed AS token, u.sealed AS account"
)

# An account's tokens.
TOKENS_OF = (
    "MATCH (t:Credential {owner: $owner}) RETURN t.key AS key, t.sealed AS sealed ORDER BY key"
)

# Every credential (the list of accounts).
CREDENTIALS = (
    "MATCH (c:Credential) RETURN c.key AS key, c.owner AS owner, c.sealed AS sealed "
    "ORDER BY key"
)

# A new credential, unless its key is taken: `made` is false when it was there already.
CREDENTIAL_CREATE = (
    "MERGE (c:Credential {key: $key}) "
    "ON CREATE SET c.sealed = $sealed "
    "RETURN c.sealed = $sealed AS made"
)

# A new token of an account whose sealed value is still $was (not disabled meanwhile); no rows
# when it changed; `made` false when the token's key was taken.
TOKEN_CREATE = (
    "MATCH (u:Credential {key: $owner}) "
    "SET u._lock = true SET u._lock = null "
    "WITH u WHERE u.sealed = $was "
    "MERGE (t:Credential {key: $key}) "
    "ON CREATE SET t.sealed = $sealed, t.owner = $owner "
    "RETURN t.sealed = $sealed AS made"
)

# Replace a credential's sealed value if it is still $was (no rows otherwise).
CREDENTIAL_SWAP = (
    "MATCH (c:Credential {key: $key}) "
    "SET c._lock = true SET c._lock = null "
    "WITH c WHERE c.sealed = $was "
    "SET c.sealed = $sealed "
    "RETURN c.key AS key"
)

# The same for several tokens ($rows: key, was, sealed); those changed meanwhile are left.
CREDENTIALS_SWAP = (
    "UNWIND $rows AS row "
    "MATCH (c:Credential {key: row.key}) "
    "SET c._lock = true SET c._lock = null "
    "WITH c, row WHERE c.sealed = row.was "
    "SET c.sealed = row.sealed "
    "RETURN count(c) AS n"
)

# -- the plain nodes of earlier versions, sealed on setup (accounts.seal_plain_credentials) ------

PLAIN_COUNT = (
    "OPTIONAL MATCH (u:Account) WITH count(u) AS accounts "
    "OPTIONAL MATCH (t:ApiToken) WITH accounts, count(t) AS tokens "
    "RETURN accounts + tokens AS n"
)

PLAIN_ACCOUNTS = "MATCH (u:Account) RETURN properties(u) AS props"

PLAIN_TOKENS = (
    "MATCH (t:ApiToken) OPTIONAL MATCH (t)-[:of]->(u:Account) "
    "RETURN properties(t) AS props, u.name AS account"
)

# The sealed nodes ($rows: key, owner, sealed), replacing any of the same key.
SEALED_PUT = (
    "UNWIND $rows AS row "
    "MERGE (c:Credential {key: row.key}) "
    "SET c.sealed = row.sealed, c.owner = row.owner "
    "RETURN count(c) AS n"
)

PLAIN_TOKENS_DELETE = "MATCH (t:ApiToken) DETACH DELETE t"

PLAIN_ACCOUNTS_DELETE = "MATCH (u:Account) DETACH DELETE u"

# -- backup and restore (catalog.backup) ---------------------------------------------------------

BACKUP_CREDENTIALS = "MATCH (c:Credential) RETURN properties(c) AS props ORDER BY c.key"

RESTORE_CREDENTIALS = "UNWIND $rows AS row CREATE (c:Credential) SET c = row RETURN count(c) AS n"


def credential_statements() -> dict[str, str]:
    """Every statement of this module by name, for the grammar tests."""
    return {"credential": CREDENTIAL, "token-with-account": TOKEN_WITH_ACCOUNT,
            "tokens-of": TOKENS_OF, "credentials": CREDENTIALS,
            "credential-create": CREDENTIAL_CREATE, "token-create": TOKEN_CREATE,
            "credential-swap": CREDENTIAL_SWAP, "credentials-swap": CREDENTIALS_SWAP,
            "plain-count": PLAIN_COUNT, "plain-accounts": PLAIN_ACCOUNTS,
            "plain-tokens": PLAIN_TOKENS, "sealed-put": SEALED_PUT,
            "plain-tokens-delete": PLAIN_TOKENS_DELETE,
            "plain-accounts-delete": PLAIN_ACCOUNTS_DELETE,
            "backup-credentials": BACKUP_CREDENTIALS,
            "restore-credentials": RESTORE_CREDENTIALS}
