"""OpenAPI definitions (Swagger 2.0, OpenAPI 3.x) of SAM and CloudFormation APIs into routes.

Every expected value and line number was read off the fixture files by hand.
"""

from __future__ import annotations

from pathlib import Path

from faasguard.loaders.cloudformation import load_template
from faasguard.loaders.yamljson import load_file
from faasguard.model import Api, App, Route

FIXTURES = Path(__file__).parent / "fixtures" / "openapi"


def _load(name: str) -> App:
    return load_template(load_file(str(FIXTURES / name), name), str(FIXTURES))


def _api(app: App, ident: str) -> Api:
    return next(a for a in app.apis if a.id == ident)


def _routes(api: Api) -> dict[tuple[str, str], Route]:
    return {(r.method, r.path): r for r in api.routes}


def test_every_path_and_method_becomes_a_route_with_its_function() -> None:
    api = _api(_load("sam_rest.yaml"), "OrdersApi")
    assert api.routes_complete is True
    found = sorted((r.method, r.path, r.location.line, r.function) for r in api.routes)
    assert found == [
        ("ANY", "/admin/{proxy+}", 81, "AdminFn"),
        ("GET", "/health", 76, None),  # mock integration: no function
        ("GET", "/orders", 105, "OverrideFn"),  # the SAM event on the same route wins
        ("OPTIONS", "/orders", 65, None),
        ("POST", "/orders", 56, "CreateFn"),
        ("PUT", "/extra", 111, "OverrideFn"),  # an event route the definition lacks
    ]


def test_security_from_operation_else_document() -> None:
    routes = _routes(_api(_load("sam_rest.yaml"), "OrdersApi"))
    listed = routes[("GET", "/orders")].authorizer  # document-level security, kept on merge
    assert listed is not None and listed.kind == "COGNITO" and listed.user_pools == ("Pool",)
    assert routes[("GET", "/orders")].scopes == ("orders/read",)
    created = routes[("POST", "/orders")]
    assert created.authorizer is not None and created.authorizer.kind == "LAMBDA_TOKEN"
    assert created.authorizer.function == "AuthFn" and created.authorizer.ttl == 300
    assert created.api_key_required is True  # api_key scheme: x-api-key header
    admin = routes[("ANY", "/admin/{proxy+}")].authorizer
    assert admin is not None and admin.kind == "IAM"
    assert routes[("GET", "/health")].authorizer is None  # security: []
    assert routes[("PUT", "/extra")].authorizer is None
    assert routes[("GET", "/orders")].api_key_required is False


def test_request_validators_document_default_and_per_operation() -> None:
    routes = _routes(_api(_load("sam_rest.yaml"), "OrdersApi"))
    assert routes[("POST", "/orders")].request_validation is True  # "all"
    assert routes[("GET", "/orders")].request_validation is False  # default "none"


def test_authorizers_and_cors_of_the_definition() -> None:
    app = _load("sam_rest.yaml")
    api = _api(app, "OrdersApi")
    assert [(a.name, a.kind, a.location.line) for a in api.authorizers] == [
        ("UserPool", "COGNITO", 14),
        ("TokenAuth", "LAMBDA_TOKEN", 23),
        ("Sigv4", "IAM", 36),
    ]
    assert api.cors is not None
    assert api.cors.allow_origins == ("*", "https://shop.example.com")  # quotes removed
    assert api.cors.allow_methods == ("GET", "POST", "OPTIONS")
    assert api.cors.location.line == 74
    assert not [d for d in app.diagnostics if d.code == "FG002"]


def test_cloudformation_http_api_body_openapi3() -> None:
    app = _load("cfn_http.yaml")
    api = _api(app, "HttpApi")
    assert api.routes_complete is True
    routes = _routes(api)
    items = routes[("GET", "/items")]
    assert items.function == "ItemsFn" and items.location.line == 30
    assert items.authorizer is not None and items.authorizer.kind == "JWT"
    assert items.authorizer.issuer == "https://issuer.example.com"
    assert items.authorizer.audience == ("client-1",)
    assert items.scopes == ("items.read",)
    deleted = routes[("DELETE", "/items")].authorizer
    assert deleted is not None and deleted.kind == "IAM"
    assert api.cors is not None and api.cors.allow_origins == ("*",)
    assert api.cors.allow_credentials is False and api.cors.location.line == 24


def test_s3_body_location_stays_unanalysed() -> None:
    app = _load("cfn_http.yaml")
    assert _api(app, "RestFromS3").routes_complete is False
    assert [(d.code, d.location.line) for d in app.diagnostics] == [("FG002", 47)]


def test_definition_uri_read_only_inside_the_template_tree() -> None:
    app = _load("sam_uri.yaml")
    file_api = _api(app, "FileApi")
    assert file_api.routes_complete is True
    (route,) = file_api.routes
    assert (route.method, route.path) == ("POST", "/files")
    assert route.location == route.location.__class__(file="specs/api.yaml", line=7, column=5)
    assert route.function == (
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:us-east-1:123456789012:function:files/invocations"
    )
    for ident in ("EscapingApi", "S3Api", "MissingApi"):
        assert _api(app, ident).routes_complete is False, ident
        assert _api(app, ident).routes == ()
    notes = sorted((d.location.line, d.message) for d in app.diagnostics)
    assert [line for line, _ in notes] == [12, 17, 22]
    assert "outside the template's directory" in notes[0][1]
    assert "not a local file" in notes[1][1]
    assert "does not exist" in notes[2][1]
