"""Limits every request meets before a route runs (issue 6): a rate per client with `429` and
`Retry-After`, a largest body (`413`), CORS for the configured origins, and security headers.

The rate is a token bucket per client: the token's id when one is sent (so a system is
limited as itself wherever it calls from), else the caller's address; failed sign-ins count
against the address too, so tokens cannot be guessed quickly (ADR 0008). Buckets live in the
process: behind several workers each has its own, so the effective rate is per worker.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from catalog.config import Settings

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-site",
}
# The interactive docs load Swagger UI's script and style; every other answer is data.
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_PATHS = ("/docs", "/redoc")


class Buckets:
    """Token buckets: `rate` requests a minute, bursts up to the same number."""

    def __init__(self, rate_per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(max(rate_per_minute, 1))
        self.per_second = self.capacity / 60.0
        self._clock = clock
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, spend: bool = True) -> float:
        """0 if the request may go (and, with `spend`, counts it); else the seconds until
        it may."""
        now = self._clock()
        with self._lock:
            tokens, seen = self._state.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - seen) * self.per_second)
            if tokens >= 1 and not spend:
                return 0.0
            if tokens >= 1:
                self._state[key] = (tokens - 1, now)
                return 0.0
            self._state[key] = (tokens, now)
            return (1 - tokens) / self.per_second


def client_key(request: Request) -> str:
    auth = request.headers.get("authorization", "")
    parts = auth.split()[-1].split("_") if auth else []
    if len(parts) == 3 and parts[0] == "gct":
        return "token:" + parts[1]
    return "addr:" + (request.client.host if request.client else "?")


# Failed sign-ins an address may make a minute before its tokens are refused unread.
FAILED_SIGN_INS_PER_MINUTE = 10


def _address(request: Request) -> str:
    return "addr:" + (request.client.host if request.client else "?")


def install(app: FastAPI, settings: Settings) -> None:
    buckets = Buckets(settings.rate_per_minute)
    failures = Buckets(min(settings.rate_per_minute, FAILED_SIGN_INS_PER_MINUTE))
    app.state.buckets = buckets

    @app.middleware("http")
    async def limits(request: Request,
                     call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        key = client_key(request)
        wait = buckets.take(key)
        if not wait and key.startswith("token:"):  # guessing tokens from one address
            wait = failures.take(_address(request), spend=False)
        if wait > 0:
            return _headers(JSONResponse(
                {"detail": "too many requests; retry after the given seconds",
                 "detail_fa": "درخواست‌ها بیش از حد مجاز است؛ پس از زمان گفته‌شده دوباره بکوشید"},
                status_code=429, headers={"Retry-After": str(math.ceil(wait))}), request)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > settings.max_body_bytes:
            return _headers(JSONResponse(
                {"detail": f"the body is larger than {settings.max_body_bytes} bytes",
                 "detail_fa": "بدنه درخواست بزرگ‌تر از حد مجاز است"}, status_code=413), request)
        response = await call_next(request)
        if response.status_code == 401:  # a failed sign-in costs the address
            failures.take(_address(request))
        return _headers(response, request)

    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST", "PUT", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "If-Match",
                                          "If-None-Match"],
                           expose_headers=["ETag", "X-Govcat-Cursor", "X-Govcat-Next",
                                           "Retry-After"])


def _headers(response: Response, request: Request) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if not request.url.path.startswith(DOCS_PATHS):
        response.headers.setdefault("Content-Security-Policy", DATA_CSP)
    return response
