"""The OpenAPI page at ``/docs``, served from local files: nothing is fetched from a CDN."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles


def install_docs(app: FastAPI) -> None:
    """The OpenAPI page at ``/docs`` with Swagger UI's files served from ``/docs/assets``, not a CDN."""
    # Swagger UI's own files (Apache-2.0), shipped by the swagger-ui-py package; found without
    # importing it, which would load its web-framework adapters.
    spec = find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("/docs needs the swagger-ui-py package: pip install -e .")
    assets = Path(spec.submodule_search_locations[0]) / "static"
    app.mount("/docs/assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},  # else the page asks validator.swagger.io
        )
