"""`secrets`: registering secrets, masking them in any text, and the logging filter."""

from __future__ import annotations

import logging

import pytest
from client_runtime import PACKAGE, secrets
from client_runtime.auth import TokenPair, TokenState

from tests.support import SECRETS_SEEN

SECRET = "SECRETS-token-4e2b9"
LONGER = SECRET + "-and-more"
SECRETS_SEEN.update({SECRET, LONGER})


def record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("test", logging.INFO, __file__, 1, message, args, None)


def test_a_registered_secret_is_masked_in_any_text() -> None:
    secrets.register(SECRET)
    assert secrets.redact(f"token={SECRET}&again={SECRET}") == "token=***&again=***"


def test_text_without_a_secret_is_left_as_it_is() -> None:
    text = "nothing to hide here"
    assert secrets.redact(text) is text


@pytest.mark.parametrize("value", ["short", "", None])
def test_short_or_empty_values_are_not_registered_so_ordinary_words_stay(value: str | None) -> None:
    secrets.register(value)
    assert secrets.redact("a short word") == "a short word"


def test_the_longer_of_two_overlapping_secrets_is_masked_whole() -> None:
    secrets.register(SECRET, LONGER)
    assert secrets.redact(f"[{LONGER}]") == "[***]"


def test_registering_a_secret_twice_keeps_it_once() -> None:
    secrets.register(SECRET)
    count = list(secrets._secrets).count(SECRET)
    secrets.register(SECRET)
    assert list(secrets._secrets).count(SECRET) == count == 1


def test_the_filter_rewrites_a_message_with_a_secret_in_its_arguments() -> None:
    secrets.register(SECRET)
    entry = record("GET %s?auth=%s", "https://example.test/", SECRET)
    kept = secrets.RedactingFilter().filter(entry)
    assert (kept, entry.getMessage(), entry.args) == (True, "GET https://example.test/?auth=***", None)


def test_the_filter_leaves_a_clean_record_untouched() -> None:
    entry = record("attempt %d", 3)
    assert secrets.RedactingFilter().filter(entry) and (entry.msg, entry.args) == ("attempt %d", (3,))


def test_the_filter_lets_a_broken_record_through_for_logging_to_report() -> None:
    entry = record("%d items", "not a number")
    assert secrets.RedactingFilter().filter(entry) is True and entry.msg == "%d items"


def test_the_log_filter_is_installed_once_on_each_logger_that_may_see_a_secret() -> None:
    secrets.install_log_filter()
    secrets.install_log_filter()
    counts = [logging.getLogger(name).filters.count(secrets._FILTER) for name in secrets.LOGGER_NAMES]
    assert secrets.LOGGER_NAMES == (PACKAGE, "httpx", "httpcore") and counts == [1, 1, 1]


def test_records_of_the_packages_logger_reach_handlers_masked(caplog: pytest.LogCaptureFixture) -> None:
    secrets.install_log_filter()
    secrets.register(SECRET)
    with caplog.at_level(logging.INFO, logger=PACKAGE):
        logging.getLogger(PACKAGE).info("refreshing with %s", SECRET)
    assert [r.getMessage() for r in caplog.records if r.name == PACKAGE] == ["refreshing with ***"]


@pytest.mark.usefixtures("isolated_secrets")
def test_a_secret_still_in_use_stays_masked_however_many_tokens_were_refreshed_since() -> None:
    client_secret = "SECRETS-client-secret-0a9f"
    SECRETS_SEEN.add(client_secret)
    secrets.hold(client_secret)  # as a client holds its secret
    state = TokenState(TokenPair("SECRETS-first-access-000", "SECRETS-first-refresh-000"))
    for n in range(5000):  # more than the remembered old tokens
        state.replace(TokenPair(f"SECRETS-access-{n:06d}", f"SECRETS-refresh-{n:06d}"))

    assert secrets.redact(f"secret {client_secret} in any text") == "secret *** in any text"
    assert secrets.redact("now SECRETS-access-004999 and SECRETS-refresh-004999") == "now *** and ***"
    assert secrets.redact("recent SECRETS-access-004000") == "recent ***"
    secrets.release(client_secret)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("GET /oauth/token/?client_secret=abc123456&refresh_token=r9f8e7d6c5&x=1", "GET /oauth/token/?client_secret=***&refresh_token=***&x=1"),
        ('{"auth": "never-registered-token", "ID": 1}', '{"auth": "***", "ID": 1}'),
        ("POST https://p.bitrix24.com/rest/1/abcdef123456/profile", "POST https://p.bitrix24.com/rest/1/***/profile"),
    ],
)
def test_a_secret_in_a_known_place_is_masked_even_if_never_registered(text: str, masked: str) -> None:
    assert secrets.redact(text) == masked


@pytest.mark.usefixtures("isolated_secrets")
def test_a_token_state_collected_while_a_log_line_is_masked_does_not_deadlock() -> None:
    import gc

    class Cycle:  # collected by the cycle collector, whose finalisers run wherever it triggers
        def __init__(self) -> None:
            self.me = self
            self.state = TokenState(TokenPair("SECRETS-cycle-access-1", "SECRETS-cycle-refresh-1"))

    Cycle()
    with secrets._lock:  # as when the collector runs inside redact(), which holds the lock
        gc.collect()
    assert secrets.redact("SECRETS-cycle-access-1") == "***"  # released, still remembered
    assert "SECRETS-cycle-access-1" not in secrets._held
