"""The answers users see when something is refused (ARCHITECTURE.md, "Errors users see"):
every body in fa and en, with the requirement behind the rule; no stack trace, no secret."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from catalog.access.accounts import AccountError
from catalog.access.principals import Forbidden, Unauthenticated
from catalog.cycle import CycleRefused
from catalog.problems import Rejected
from catalog.store.port import StoreUnavailable


def install(app: FastAPI) -> None:
    @app.exception_handler(StoreUnavailable)
    async def store_down(_: Request, exc: StoreUnavailable) -> JSONResponse:
        return JSONResponse({"detail": "the store is unavailable; retry shortly",
                             "detail_fa": "پایگاه داده در دسترس نیست؛ اندکی بعد دوباره بکوشید"},
                            status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(Unauthenticated)
    async def unauthenticated(_: Request, exc: Unauthenticated) -> JSONResponse:
        return JSONResponse({"detail": exc.message_en, "detail_fa": exc.message_fa},
                            status_code=401, headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def forbidden(_: Request, exc: Forbidden) -> JSONResponse:
        d = exc.denial
        return JSONResponse({"detail": d.message_en, "detail_fa": d.message_fa,
                             "requirement": d.requirement}, status_code=403)

    @app.exception_handler(CycleRefused)
    async def refused(_: Request, exc: CycleRefused) -> JSONResponse:
        # The request is well formed, but the cycle's state or order does not allow it now.
        return JSONResponse({"detail": "refused by the rules of the cycle",
                             "detail_fa": "قواعد چرخه این کار را نمی‌پذیرد",
                             "reasons": [{"message_en": r.message_en, "message_fa": r.message_fa,
                                          "requirement": r.requirement} for r in exc.reasons]},
                            status_code=409)

    @app.exception_handler(Rejected)
    async def rejected(_: Request, exc: Rejected) -> JSONResponse:
        return JSONResponse({"detail": "the submission breaks the rules; nothing was stored",
                             "detail_fa": "داده‌ها با قواعد سازگار نیست؛ چیزی ذخیره نشد",
                             "problems": [p.to_dict() for p in exc.problems]},
                            status_code=422)

    @app.exception_handler(AccountError)
    async def bad_account(_: Request, exc: AccountError) -> JSONResponse:
        return JSONResponse({"detail": str(exc), "detail_fa": "درخواست حساب نادرست است"},
                            status_code=400)
