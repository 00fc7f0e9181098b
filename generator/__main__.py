"""`python -m generator [--spec PATH] [--out DIR] [--check] [--force] [--no-cache]`.

Exit codes: 0 done (or up to date), 1 `--check` found stale output, 2 bad spec, usage or output
folder, 130 interrupted by Ctrl-C or SIGTERM (one line, never a traceback; the output folder is
left as it was). The generator is imported inside `main`, so that a Ctrl-C even while it loads
is reported like any other.
"""

from __future__ import annotations

import signal
import sys

EXIT_INTERRUPTED = 130
_STOPS = {signal.SIGINT, signal.SIGTERM}


def main(argv: list[str] | None = None, *, exiting: bool = False) -> int:
    """Run the generator; returns the exit code.

    With `exiting` (the process ends next), Ctrl-C is ignored once the run is over: the work is
    done, and a signal during the interpreter's shutdown would only print a traceback.
    """
    try:
        try:
            from generator.cli import run
            from generator.interrupts import Interrupted

            try:
                return run(argv)
            except Interrupted as exc:
                print(str(exc), file=sys.stderr)
                return EXIT_INTERRUPTED
        except KeyboardInterrupt:
            print("generator: interrupted; the output folder is as it was", file=sys.stderr)
            return EXIT_INTERRUPTED
    finally:
        if exiting:
            signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)


def _stop_as_on_ctrl_c(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    # SIGTERM (CI cancelling a job, `kill`) gets the same orderly stop as Ctrl-C.
    signal.signal(signal.SIGTERM, _stop_as_on_ctrl_c)
    sys.exit(main(exiting=True))
