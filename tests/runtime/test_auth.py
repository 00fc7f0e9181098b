"""`auth`: the token pair, its generations, and the refresh request and answer."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from client_runtime import secrets
from client_runtime.auth import DEFAULT_TOKEN_URL, OAuthApp, TokenPair, TokenState, read_refresh_answer, refresh_query
from client_runtime.errors import AuthError, ConfigurationError, TokenRefreshError

from tests.support import SECRETS_SEEN

ACCESS = "AUTH-access-token-7a1f"
REFRESH = "AUTH-refresh-token-93bd"
NEW_ACCESS = "AUTH-new-access-1c4e"
NEW_REFRESH = "AUTH-new-refresh-2d8a"
CLIENT_SECRET = "AUTH-client-secret-77e0"
SECRETS_SEEN.update({ACCESS, REFRESH, NEW_ACCESS, NEW_REFRESH, CLIENT_SECRET})

APP = OAuthApp("app.test", CLIENT_SECRET)


def answer(status: int = 200, **data: Any) -> TokenPair:
    return read_refresh_answer(status, json.dumps(data).encode())


def refusal(status: int, content: bytes) -> TokenRefreshError:
    with pytest.raises(TokenRefreshError) as caught:
        read_refresh_answer(status, content)
    return caught.value


def test_the_default_token_url_is_bitrix24s_oauth_server() -> None:
    assert DEFAULT_TOKEN_URL == "https://oauth.bitrix.info/oauth/token/" and APP.token_url == DEFAULT_TOKEN_URL


def test_a_token_pairs_repr_shows_no_token() -> None:
    text = repr(TokenPair(ACCESS, REFRESH, 5.0, {"member_id": "m"}))
    assert ACCESS not in text and REFRESH not in text and "expires_at=5.0" in text


def test_an_apps_repr_shows_no_client_secret() -> None:
    assert CLIENT_SECRET not in repr(APP) and "app.test" in repr(APP)


def test_a_new_token_state_is_generation_zero() -> None:
    assert TokenState(TokenPair(ACCESS)).generation == 0


def test_replacing_the_pair_makes_it_current_and_starts_a_new_generation() -> None:
    state = TokenState(TokenPair(ACCESS, REFRESH))
    new = TokenPair(NEW_ACCESS, NEW_REFRESH)
    state.replace(new)
    assert (state.pair, state.generation) == (new, 1)


def test_a_token_state_registers_its_tokens_as_secrets() -> None:
    TokenState(TokenPair(ACCESS, REFRESH))
    assert secrets.redact(f"{ACCESS} {REFRESH}") == "*** ***"


def test_a_webhook_has_a_token_state_without_a_pair() -> None:
    state = TokenState(None)
    assert (state.pair, state.generation) == (None, 0)


def test_the_refresh_query_asks_for_a_refresh_token_grant() -> None:
    assert refresh_query(APP, TokenPair(ACCESS, REFRESH)) == {
        "grant_type": "refresh_token",
        "client_id": "app.test",
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH,
    }


def test_without_a_refresh_token_there_is_nothing_to_refresh_with() -> None:
    with pytest.raises(ConfigurationError, match="no refresh_token"):
        refresh_query(APP, TokenPair(ACCESS))


def test_a_refresh_answer_gives_the_new_pair() -> None:
    pair = answer(access_token=NEW_ACCESS, refresh_token=NEW_REFRESH)
    assert (pair.access_token, pair.refresh_token) == (NEW_ACCESS, NEW_REFRESH)


def test_expires_gives_the_expiry_time() -> None:
    assert answer(access_token=NEW_ACCESS, refresh_token=NEW_REFRESH, expires=1_700_000_000).expires_at == 1.7e9


def test_expires_in_counts_from_now() -> None:
    before = time.time()
    expires_at = answer(access_token=NEW_ACCESS, refresh_token=NEW_REFRESH, expires_in=3600).expires_at
    assert expires_at is not None and before + 3600 <= expires_at <= time.time() + 3600


def test_an_answer_without_an_expiry_has_none() -> None:
    assert answer(access_token=NEW_ACCESS, refresh_token=NEW_REFRESH, expires=True).expires_at is None


def test_details_keep_the_whole_answer_but_the_tokens() -> None:
    pair = answer(access_token=NEW_ACCESS, refresh_token=NEW_REFRESH, member_id="m1", scope="imopenlines")
    assert pair.details == {"member_id": "m1", "scope": "imopenlines"}


def test_the_new_tokens_are_registered_as_secrets() -> None:
    fresh_access, fresh_refresh = "AUTH-fresh-access-5550", "AUTH-fresh-refresh-5551"
    SECRETS_SEEN.update({fresh_access, fresh_refresh})
    answer(access_token=fresh_access, refresh_token=fresh_refresh)
    assert secrets.redact(fresh_access + " " + fresh_refresh) == "*** ***"


def test_an_error_answer_raises_with_its_code_and_description() -> None:
    error = refusal(400, b'{"error": "invalid_grant", "error_description": "Invalid refresh token"}')
    assert (error.code, error.description, error.status, error.method) == (
        "invalid_grant",
        "Invalid refresh token",
        400,
        "oauth/token",
    )


def test_a_refused_refresh_is_an_auth_error() -> None:
    assert isinstance(refusal(401, b'{"error": "expired_token"}'), AuthError)


def test_an_error_code_inside_http_200_is_still_a_refusal() -> None:
    assert refusal(200, b'{"error": "invalid_client"}').code == "invalid_client"


def test_an_error_status_without_a_code_is_refresh_failed() -> None:
    error = refusal(502, b'{"access_token": "x"}')
    assert (error.code, error.status) == ("refresh_failed", 502)


def test_an_answer_that_is_not_json_is_refresh_failed() -> None:
    error = refusal(200, b"<html>maintenance</html>")
    assert (error.code, error.description) == ("refresh_failed", "the token endpoint did not return a new token pair")


@pytest.mark.parametrize(
    "data",
    [{"access_token": "only-access-1"}, {"refresh_token": "only-refresh-1"}, {"access_token": "", "refresh_token": ""}],
)
def test_an_answer_without_both_tokens_is_refresh_failed(data: dict[str, Any]) -> None:
    error = refusal(200, json.dumps(data).encode())
    assert (error.code, error.description) == ("refresh_failed", "the answer has no access_token and refresh_token")


def test_a_refusal_masks_secrets_the_description_repeats() -> None:
    TokenState(TokenPair(ACCESS, REFRESH))
    error = refusal(400, json.dumps({"error": "invalid_grant", "error_description": f"bad {REFRESH}"}).encode())
    assert error.description == "bad ***" and REFRESH not in str(error)
