"""The asynchronous client: the source of its synchronous twin in `_sync/`."""
