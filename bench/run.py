"""Run every benchmark and summarise (`make bench`, `BENCH_ARGS=--quick` for a short run).

Each `bench/bench_<area>.py` runs in its own process as `python -m bench.bench_<area> [--quick]`,
so one bench's memory or crash cannot skew the next. Its output is shown as it comes; the summary
table then lists each bench's status, duration and its figure lines (lines that mention a ratio,
a target or an "×"/"x" factor; otherwise its last line). Exit status 1 when any bench missed a
target or failed, 0 when all passed.

Usage: python -m bench.run [--quick] [-k SUBSTRING] [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
FIGURE = re.compile(r"ratio|target|×|\b\d+(?:\.\d+)?\s*x\b", re.IGNORECASE)


@dataclass(frozen=True)
class BenchResult:
    name: str
    status: str  # ok | missed target | error | timeout
    seconds: float
    figures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return self.status == "ok"


def discover(pattern: str | None = None) -> list[str]:
    names = sorted(p.stem for p in BENCH_DIR.glob("bench_*.py"))
    return [n for n in names if pattern is None or pattern in n]


def figure_lines(output: str) -> tuple[str, ...]:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    figures = [line for line in lines if FIGURE.search(line)]
    return tuple(figures or lines[-1:])


def run_bench(name: str, args: Sequence[str], timeout: float) -> BenchResult:
    print(f"\n=== {name} {' '.join(args)}".rstrip(), flush=True)
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", f"bench.{name}", *args], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, bufsize=1,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},  # lines arrive (and survive a timeout)
    )
    assert proc.stdout is not None
    timed_out = threading.Event()

    def stop() -> None:  # a silent, hung bench must not block the whole run
        timed_out.set()
        proc.kill()

    watchdog = threading.Timer(timeout, stop)
    watchdog.start()
    captured: list[str] = []
    try:
        for line in proc.stdout:  # echo as it comes: long benches show progress
            sys.stdout.write(line)
            captured.append(line)
        code = proc.wait()
    finally:
        watchdog.cancel()
    if timed_out.is_set():
        return BenchResult(name, "timeout", time.monotonic() - started,
                           (f"no result after {timeout:.0f} s",))
    output = "".join(captured)
    if code == 0:
        status = "ok"
    elif "Traceback (most recent call last)" in output:
        status = "error"
    else:
        status = "missed target"
    figures = figure_lines(output)
    if status == "error":
        figures = tuple(line for line in output.splitlines()[-1:] if line) or ("crashed",)
    return BenchResult(name, status, time.monotonic() - started, figures)


def summary_table(results: Sequence[BenchResult]) -> str:
    width = max([len("bench")] + [len(r.name) for r in results])
    status_width = max([len("status")] + [len(r.status) for r in results])
    lines = [f"{'bench'.ljust(width)}  {'status'.ljust(status_width)}  {'time':>7}  figures"]
    for r in results:
        first, *rest = r.figures or ("",)
        lines.append(f"{r.name.ljust(width)}  {r.status.ljust(status_width)}  "
                     f"{r.seconds:6.1f}s  {first}")
        pad = " " * (width + status_width + 13)
        lines.extend(f"{pad}{extra}" for extra in rest)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run every bench/bench_*.py and summarise.")
    parser.add_argument("--quick", action="store_true", help="small sizes (< 60 s per bench)")
    parser.add_argument("-k", dest="pattern", help="only benches whose name contains this")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds per bench (default 300 with --quick, 3600 otherwise)")
    args = parser.parse_args(argv)
    timeout = args.timeout or (300.0 if args.quick else 3600.0)
    names = discover(args.pattern)
    if not names:
        print(f"no benchmarks matching bench/bench_*{args.pattern or ''}*.py")
        return 1 if args.pattern else 0
    bench_args = ["--quick"] if args.quick else []
    results = [run_bench(name, bench_args, timeout) for name in names]
    print("\n" + summary_table(results))
    failed = [r.name for r in results if not r.passed]
    print(f"\n{len(results) - len(failed)} of {len(results)} benches met their targets"
          + (f"; not met: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
