"""contracts/openapi.yaml documents exactly the routes processors/web.py registers."""

from __future__ import annotations

import faust
import yaml

from processors.entrypoints.web import ROUTES
from processors.entrypoints.web import register_web
from processors.metrics import Metrics
from processors.settings import Settings
from tests.paths import REPO_ROOT

OPENAPI_PATH = REPO_ROOT / "contracts" / "openapi.yaml"
OPENAPI = yaml.safe_load(OPENAPI_PATH.read_text())
METHODS = {"get", "post", "put", "patch", "delete"}


def registered_routes() -> set[tuple[str, str]]:
    app = faust.App("openapi-test", broker="kafka://127.0.0.1:1", store="memory://")
    jobs = app.Table("jobs", default=None, key_type=bytes, value_type=None, partitions=4)
    register_web(app, jobs=jobs, settings=Settings(), metrics=Metrics())
    return {
        (method, path)
        for path, view in app.web.views.items()
        for method in view.get_methods() - {"HEAD"}
    }


def documented_routes() -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in OPENAPI["paths"].items()
        for method in item
        if method in METHODS
    }


def test_every_registered_route_is_documented_and_nothing_more():
    assert registered_routes() == documented_routes() == set(ROUTES)


def test_it_is_openapi_3_1():
    assert OPENAPI["openapi"].startswith("3.1")


def test_every_reference_resolves():
    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for item in node:
                yield from refs(item)

    found = list(refs(OPENAPI))
    assert any(ref.endswith(".schema.json") for ref in found)
    for ref in found:
        if ref.startswith("#/"):
            node = OPENAPI
            for part in ref[2:].split("/"):
                node = node[part]
        else:
            assert (OPENAPI_PATH.parent / ref).is_file(), ref


def test_the_health_check_and_metrics_need_no_token_and_the_rest_do():
    assert OPENAPI["security"] == [{"bearer": []}]
    for path, item in OPENAPI["paths"].items():
        for method, operation in item.items():
            public = operation.get("security") == []
            assert public == (path in ("/healthz", "/metrics")), (method, path)
