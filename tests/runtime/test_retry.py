"""`retry`: which errors are repeated, after how long, and when the policy gives up."""

from __future__ import annotations

import random

import pytest
from client_runtime.retry import NO_RETRY, RetryPolicy, Verdict, after_error

POLICY = RetryPolicy(max_retries=3, backoff_base=0.5, backoff_max=30.0, max_rate_limit_wait=60.0)


def seeded(seed: int = 7, **options: float) -> RetryPolicy:
    return RetryPolicy(rng=random.Random(seed), **options)


def test_no_retry_past_max_retries() -> None:
    assert after_error(POLICY, 4, idempotent=True, status=503, code="QUERY_LIMIT_EXCEEDED") is NO_RETRY


def test_the_last_allowed_retry_is_still_made() -> None:
    assert after_error(POLICY, 3, idempotent=True, status=500, code=None).retry is True


def test_max_retries_zero_surfaces_every_error_at_once() -> None:
    policy = RetryPolicy(max_retries=0)
    assert after_error(policy, 1, idempotent=True, status=None, code=None) is NO_RETRY


@pytest.mark.parametrize("idempotent", [True, False])
def test_overload_limit_is_never_retried(idempotent: bool) -> None:
    assert after_error(POLICY, 1, idempotent=idempotent, status=503, code="OVERLOAD_LIMIT") is NO_RETRY


@pytest.mark.parametrize("idempotent", [True, False])
def test_query_limit_exceeded_is_retried_for_every_method(idempotent: bool) -> None:
    verdict = after_error(POLICY, 1, idempotent=idempotent, status=503, code="QUERY_LIMIT_EXCEEDED")
    assert verdict.retry is True and verdict.reason == "QUERY_LIMIT_EXCEEDED (HTTP 503)"


def test_rate_limit_codes_are_case_insensitive() -> None:
    assert after_error(POLICY, 1, idempotent=False, status=503, code="query_limit_exceeded").retry is True


@pytest.mark.parametrize("idempotent", [True, False])
def test_operation_time_limit_waits_until_the_reset_when_it_is_near(idempotent: bool) -> None:
    verdict = after_error(POLICY, 1, idempotent=idempotent, status=429, code="OPERATION_TIME_LIMIT", reset_in=12.5)
    assert verdict == Verdict(True, 12.5, "OPERATION_TIME_LIMIT until operating_reset_at")


def test_operation_time_limit_past_the_longest_wait_is_raised_at_once() -> None:
    verdict = after_error(POLICY, 1, idempotent=True, status=429, code="OPERATION_TIME_LIMIT", reset_in=60.5)
    assert verdict is NO_RETRY


def test_operation_time_limit_exactly_at_the_longest_wait_is_waited_out() -> None:
    verdict = after_error(POLICY, 1, idempotent=True, status=429, code="OPERATION_TIME_LIMIT", reset_in=60.0)
    assert (verdict.retry, verdict.delay) == (True, 60.0)


def test_operation_time_limit_without_a_reset_time_is_raised_at_once() -> None:
    assert after_error(POLICY, 1, idempotent=True, status=429, code="OPERATION_TIME_LIMIT") is NO_RETRY


def test_operation_time_limit_whose_reset_has_passed_on_a_skewed_clock_still_backs_off() -> None:
    verdicts = [
        after_error(POLICY, n, idempotent=True, status=429, code="operation_time_limit", reset_in=-3.0)
        for n in (1, 2, 3)
    ]
    assert [(v.retry, v.delay) for v in verdicts] == [(True, POLICY.ceiling(n)) for n in (1, 2, 3)]
    assert 0 < verdicts[0].delay < verdicts[1].delay < verdicts[2].delay


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_is_retried_for_an_idempotent_method(status: int) -> None:
    verdict = after_error(POLICY, 1, idempotent=True, status=status, code=None)
    assert verdict.retry is True and verdict.reason == f"error (HTTP {status})"


def test_the_reason_names_the_error_code_when_there_is_one() -> None:
    verdict = after_error(POLICY, 1, idempotent=True, status=500, code="INTERNAL_SERVER_ERROR")
    assert verdict.reason == "INTERNAL_SERVER_ERROR (HTTP 500)"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_is_not_retried_for_a_method_not_safe_to_repeat(status: int) -> None:
    assert after_error(POLICY, 1, idempotent=False, status=status, code="INTERNAL_SERVER_ERROR") is NO_RETRY


def test_no_answer_is_retried_for_an_idempotent_method() -> None:
    verdict = after_error(POLICY, 1, idempotent=True, status=None, code=None)
    assert verdict.retry is True and verdict.reason == "no answer"


def test_no_answer_is_not_retried_for_a_method_not_safe_to_repeat() -> None:
    assert after_error(POLICY, 1, idempotent=False, status=None, code=None) is NO_RETRY


@pytest.mark.parametrize(("status", "code"), [(400, "ERROR_ARGUMENT"), (401, "expired_token"), (404, None), (200, "X")])
def test_client_errors_are_never_retried(status: int, code: str | None) -> None:
    assert after_error(POLICY, 1, idempotent=True, status=status, code=code) is NO_RETRY


def test_a_retry_waits_the_policys_backoff() -> None:
    verdict = after_error(seeded(3), 2, idempotent=True, status=502, code=None)
    assert verdict.delay == seeded(3).backoff(2)


@pytest.mark.parametrize("retry", [1, 2, 3, 4, 5, 6, 7, 8])
def test_backoff_stays_between_zero_and_the_doubling_ceiling(retry: int) -> None:
    policy = seeded(11, backoff_base=0.5, backoff_max=10.0)
    ceiling = min(10.0, 0.5 * 2 ** (retry - 1))
    delays = [policy.backoff(retry) for _ in range(200)]
    assert all(0 <= delay <= ceiling for delay in delays) and max(delays) > ceiling / 2


def test_backoff_never_passes_backoff_max() -> None:
    policy = seeded(5, backoff_base=1.0, backoff_max=2.0)
    assert max(policy.backoff(30) for _ in range(200)) <= 2.0


def test_the_same_seed_gives_the_same_delays() -> None:
    first, second = seeded(42), seeded(42)
    assert [first.backoff(n) for n in range(1, 6)] == [second.backoff(n) for n in range(1, 6)]


def test_a_zero_backoff_base_never_waits() -> None:
    assert seeded(1, backoff_base=0.0).backoff(5) == 0.0


def test_policies_compare_equal_whatever_their_random_source() -> None:
    assert seeded(1) == seeded(2) and "rng" not in repr(seeded(1))


def test_backoff_stays_capped_for_a_very_late_retry() -> None:
    policy = seeded(1, backoff_base=0.5, backoff_max=30.0)
    assert 0 <= policy.backoff(1100) <= 30.0
