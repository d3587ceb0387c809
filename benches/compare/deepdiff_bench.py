"""Times Python's deepdiff on the benchmark fixtures; JSON on stdout.

Called by `benches/compare/run` with the same fixture files and iteration
scheme as `compare-timing` (see that program's docs): warm up for
--warmup-ms, choose a batch lasting at least --batch-ms, time --samples
batches, report the median and minimum per-call time in microseconds.

The timed operation per pair is what a Python user with two files does:
`json.loads` of both documents, then `DeepDiff(original, make)` with
deepdiff's defaults.

    .venv/bin/python benches/compare/deepdiff_bench.py benches/fixtures small typical
"""

import argparse
import json
import math
import sys
import time
from pathlib import Path

import deepdiff
from deepdiff import DeepDiff


def measure(operation, samples, warmup_ms, batch_ms):
    """The shared scheme: median and minimum per-call microseconds."""
    start = time.perf_counter()
    calls = 0
    while calls == 0 or time.perf_counter() - start < warmup_ms / 1000:
        operation()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    batch = max(1, math.ceil(batch_ms / 1000 / per_call))
    times = []
    for _ in range(max(1, samples)):
        start = time.perf_counter()
        for _ in range(batch):
            operation()
        times.append((time.perf_counter() - start) * 1e6 / batch)
    times.sort()
    return {"median_us": times[len(times) // 2], "min_us": times[0], "batch": batch}


def reported(result):
    """How many entries deepdiff reports, over all its report kinds."""
    return sum(len(entries) for entries in result.values())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fixtures", type=Path)
    parser.add_argument("names", nargs="+")
    parser.add_argument("--samples", type=int, default=21)
    parser.add_argument("--warmup-ms", type=float, default=300)
    parser.add_argument("--batch-ms", type=float, default=10)
    args = parser.parse_args()

    results = []
    for name in args.names:
        print(f"deepdiff: timing {name}", file=sys.stderr)
        original_text = (args.fixtures / f"{name}.original.json").read_text(encoding="utf-8")
        make_text = (args.fixtures / f"{name}.make.json").read_text(encoding="utf-8")

        def parse_and_diff():
            return DeepDiff(json.loads(original_text), json.loads(make_text))

        timing = measure(parse_and_diff, args.samples, args.warmup_ms, args.batch_ms)
        results.append(
            {
                "name": name,
                "bytes": len(original_text.encode()) + len(make_text.encode()),
                "reported": reported(parse_and_diff()),
                "parse_diff": timing,
            }
        )
    json.dump(
        {
            "tool": "deepdiff",
            "version": deepdiff.__version__,
            "python": sys.version.split()[0],
            "fixtures": results,
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
