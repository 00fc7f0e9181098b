"""`python -m generator` as a child process for fault tests, with the file swap optionally slowed.

`SLOW_SWAP_SECONDS` makes every rename and removal in the output folder take that long, so that
a signal sent at a random moment often lands in the middle of the swap, the moment that matters.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

DELAY = float(os.environ.get("SLOW_SWAP_SECONDS", "0"))

if DELAY:
    import generator.swap as swap

    _replace = os.replace
    _unlink = Path.unlink

    def _slow_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        time.sleep(DELAY)
        _replace(src, dst)

    def _slow_unlink(self: Path, missing_ok: bool = False) -> None:
        time.sleep(DELAY)
        _unlink(self, missing_ok=missing_ok)

    swap.os.replace = _slow_replace  # type: ignore[assignment]
    Path.unlink = _slow_unlink  # type: ignore[method-assign]

from generator.__main__ import main  # noqa: E402 - after the patch, which must come first

if __name__ == "__main__":
    print("started", flush=True)  # the test's clock for "a random moment during the run" starts here
    sys.exit(main(sys.argv[1:], exiting=True))
