"""Prints the peer comparison table from the three tools' JSON reports.

    python report.py OURS.json DEEPDIFF.json JSONDIFFPATCH.json [--machine TEXT]

Every ratio divides numbers measured in the same run of `benches/compare/run`.
The output is Markdown, ready for BENCHMARKS.md. Standard library only.
"""

import argparse
import json

# The targets, per pair.
DEEPDIFF_TARGET = 50.0
JSONDIFFPATCH_TARGET = 5.0
DIFF_OVER_PARSE_TARGET = 1.0
LARGE_NAME = "large"
LARGE_TARGET_US = 5000.0


def mark(ok):
    return "✓" if ok else "✗"


def micros(value):
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def load(path):
    with open(path, encoding="utf-8") as file:
        report = json.load(file)
    return report, {fixture["name"]: fixture for fixture in report["fixtures"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ours")
    parser.add_argument("deepdiff")
    parser.add_argument("jsondiffpatch")
    parser.add_argument("--machine", default="")
    args = parser.parse_args()

    ours_report, ours = load(args.ours)
    deep_report, deep = load(args.deepdiff)
    jdp_report, jdp = load(args.jsondiffpatch)
    names = [fixture["name"] for fixture in ours_report["fixtures"]]
    for name in names:
        for tool, table in (("deepdiff", deep), ("jsondiffpatch", jdp)):
            if name not in table:
                raise SystemExit(f"{tool} has no result for fixture {name}")
            if table[name]["bytes"] != ours[name]["bytes"]:
                raise SystemExit(f"{tool} read a different {name} pair than recipe-diff")

    scheme = ours_report["scheme"]
    print(
        f"recipe-diff {ours_report['version']} · deepdiff {deep_report['version']} "
        f"(Python {deep_report['python']}) · jsondiffpatch {jdp_report['version']} "
        f"(Node {jdp_report['node']})"
    )
    if args.machine:
        print(f"Machine: {args.machine}")
    print(
        f"Median of {scheme['samples']} batches of at least {scheme['batch_ms']} ms "
        f"after {scheme['warmup_ms']} ms of warm-up, per pair, in µs."
    )
    print()
    print(
        "| fixture | bytes | ours parse+diff | ours diff | ours parse | serde_json Value "
        "| deepdiff | jsondiffpatch | deepdiff / ours | jsondiffpatch / ours | diff / parse |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    worst = {"deepdiff": None, "jsondiffpatch": None, "diff_parse": None}
    for name in names:
        o = ours[name]
        ours_us = o["parse_diff"]["median_us"]
        deep_ratio = deep[name]["parse_diff"]["median_us"] / ours_us
        jdp_ratio = jdp[name]["parse_diff"]["median_us"] / ours_us
        diff_parse = o["diff"]["median_us"] / o["parse"]["median_us"]
        for key, value, better in (
            ("deepdiff", deep_ratio, min),
            ("jsondiffpatch", jdp_ratio, min),
            ("diff_parse", diff_parse, max),
        ):
            worst[key] = value if worst[key] is None else better(worst[key], value)
        print(
            f"| {name} | {o['bytes']:,} | {micros(ours_us)} | {micros(o['diff']['median_us'])} "
            f"| {micros(o['parse']['median_us'])} | {micros(o['serde_json_value']['median_us'])} "
            f"| {micros(deep[name]['parse_diff']['median_us'])} "
            f"| {micros(jdp[name]['parse_diff']['median_us'])} "
            f"| {deep_ratio:.1f}× {mark(deep_ratio >= DEEPDIFF_TARGET)} "
            f"| {jdp_ratio:.1f}× {mark(jdp_ratio >= JSONDIFFPATCH_TARGET)} "
            f"| {diff_parse:.2f} {mark(diff_parse <= DIFF_OVER_PARSE_TARGET)} |"
        )
    print()
    print("| fixture | changes (recipe-diff) | entries (deepdiff) | entries (jsondiffpatch) |")
    print("|---|--:|--:|--:|")
    for name in names:
        print(
            f"| {name} | {ours[name]['changes']} | {deep[name]['reported']} "
            f"| {jdp[name]['reported']} |"
        )
    print()
    print("Targets (every fixture):")
    print(
        f"- {mark(worst['deepdiff'] >= DEEPDIFF_TARGET)} parse+diff at least "
        f"{DEEPDIFF_TARGET:.0f}× faster than deepdiff (worst: {worst['deepdiff']:.1f}×)"
    )
    print(
        f"- {mark(worst['jsondiffpatch'] >= JSONDIFFPATCH_TARGET)} parse+diff at least "
        f"{JSONDIFFPATCH_TARGET:.0f}× faster than jsondiffpatch (worst: {worst['jsondiffpatch']:.1f}×)"
    )
    print(
        f"- {mark(worst['diff_parse'] <= DIFF_OVER_PARSE_TARGET)} diff alone no slower than "
        f"parsing the two documents (worst diff / parse: {worst['diff_parse']:.2f})"
    )
    if LARGE_NAME in ours:
        large_us = ours[LARGE_NAME]["parse_diff"]["median_us"]
        print(
            f"- {mark(large_us < LARGE_TARGET_US)} the 1,000-step pair under "
            f"{LARGE_TARGET_US / 1000:.0f} ms (parse+diff: {large_us / 1000:.2f} ms)"
        )


if __name__ == "__main__":
    main()
