"""Settings read from the environment (prefix GOVCAT_), one place for every knob."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from catalog.vocab import PROJECT_ROOT

DEFAULT_BASE_IRI = "http://127.0.0.1:8000/id/"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(f"GOVCAT_{name}", default)


@dataclass(frozen=True)
class Settings:
    """Where the store is and which IRIs govcat mints.

    store: "falkordb" (embedded default, or an existing server via falkordb_url) or "neo4j".
    """

    base_iri: str = field(default_factory=lambda: _env("BASE_IRI", DEFAULT_BASE_IRI))
    store: str = field(default_factory=lambda: _env("STORE", "falkordb"))
    data_dir: Path = field(
        default_factory=lambda: Path(_env("DATA_DIR", str(PROJECT_ROOT / "var" / "data"))))
    falkordb_url: str = field(default_factory=lambda: _env("FALKORDB_URL"))
    graph_name: str = field(default_factory=lambda: _env("GRAPH", "govcat"))
    neo4j_uri: str = field(default_factory=lambda: _env("NEO4J_URI", "neo4j://127.0.0.1:7687"))
    neo4j_user: str = field(default_factory=lambda: _env("NEO4J_USER", "neo4j"))
    neo4j_password: str = field(default_factory=lambda: _env("NEO4J_PASSWORD"))
    neo4j_database: str = field(default_factory=lambda: _env("NEO4J_DATABASE", "neo4j"))
    # The HTTP API's limits (api/limits.py): requests per minute per client (a token, or an
    # address without one), the largest request body, and the origins browsers may call from.
    rate_per_minute: int = field(default_factory=lambda: int(_env("RATE_PER_MINUTE", "600")))
    max_body_bytes: int = field(
        default_factory=lambda: int(_env("MAX_BODY_BYTES", str(50 * 1024 * 1024))))
    cors_origins: tuple[str, ...] = field(default_factory=lambda: tuple(
        o.strip() for o in _env("CORS_ORIGINS").split(",") if o.strip()))

    def __post_init__(self) -> None:
        if not self.base_iri.endswith(("/", "#")):
            object.__setattr__(self, "base_iri", self.base_iri + "/")
