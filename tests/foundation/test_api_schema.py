"""The OpenAPI 3 schema and its browsable docs page, both working on an offline intranet."""

import re

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3(client, software_officer):
    client.force_login(software_officer)
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in [
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/unions/",
        "/api/v1/chains/",
        "/api/v1/departments/",
    ]:
        assert path in schema["paths"], path
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_as_yaml_by_default(client, leader):
    client.force_login(leader)
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["info"]["title"] == "Liaison API (助链联动工作平台)"


def test_schema_and_docs_are_for_signed_in_users_only(client):
    # DESIGN "Public API" (issue 10): the schema maps every endpoint an attacker would probe.
    assert client.get("/api/v1/schema/").status_code == 401
    assert client.get("/api/v1/docs/").status_code == 401
    assert client.get("/api/v1/me/").status_code == 401


def test_docs_page_loads_nothing_from_the_network(client, leader):
    client.force_login(leader)
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    # Every script, stylesheet and icon comes from our own static files.
    assert re.findall(r"(?:src|href)=\"(https?:)?//", html) == []
    assert "cdn" not in html.lower()
    for asset in re.findall(r"(?:src|href)=\"(/static/[^\"]+)\"", html):
        assert client.get(asset).status_code == 200, asset
