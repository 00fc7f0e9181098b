"""Every claim the generated docs make about the client's behaviour is backed by named tests.

`CLAIMS` maps each claim of `generated/docs/index.md` (a bullet's bold title, or a phrase of a
paragraph) to the tests that pin it. A new bullet without tests, a phrase the docs no longer
say, or a test that no longer exists fails here, so the docs cannot promise more than is tested.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

from tests.support import GENERATED_DIR

TESTS_DIR = Path(__file__).resolve().parents[1]
INDEX = GENERATED_DIR / "docs" / "index.md"

CLAIMS: dict[str, tuple[str, ...]] = {
    # Clients and authentication
    "**Token refresh.**": (
        "test_an_expired_token_is_refreshed_once_and_the_call_repeated",
        "test_expired_token_mid_load_leads_to_exactly_one_refresh_shared_by_all_threads",
        "test_concurrent_tasks_that_find_the_token_expired_share_one_refresh",
        "test_a_failed_refresh_is_one_token_request_and_every_waiting_thread_gets_its_error",
        "test_thirty_threads_with_a_dead_refresh_token_make_one_token_request_and_all_get_its_error",
        "test_a_hanging_token_endpoint_fails_every_waiting_thread_after_the_token_timeout_not_the_read_timeout",
        "test_the_client_keeps_the_new_pair_and_hands_it_to_on_token_refresh",
        "test_an_async_token_callback_is_awaited",
    ),
    "**Token stores.**": (
        "test_a_client_made_from_a_token_store_starts_with_the_stored_pair",
        "test_two_processes_sharing_a_file_token_store_survive_5_expiries_without_invalid_grant",
    ),
    "**A portal that moved.**": ("test_a_portal_that_moved_raises_with_its_new_address_and_sends_nothing_there",),
    "**Auth context.**": ("test_an_application_only_method_is_refused_through_a_webhook_before_sending",),
    "**HTTPS only.**": (
        "test_a_plain_http_portal_is_refused",
        "test_a_plain_http_token_url_is_refused",
        "test_a_plain_http_portal_is_allowed_for_a_local_test_server_when_asked",
    ),
    "**Secrets stay secret.**": (
        "test_no_secret_of_2000_refreshes_appears_in_any_log_record_exception_or_repr_at_debug",
        "test_a_failed_refresh_carries_no_secret_anywhere_in_its_exception_chain",
        "test_a_secret_still_in_use_stays_masked_however_many_tokens_were_refreshed_since",
        "test_a_secret_in_a_known_place_is_masked_even_if_never_registered",
        "test_secrets_are_masked_in_reprs_and_in_httpx_request_logs",
    ),
    "**Bad options and arguments.**": (
        "test_a_bad_option_raises_configuration_error_when_the_client_is_made",
        "test_an_argument_that_is_not_json_raises_invalid_argument_error_and_sends_nothing",
        "test_the_async_client_refuses_the_same_arguments",
        "test_a_bad_call_option_raises_invalid_argument_error_before_any_request",
        "test_a_transport_failing_outside_httpx_s_errors_raises_transport_error_with_its_cause",
    ),
    # Pacing, retries and timeouts
    "**Pacing.**": (
        "test_twenty_threads_through_one_paced_client_never_hit_the_portals_limit",
        "test_two_hundred_asyncio_tasks_through_one_paced_client_never_hit_the_portals_limit",
        "test_two_clients_of_one_portal_share_its_bucket_and_a_503_fills_it",
        "test_clients_of_one_portal_share_one_bucket_unless_told_not_to",
        "test_after_a_query_limit_answer_the_bucket_counts_as_full",
    ),
    "**Retries**": (
        "test_query_limit_exceeded_is_retried_for_every_method",
        "test_a_server_error_is_retried_for_an_idempotent_method",
        "test_a_server_error_is_not_retried_for_a_method_not_safe_to_repeat",
        "test_overload_limit_is_never_retried",
        "test_an_untrusted_certificate_is_named_and_never_retried",
        "test_a_refused_connection_says_so",
        "test_each_retry_logs_one_warning_naming_the_method",
    ),
    "**Deadlines.**": (
        "test_a_body_trickling_past_the_deadline_ends_the_call_at_its_deadline",
        "test_the_async_client_keeps_the_client_wide_deadline",
        "test_a_retry_that_cannot_fit_in_the_deadline_is_not_waited_for_and_the_portal_s_error_is_raised",
        "test_a_rate_limit_wait_beyond_the_deadline_raises_before_waiting",
        "test_a_deadline_covers_every_chunk_of_a_split_call_and_says_what_was_done",
    ),
    "**Connections.**": (
        "test_concurrent_async_calls_share_at_most_max_connections_kept_alive_connections",
        "test_stray_bytes_after_an_answer_close_its_connection_so_every_later_call_gets_its_own_answer",
        "test_the_async_client_drops_a_misframed_connection_too",
    ),
    "**429 `OPERATION_TIME_LIMIT`.**": (
        "test_operation_time_limit_waits_until_the_reset_when_it_is_near",
        "test_operation_time_limit_far_away_raises_at_once_with_the_reset_time",
        "test_operation_time_limit_whose_reset_has_passed_on_a_skewed_clock_still_backs_off",
        "test_a_429_whose_reset_time_has_passed_on_a_skewed_clock_backs_off_instead_of_burning_every_retry",
    ),
    "**Answer size.**": ("test_an_answer_larger_than_max_answer_bytes_is_refused_without_reading_it_all",),
    "**Logging.**": ("test_each_attempt_logs_one_debug_line_and_each_retry_one_warning",),
    # Many items in one call
    "every item given gets exactly one outcome": (
        "test_a_thousand_messages_come_back_as_a_thousand_outcomes_in_input_order",
        "test_an_item_the_portal_did_not_answer_is_reported_failed_not_dropped",
        "test_ids_echoed_in_another_form_pair_by_position_when_the_counts_match",
        "test_ids_echoed_in_another_form_keep_their_real_outcomes_instead_of_made_up_failures",
    ),
    "logs\none WARNING with the counts": (
        "test_partial_failure_logs_one_warning_with_counts_and_raise_for_failures_raises_it",
    ),
    "When a chunk after the first fails, the exception\nsays what was done": (
        "test_a_later_chunk_that_fails_says_which_deletions_happened_and_which_items_were_never_sent",
        "test_the_async_client_says_the_same_after_a_later_chunk_fails",
    ),
    "are listed in `result.uncertain`, not in `.failed`": (
        "test_a_deletion_whose_answer_was_lost_is_repeated_once_and_reported_uncertain_never_failed",
        "test_the_async_client_reports_a_repeated_deletion_as_uncertain_too",
        "test_an_item_that_really_fails_on_a_first_attempt_stays_failed_not_uncertain",
    ),
    # Any method, batch and list methods
    "`client.call` reaches any REST method by name": (
        "test_call_reaches_a_method_the_spec_does_not_describe_with_the_client_s_auth",
        "test_call_maps_a_documented_code_of_a_known_method_to_its_class",
    ),
    "so one failed command hides no other": (
        "test_a_batch_of_120_commands_is_3_requests_and_one_failure_hides_no_other_result",
        "test_each_batch_request_counts_once_for_the_pacer",
        "test_with_halt_the_commands_after_a_failure_say_they_did_not_run",
    ),
    "`client.iter_list` follows `next`": (
        "test_iterating_a_1000_item_list_follows_next_page_by_page",
        "test_async_iteration_gives_the_same_items",
    ),
    "`client.list_all` gets the first page, then every other page in batch": (
        "test_list_all_fetches_the_other_pages_in_batches_and_gives_the_same_items",
    ),
}

BULLET = re.compile(r"^- (\*\*[^*]+\*\*)", re.MULTILINE)


@functools.cache
def known_tests() -> frozenset[str]:
    """Every test function under tests/ (the generated tests are not claims' evidence)."""
    names = set()
    for path in TESTS_DIR.rglob("test_*.py"):
        if "golden" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_"):
                names.add(node.name)
    return frozenset(names)


def test_every_bullet_of_the_docs_names_its_tests() -> None:
    bullets = BULLET.findall(INDEX.read_text(encoding="utf-8"))

    assert bullets, "the docs have no claims?"
    assert [b for b in bullets if b not in CLAIMS] == []


@pytest.mark.parametrize("claim", CLAIMS)
def test_the_claim_is_still_in_the_docs_and_its_tests_exist(claim: str) -> None:
    index = INDEX.read_text(encoding="utf-8")

    assert claim in index, f"the docs no longer say {claim!r}: update CLAIMS"
    assert CLAIMS[claim], "a claim needs at least one test"
    assert [name for name in CLAIMS[claim] if name not in known_tests()] == []
