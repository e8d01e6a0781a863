"""The API's limits (ADR 0009): a rate per client with 429 and Retry-After, failed sign-ins
costing the caller's address, a largest body (413), CORS for configured origins only, and
security headers on every answer."""

from __future__ import annotations

from dataclasses import replace

from fastapi.testclient import TestClient

from api.app import create_app
from api.limits import Buckets
from catalog.config import Settings
from catalog.registry import Registry


def _client(registry: Registry, **kw: object) -> TestClient:
    return TestClient(create_app(registry, replace(Settings(), **kw)))  # type: ignore[arg-type]


def test_a_client_over_its_rate_waits(registry: Registry) -> None:
    client = _client(registry, rate_per_minute=3)
    assert [client.get("/health").status_code for _ in range(3)] == [200, 200, 200]
    r = client.get("/health")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert "detail_fa" in r.json()
    # another token is another client
    other = client.get("/health", headers={"Authorization": "Bearer gct_0123456789abcdef_x"})
    assert other.status_code == 200


def test_failed_sign_ins_cost_the_address(registry: Registry) -> None:
    client = _client(registry, rate_per_minute=4)
    guesses = [{"Authorization": f"Bearer gct_{i:016x}_" + "x" * 43} for i in range(6)]
    codes = [client.get("/trail", headers=h).status_code for h in guesses]
    assert codes == [401, 401, 401, 401, 429, 429]  # each guess a new token id


def test_buckets_refill_with_time() -> None:
    now = [0.0]
    b = Buckets(60, clock=lambda: now[0])  # one a second
    assert all(b.take("k") == 0 for _ in range(60))
    assert b.take("k") > 0
    now[0] += 1.0
    assert b.take("k") == 0


def test_bodies_over_the_limit_are_refused(registry: Registry) -> None:
    client = _client(registry, max_body_bytes=100)
    r = client.post("/imports", content=b"x" * 1000, headers={"content-type": "text/turtle"})
    assert r.status_code == 413


def test_security_headers_and_cors(registry: Registry) -> None:
    plain = _client(registry)
    r = plain.get("/health")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Security-Policy"].startswith("default-src 'none'")
    pre = {"Origin": "https://window.example", "Access-Control-Request-Method": "GET"}
    assert "access-control-allow-origin" not in plain.options("/health", headers=pre).headers
    cors = _client(registry, cors_origins=("https://window.example",))
    r = cors.options("/health", headers=pre)
    assert r.headers["access-control-allow-origin"] == "https://window.example"
