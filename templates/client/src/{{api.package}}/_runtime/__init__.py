"""The client runtime: everything a generated client does that does not depend on the spec.

Plain Python, copied unchanged into every generated package by the generator (it lives in the
generator's `templates/client/` folder), with relative imports only, so it works under any
package name. The generated modules declare what the spec says (models, methods, error codes)
and leave the behaviour to these modules:

- `model`: reading JSON into typed models and back; `checks`: argument rules before sending;
  `items`: per-item outcomes of many-item answers;
- `core`: endpoints, connections, answers; `chunks`: splitting many-item calls;
- `calls`: calls by method name; `batch`: batch commands and their outcomes; `paging`: list
  methods' pages; `tokens`: token stores shared by processes; `files`: file arguments;
- `auth`: OAuth tokens; `secrets`: redaction; `retry`: when to repeat; `pacer`: request pacing;
  `attempts`: what one attempt's failure means and whether time is left for another;
- `errors`: the exception hierarchy; `settings`: a client's checked options;
- `_async/client.py` and `_async/calls.py`: the asynchronous client, and `_sync/`, its synchronous
  twin derived from it by unasync (see the generator's README).
"""

PACKAGE = __name__.rpartition(".")[0] or __name__
"""The package this runtime is part of (its loggers are named after it)."""

PUBLIC_API = {
    "BatchResults": "batch",
    "CallResult": "calls",
    "Command": "batch",
    "CommandOutcome": "batch",
    "DEFAULT_TOKEN_URL": "auth",
    "ENTERPRISE_PLAN": "pacer",
    "STANDARD_PLAN": "pacer",
    "RateLimit": "pacer",
    "RawResponse": "core",
    "RetryPolicy": "retry",
    "TokenPair": "auth",
    "FileTokenStore": "tokens",
    "TokenStore": "tokens",
    "file_argument": "files",
}
"""The runtime's names the generated package exports at its top level, by the module defining each
(besides the clients, from the generated `client`, and the exceptions, from `errors`)."""
