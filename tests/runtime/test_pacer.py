"""`pacer.Pacer`: the client-side leaky bucket, driven by a fake clock (nothing sleeps)."""

from __future__ import annotations

import pytest
from client_runtime.errors import ConfigurationError
from client_runtime.pacer import ENTERPRISE_PLAN, STANDARD_PLAN, Pacer, RateLimit


class FakeClock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def free_slots(pacer: Pacer, limit: int = 10_000) -> int:
    """How many reservations in a row need no wait (the next one then waits)."""
    for taken in range(limit):
        if pacer.reserve() > 0:
            return taken
    raise AssertionError("the pacer never made a request wait")


def test_the_plans_match_bitrix24s_buckets() -> None:
    assert RateLimit(50, 2.0) == STANDARD_PLAN and RateLimit(250, 5.0) == ENTERPRISE_PLAN


def test_the_standard_plan_sends_a_burst_of_fifty_less_one_spare_slot_at_once() -> None:
    assert free_slots(Pacer(STANDARD_PLAN, clock=FakeClock())) == 49


def test_the_enterprise_plan_keeps_two_spare_slots() -> None:
    assert free_slots(Pacer(ENTERPRISE_PLAN, clock=FakeClock())) == 248


def test_a_longer_jitter_keeps_more_slots_spare() -> None:
    assert free_slots(Pacer(RateLimit(50, 2.0), jitter=2.0, clock=FakeClock())) == 46


def test_no_jitter_still_keeps_one_slot_spare() -> None:
    assert free_slots(Pacer(RateLimit(10, 2.0), jitter=0.0, clock=FakeClock())) == 9


def test_the_first_request_past_the_burst_waits_for_one_slot_to_drain() -> None:
    pacer = Pacer(RateLimit(5, 2.0), clock=FakeClock())
    waits = [pacer.reserve() for _ in range(5)]
    assert waits == [0.0, 0.0, 0.0, 0.0, 0.5]


def test_each_further_request_waits_one_drain_interval_longer() -> None:
    pacer = Pacer(RateLimit(3, 4.0), clock=FakeClock())
    for _ in range(2):
        pacer.reserve()
    assert [pacer.reserve() for _ in range(4)] == [0.25, 0.5, 0.75, 1.0]


def test_the_bucket_drains_with_time() -> None:
    clock = FakeClock()
    pacer = Pacer(RateLimit(5, 2.0), clock=clock)
    free_slots(pacer)
    clock.advance(10.0)
    assert pacer.reserve() == 0.0


def test_draining_frees_as_many_slots_as_the_drain_rate_allows() -> None:
    clock = FakeClock()
    pacer = Pacer(RateLimit(10, 2.0), clock=clock)
    for _ in range(9):
        pacer.reserve()
    clock.advance(1.5)
    assert free_slots(pacer) == 3


def test_a_long_idle_time_gives_back_the_burst_and_no_more() -> None:
    clock = FakeClock()
    pacer = Pacer(RateLimit(5, 2.0), clock=clock)
    clock.advance(3600.0)
    assert free_slots(pacer) == 4


def test_a_bucket_of_one_lets_one_request_through_at_a_time() -> None:
    pacer = Pacer(RateLimit(1, 1.0), clock=FakeClock())
    assert [pacer.reserve() for _ in range(3)] == [0.0, 1.0, 2.0]


@pytest.mark.parametrize("limit", [RateLimit(0, 2.0), RateLimit(5, 0.0), RateLimit(5, -1.0)])
def test_a_rate_limit_without_burst_or_drain_is_refused(limit: RateLimit) -> None:
    with pytest.raises(ConfigurationError, match="burst >= 1"):
        Pacer(limit)


def test_the_pacer_uses_the_monotonic_clock_by_default() -> None:
    assert Pacer().reserve() == 0.0


def test_repr_shows_the_limit() -> None:
    assert repr(Pacer(ENTERPRISE_PLAN)) == "Pacer(burst=250, drain_per_second=5.0)"


def test_after_a_query_limit_answer_the_bucket_counts_as_full() -> None:
    now = [0.0]
    pacer = Pacer(RateLimit(burst=10, drain_per_second=2.0), clock=lambda: now[0])
    assert pacer.reserve() == 0.0

    pacer.saturate()

    assert pacer.reserve() > 0.0  # the next request waits for the bucket to drain


def test_clients_of_one_portal_share_one_bucket_unless_told_not_to() -> None:
    from client_runtime.pacer import shared_pacer

    limit = RateLimit(burst=7, drain_per_second=1.0)
    assert shared_pacer("https://a.example/rest/", limit) is shared_pacer("https://a.example/rest/", limit)
    assert shared_pacer("https://a.example/rest/", limit) is not shared_pacer("https://b.example/rest/", limit)
