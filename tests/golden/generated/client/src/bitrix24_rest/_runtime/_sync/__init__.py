"""The synchronous client, derived from `_async/` by unasync: edit the asynchronous source."""
