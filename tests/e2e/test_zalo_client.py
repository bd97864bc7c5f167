"""The Zalo API client against the fake server: retries with backoff, quiet poll timeouts, errors that
must not be retried, and a token that never reaches the log."""

from __future__ import annotations

import itertools
import logging

import httpx
import pytest

from bot.channels.zalo.client import ZaloApiError, ZaloClient, check_secret
from tests.fake_zalo import FakeZalo, text_update


@pytest.fixture
async def fake():
    async with FakeZalo() as server:
        yield server


@pytest.fixture
async def client(fake):
    zalo = ZaloClient(fake.token, fake.base_url, retries=4, backoff=0.05)
    yield zalo
    await zalo.aclose()


async def test_get_me_and_methods_use_json_post(fake, client):
    me = await client.get_me()
    assert me["account_name"] == "bot.CchcSct"
    await client.send_message("u1", "Xin chào")
    await client.send_chat_action("u1")
    assert [c.method for c in fake.calls] == ["getMe", "sendMessage", "sendChatAction"]
    assert fake.calls[1].payload == {"chat_id": "u1", "text": "Xin chào"}
    assert fake.calls[2].payload == {"chat_id": "u1", "action": "typing"}


async def test_server_errors_are_retried_with_growing_delays(fake, client):
    fake.fail("sendMessage", times=3, status=503, error_code=503, description="Service Unavailable")
    await client.send_message("u1", "nội dung")
    calls = fake.of("sendMessage")
    assert [c.status for c in calls] == [503, 503, 503, 200]
    gaps = [b.at - a.at for a, b in itertools.pairwise(calls)]
    assert gaps[0] >= 0.05 and gaps[1] >= 0.1 and gaps[2] >= 0.2  # 0.05 · 2^n
    assert gaps[2] > gaps[0]


async def test_error_in_an_ok_false_body_is_retried_too(fake, client):
    fake.fail("sendMessage", times=1, status=200, error_code=500)
    await client.send_message("u1", "nội dung")
    assert len(fake.of("sendMessage")) == 2


async def test_rate_limit_waits_at_least_retry_after(fake, client):
    fake.fail("sendMessage", times=1, status=429, error_code=429, description="Too many requests", retry_after=0.3)
    await client.send_message("u1", "nội dung")
    first, second = fake.of("sendMessage")
    assert second.at - first.at >= 0.3


async def test_gives_up_after_the_last_retry(fake):
    zalo = ZaloClient(fake.token, fake.base_url, retries=2, backoff=0.01)
    fake.fail("sendMessage", times=5, status=502, error_code=502)
    with pytest.raises(ZaloApiError) as err:
        await zalo.send_message("u1", "nội dung")
    assert err.value.code == 502 and err.value.transient
    assert len(fake.of("sendMessage")) == 3
    await zalo.aclose()


async def test_client_errors_are_not_retried(fake, client):
    fake.fail("sendMessage", times=3, status=200, error_code=400, description="Invalid chat_id")
    with pytest.raises(ZaloApiError) as err:
        await client.send_message("nobody", "nội dung")
    assert err.value.code == 400 and not err.value.transient
    assert len(fake.of("sendMessage")) == 1


async def test_poll_timeout_is_an_empty_answer(fake, client):
    assert await client.get_updates(timeout=1) == []
    (call,) = fake.of("getUpdates")
    assert call.payload == {"timeout": "1"} and call.error_code == 408  # timeout sent as a string


async def test_poll_timeout_as_http_status_is_empty_too(fake, client):
    fake.timeout_as_http_status = True
    assert await client.get_updates(timeout=1) == []


async def test_poll_returns_the_single_update(fake, client):
    update = text_update("u1", "xin chào")
    fake.push(update)
    assert await client.get_updates(timeout=1) == [update]


async def test_poll_accepts_a_list_as_well():
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": True, "result": [{"a": 1}, {"b": 2}]}))
    zalo = ZaloClient("t0ken123", "http://zalo.test", http=httpx.AsyncClient(transport=transport))
    assert await zalo.get_updates(1) == [{"a": 1}, {"b": 2}]


async def test_network_errors_are_retried():
    attempts = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        if len(attempts) < 3:
            raise httpx.ConnectError("connection refused")
        return httpx.Response(200, json={"ok": True, "result": {"message_id": "m1"}})

    zalo = ZaloClient("t0ken123", "http://zalo.test", http=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
                      backoff=0.01)
    assert await zalo.send_message("u1", "x") == {"message_id": "m1"}
    assert len(attempts) == 3


async def test_token_never_appears_in_logs_or_errors(fake, caplog):
    zalo = ZaloClient(fake.token, fake.base_url, retries=1, backoff=0.01)
    fake.fail("sendMessage", times=2, status=500, error_code=500)
    with caplog.at_level(logging.DEBUG, logger="httpx"), pytest.raises(ZaloApiError) as err:
        await zalo.send_message("u1", "nội dung")
    await zalo.aclose()
    assert "httpx" in {r.name for r in caplog.records}  # httpx did log the requests…
    assert fake.token not in caplog.text  # …without the token
    assert fake.token not in str(err.value)


def test_secret_length_is_checked():
    for bad in (None, "", "short", "x" * 257):
        with pytest.raises(ValueError):
            check_secret(bad)
    assert check_secret("8-chars!") == "8-chars!"


async def test_text_length_is_checked_before_sending(fake, client):
    with pytest.raises(ValueError):
        await client.send_message("u1", "x" * 2001)
    assert fake.of("sendMessage") == []
