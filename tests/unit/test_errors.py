"""Error responses become typed exceptions carrying what identifies the failed call."""

from __future__ import annotations

from collections.abc import Callable

import aiohttp
import pytest
from aioresponses import aioresponses
from unit_support import agent_json, any_url, count, error_json, headers_of, only, url

from moderately import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    AsyncModeratelyAI,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    ModeratelyError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

BY_STATUS: list[tuple[int, type[APIStatusError], str]] = [
    (400, BadRequestError, "VALIDATION_ERROR"),
    (401, AuthenticationError, "UNAUTHORIZED"),
    (403, PermissionDeniedError, "FORBIDDEN"),
    (404, NotFoundError, "NOT_FOUND"),
    (409, ConflictError, "CONFLICT"),
    (422, UnprocessableEntityError, "UNPROCESSABLE"),
    (429, RateLimitError, "RATE_LIMITED"),
    (500, InternalServerError, "INTERNAL"),
    (502, InternalServerError, "BAD_GATEWAY"),
    (503, InternalServerError, "UNAVAILABLE"),
    (504, InternalServerError, "GATEWAY_TIMEOUT"),
]


@pytest.fixture
def once(make_client: Callable[..., AsyncModeratelyAI]) -> AsyncModeratelyAI:
    """A client that never retries, so each mapping test sees exactly one response."""
    return make_client(max_retries=0)


@pytest.mark.anyio
@pytest.mark.parametrize(("status", "error_type", "code"), BY_STATUS)
async def test_status_maps_to_typed_error_with_envelope_fields(
    api: aioresponses,
    once: AsyncModeratelyAI,
    status: int,
    error_type: type[APIStatusError],
    code: str,
) -> None:
    details = [{"field": "name", "issue": "taken"}]
    body = error_json(code, "Something specific went wrong", details=details, path="/agents/x")
    api.get(url("/agents/x"), status=status, payload=body, headers={"X-Request-Id": "req-hdr-1"})
    with pytest.raises(error_type) as caught:
        await once.agents.retrieve("x")
    err = caught.value
    assert type(err) is error_type
    assert isinstance(err, APIStatusError)
    assert isinstance(err, APIError)
    assert isinstance(err, ModeratelyError)
    assert err.status_code == status
    assert err.code == code
    assert err.message == "Something specific went wrong"
    assert err.details == details
    assert err.body == body
    assert err.request_id == "req-hdr-1"  # the header wins over the body's requestId
    assert err.method == "GET"
    assert err.url == url("/agents/x")
    assert err.idempotency_key is None  # a GET has none
    text = str(err)
    assert str(status) in text
    assert code in text
    assert "Something specific went wrong" in text
    assert "req-hdr-1" in text
    assert count(api) == 1


@pytest.mark.anyio
async def test_request_id_falls_back_to_the_envelope(
    api: aioresponses, once: AsyncModeratelyAI
) -> None:
    api.get(url("/agents/x"), status=404, payload=error_json("NOT_FOUND", "nope"))
    with pytest.raises(NotFoundError) as caught:
        await once.agents.retrieve("x")
    assert caught.value.request_id == "req-from-body"


@pytest.mark.anyio
async def test_rate_limit_error_carries_retry_after(
    api: aioresponses, once: AsyncModeratelyAI
) -> None:
    api.get(
        url("/agents/x"),
        status=429,
        payload=error_json("RATE_LIMITED", "slow down"),
        headers={"Retry-After": "2"},
    )
    with pytest.raises(RateLimitError) as caught:
        await once.agents.retrieve("x")
    assert caught.value.retry_after == 2.0
    assert caught.value.headers["Retry-After"] == "2"


@pytest.mark.anyio
async def test_rate_limit_error_without_header_has_no_retry_after(
    api: aioresponses, once: AsyncModeratelyAI
) -> None:
    api.get(url("/agents/x"), status=429, payload=error_json("RATE_LIMITED", "slow down"))
    with pytest.raises(RateLimitError) as caught:
        await once.agents.retrieve("x")
    assert caught.value.retry_after is None


@pytest.mark.anyio
async def test_non_json_error_body(api: aioresponses, once: AsyncModeratelyAI) -> None:
    api.get(
        url("/agents/x"),
        status=502,
        body="<html>Bad Gateway</html>",
        content_type="text/html",
        headers={"X-Request-Id": "edge-7"},
    )
    with pytest.raises(InternalServerError) as caught:
        await once.agents.retrieve("x")
    err = caught.value
    assert err.status_code == 502
    assert err.code is None
    assert err.details is None
    assert err.body == "<html>Bad Gateway</html>"
    assert "Bad Gateway" in err.message
    assert err.request_id == "edge-7"


@pytest.mark.anyio
async def test_empty_error_body(api: aioresponses, once: AsyncModeratelyAI) -> None:
    api.get(url("/agents/x"), status=403, body="")
    with pytest.raises(PermissionDeniedError) as caught:
        await once.agents.retrieve("x")
    assert caught.value.body is None
    assert caught.value.message == "HTTP 403"


