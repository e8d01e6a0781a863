"""What pages load, all from govcat's own host (ADR 0031): the app's style and scripts
(`api/web/static`), and the packages installed from the npm registry by `make setup` into
`tools/web-assets/node_modules` (`GOVCAT_WEB_ASSETS` elsewhere): the Vazirmatn font, the
cytoscape graph library and Swagger UI for `/docs`. Only the files named here are served."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.web.render import HERE, environment, lang_of

STATIC = HERE / "static"
# name served under /assets/vendor/ → file inside node_modules
VENDOR = {
    "vazirmatn.woff2": "vazirmatn/fonts/webfonts/Vazirmatn[wght].woff2",
    "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}
_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml",
          ".woff2": "font/woff2", ".png": "image/png"}
DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; "
            "frame-ancestors 'none'")
_CACHE = "public, max-age=86400"


def node_modules() -> Path:
    configured = os.environ.get("GOVCAT_WEB_ASSETS")
    if configured:
        return Path(configured)
    return HERE.parent.parent / "tools" / "web-assets" / "node_modules"


def _file(path: Path) -> Response:
    if not path.is_file():
        raise HTTPException(404, {"detail": "no such asset", "detail_fa": "چنین فایلی نیست"})
    return FileResponse(path, media_type=_TYPES.get(path.suffix, "application/octet-stream"),
                        headers={"Cache-Control": _CACHE})


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)
    own = {p.name: p for p in STATIC.iterdir() if p.is_file()}

    @r.get("/assets/vendor/{name}")
    def vendor(name: str) -> Response:
        if name not in VENDOR:
            raise HTTPException(404, {"detail": "no such asset", "detail_fa": "چنین فایلی نیست"})
        return _file(node_modules() / VENDOR[name])

    @r.get("/assets/{name}")
    def asset(name: str) -> Response:
        if name not in own:
            raise HTTPException(404, {"detail": "no such asset", "detail_fa": "چنین فایلی نیست"})
        return _file(own[name])

    @r.get("/docs")
    def docs(request: Request) -> Response:
        html = environment().get_template("docs.html").render(lang=lang_of(request))
        return HTMLResponse(html, headers={"Content-Security-Policy": DOCS_CSP})

    return r
