"""Limits every request meets before a route runs (ADR 0009): a rate per client with `429` and
`Retry-After`, a largest body (`413`, declared or streamed), CORS for the configured origins,
and security headers. Input no route can use is refused here too (`400`, ADR 0011): a NUL in
the URL, and `application/json` bodies holding a NUL, invalid Unicode (a lone surrogate) or
nesting deeper than MAX_JSON_DEPTH; every JSON body of the API is flat or a few levels deep.

The rate is a token bucket per client: the token's id when one is sent (so a system is
limited as itself wherever it calls from), else the caller's address; failed sign-ins count
against the address too, so tokens cannot be guessed quickly (ADR 0008). Buckets live in the
process: behind several workers each has its own, so the effective rate is per worker.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalog.config import Settings

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-site",
}
# The interactive docs load Swagger UI's script and style; every other answer is data.
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_PATHS = ("/docs",)


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
    # gct_<id>_<secret>; the secret is URL-safe base64, which may hold "_" itself
    parts = auth.split()[-1].split("_", 2) if auth.split() else []
    if len(parts) == 3 and parts[0] == "gct":
        return "token:" + parts[1]
    return "addr:" + (request.client.host if request.client else "?")


# Failed sign-ins an address may make a minute before its tokens are refused unread.
FAILED_SIGN_INS_PER_MINUTE = 10
# Where people sign in with a password (api.web.signin, ADR 0031): limited like tokens.
PASSWORD_PATHS = ("/app/sign-in", "/app/set-password")


def _address(request: Request) -> str:
    return "addr:" + (request.client.host if request.client else "?")


MAX_JSON_DEPTH = 64
# Only an escape can put a NUL or a surrogate in JSON text (raw ones are not valid JSON).
_SUSPECT = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def json_fault(body: bytes) -> tuple[str, str] | None:
    """Why a JSON body is refused (en, fa), or None. Text that is not valid JSON is left to
    the route, which says so; a body nested past the parser's own depth is refused here."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH and not _SUSPECT.search(body):
        return None
    try:
        doc = json.loads(body)
    except RecursionError:
        return _TOO_DEEP
    except ValueError:
        return None
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list) and depth > MAX_JSON_DEPTH:
            return _TOO_DEEP
        if isinstance(value, dict):
            stack += [(k, depth) for k in value] + [(v, depth + 1) for v in value.values()]
        elif isinstance(value, list):
            stack += [(v, depth + 1) for v in value]
        elif isinstance(value, str) and (fault := _string_fault(value)) is not None:
            return fault
    return None


def _string_fault(value: str) -> tuple[str, str] | None:
    """Why a string of a JSON body is refused (en, fa): a NUL, or a lone surrogate."""
    if "\x00" in value:
        return ("the JSON body holds a NUL character (\\u0000)",
                "بدنه JSON نویسهٔ NUL (\\u0000) دارد")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return ("the JSON body holds invalid Unicode (a lone surrogate escape)",
                "بدنه JSON نویسهٔ یونیکد نادرست (نیم‌جفت جایگزین) دارد")
    return None


_TOO_DEEP = (f"the JSON body nests more than {MAX_JSON_DEPTH} levels deep",
             f"بدنه JSON بیش از {MAX_JSON_DEPTH} لایه تودرتو است")


class BodyGuard:
    """Reads each request's body before the route (up to the limit: a body sent in chunks,
    with no Content-Length, is counted as it comes: 413 past the limit), checks the URL and a
    JSON body, and hands the route the same body."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b"").lower():
            await _refuse(400, "the URL holds a NUL character (%00)",
                          "نشانی درخواست نویسهٔ NUL (‎%00) دارد", scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client left
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await _refuse(413, f"the body is larger than {self.max_body_bytes} bytes",
                              "بدنه درخواست بزرگ‌تر از حد مجاز است", scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        # JSON-LD uploads go to the loaders, which check the same and say where (a problem)
        fault = json_fault(body) if body and _media_type(scope) == "application/json" else None
        if fault is not None:
            await _refuse(400, *fault, scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _media_type(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return str(value.decode("latin-1").split(";")[0].strip().lower())
    return ""


async def _refuse(status: int, en: str, fa: str, scope: Scope, receive: Receive,
                  send: Send) -> None:
    await JSONResponse({"detail": en, "detail_fa": fa}, status_code=status)(scope, receive, send)


def install(app: FastAPI, settings: Settings) -> None:
    # Added first, so it runs inside the rate limit below: a flood is refused before its
    # bodies are read.
    app.add_middleware(BodyGuard, max_body_bytes=settings.max_body_bytes)
    buckets = Buckets(settings.rate_per_minute)
    failures = Buckets(min(settings.rate_per_minute, FAILED_SIGN_INS_PER_MINUTE))
    app.state.buckets = buckets

    @app.middleware("http")
    async def limits(request: Request,
                     call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        key = client_key(request)
        wait = buckets.take(key)
        if not wait and ("authorization" in request.headers  # guessing tokens or passwords
                         or (request.method == "POST" and request.url.path in PASSWORD_PATHS)):
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