@pytest.mark.anyio
async def test_json_error_without_the_envelope(api: aioresponses, once: AsyncModeratelyAI) -> None:
    api.get(url("/agents/x"), status=400, payload={"detail": "odd shape"})
    with pytest.raises(BadRequestError) as caught:
        await once.agents.retrieve("x")
    assert caught.value.body == {"detail": "odd shape"}
    assert caught.value.code is None
    assert caught.value.message == "HTTP 400"


@pytest.mark.anyio
async def test_unlisted_4xx_is_a_plain_status_error(
    api: aioresponses, once: AsyncModeratelyAI
) -> None:
    api.get(url("/agents/x"), status=418, payload=error_json("TEAPOT", "short and stout"))
    with pytest.raises(APIStatusError) as caught:
        await once.agents.retrieve("x")
    assert type(caught.value) is APIStatusError
    assert caught.value.status_code == 418


@pytest.mark.anyio
@pytest.mark.parametrize(
    "body",
    [
        b'{"agentId": "ag-1"}',  # required fields missing
        b'{"agentId": 5, "teamId": "t", "name": "n"}',  # wrong type
        b"not json at all",
        b"",
    ],
)
async def test_2xx_body_that_does_not_fit_the_model(
    api: aioresponses, once: AsyncModeratelyAI, body: bytes
) -> None:
    api.get(url("/agents/ag-1"), status=200, body=body, headers={"X-Request-Id": "req-ok"})
    with pytest.raises(APIResponseValidationError) as caught:
        await once.agents.retrieve("ag-1")
    err = caught.value
    assert err.status_code == 200
    assert err.body == body
    assert err.request_id == "req-ok"
    assert "Agent" in str(err)
    assert count(api) == 1  # a body that does not fit is never retried


@pytest.mark.anyio
async def test_list_page_that_does_not_fit(api: aioresponses, once: AsyncModeratelyAI) -> None:
    api.get(any_url("/agents"), payload={"items": [{"name": "no ids"}], "pagination": {}})
    with pytest.raises(APIResponseValidationError):
        await once.agents.list()


@pytest.mark.anyio
@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
async def test_errors_of_non_get_calls_carry_the_idempotency_key(
    api: aioresponses, once: AsyncModeratelyAI, method: str
) -> None:
    body = error_json("CONFLICT", "name taken")
    api.add(url("/agents") if method == "POST" else url("/agents/ag-1"), method, 409, payload=body)
    calls = {
        "POST": lambda: once.agents.create(name="Support"),
        "PATCH": lambda: once.agents.update("ag-1", name="Support"),
        "DELETE": lambda: once.agents.delete("ag-1"),
    }
    with pytest.raises(ConflictError) as caught:
        await calls[method]()
    sent_key = headers_of(only(api)[2])["idempotency-key"]
    assert caught.value.idempotency_key == sent_key
    assert caught.value.method == method
    assert sent_key in str(caught.value)


@pytest.mark.anyio
async def test_validation_error_of_a_create_carries_the_idempotency_key(
    api: aioresponses, once: AsyncModeratelyAI
) -> None:
    api.post(url("/agents"), status=201, payload={"unexpected": True})
    with pytest.raises(APIResponseValidationError) as caught:
        await once.agents.create(name="Support")
    assert caught.value.idempotency_key == headers_of(only(api)[2])["idempotency-key"]


@pytest.mark.anyio
async def test_connection_error_is_typed_and_identifies_the_call(
    api: aioresponses, once: AsyncModeratelyAI
) -> None:
    api.post(url("/agents"), exception=aiohttp.ServerDisconnectedError())
    with pytest.raises(APIConnectionError) as caught:
        await once.agents.create(name="Support")
    err = caught.value
    assert err.outcome_unknown is True
    assert err.method == "POST"
    assert err.idempotency_key == headers_of(only(api)[2])["idempotency-key"]
    assert isinstance(err.__cause__, aiohttp.ServerDisconnectedError)


@pytest.mark.anyio
async def test_update_with_an_empty_body_reads_the_object_back(
    api: aioresponses, client: AsyncModeratelyAI
) -> None:
    api.patch(url("/agents/ag-1"), status=200, body="")
    api.get(url("/agents/ag-1"), payload=agent_json(name="Renamed"))
    agent = await client.agents.update("ag-1", name="Renamed")
    assert agent.name == "Renamed"


def test_every_429_reads_its_retry_after_where_the_error_is_built() -> None:
    # One place builds status errors for API calls and storage transfers alike, so a 429 from
    # a presigned storage URL carries the server's Retry-After as an API 429 does.
    from moderately._errors import status_error_from
    from moderately._response import Response

    storage_429 = Response("PUT", "https://storage.test/f", 429, {"Retry-After": "3"}, b"", None)
    error = status_error_from(storage_429, idempotency_key=None)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 3.0
