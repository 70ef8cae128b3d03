"""The OpenAPI schema documents the issues endpoints, without warnings or errors."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

ISSUE_PATHS = [
    "/api/v1/issues/",
    "/api/v1/issues/{id}/",
    "/api/v1/issues/{id}/transitions/{name}/",
    "/api/v1/issues/{id}/history/",
    "/api/v1/issues/{id}/updates/",
    "/api/v1/issues/{id}/extensions/",
    "/api/v1/issues/{id}/extensions/{eid}/{decision}/",
]


def test_the_schema_of_the_issues_endpoints_builds_cleanly():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)

    # drf-spectacular keeps the generator's warnings and errors only in these two dicts
    collected = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]  # noqa: SLF001
    problems = [message for message in collected if "issues" in message.lower()]
    assert problems == []
    assert set(ISSUE_PATHS) <= set(schema["paths"])
    issue = schema["components"]["schemas"]["Issue"]["properties"]
    assert {"number", "state", "available_transitions", "warning", "extension_count"} <= set(issue)
    extension = schema["components"]["schemas"]["Extension"]["properties"]
    assert {"id", "due_date", "reason", "state", "requested_by", "decided_by", "note"} <= set(
        extension
    )
    names = next(
        p for p in schema["paths"][ISSUE_PATHS[2]]["post"]["parameters"] if p["name"] == "name"
    )
    assert set(names["schema"]["enum"]) == {
        "assign",
        "reassign",
        "accept",
        "return",
        "resolve",
        "verify",
        "reopen",
        "withdraw",
        "merge",
    }


@pytest.mark.django_db
def test_the_schema_is_served(api, leader):
    response = api.as_user(leader).get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/issues/{id}/transitions/{name}/" in response.content
