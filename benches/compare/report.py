"""Prints the peer comparison table from the tools' JSON reports.

    python report.py OURS.json PEER.json [PEER.json ...] [--machine TEXT]

Every ratio divides numbers measured in the same run of `benches/compare/run`.
The output is Markdown, ready for BENCHMARKS.md. Standard library only.
"""

import argparse
import json

# The performance issue's targets: how many times faster parse+diff must be
# than each peer, per fixture (`None`: reported, no target). The web-shaped
# pair and the 1,000-step one are held to the most; `typical` to less; the
# two small pairs are shown against the same bar as the large ones.
TARGETS = {
    "deepdiff": {None: 50.0},
    "jsondiffpatch": {"typical": 2.0, None: 3.0},
    "palim": {"typical": 1.5, None: 2.0},
    "json-patch": {None: None},
}
DIFF_OVER_PARSE_TARGET = 1.0
LARGE_NAME = "large"
LARGE_TARGET_US = 5000.0


def target(tool, fixture):
    by_fixture = TARGETS.get(tool, {None: None})
    return by_fixture.get(fixture, by_fixture.get(None))


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


def describe(report):
    runtime = ""
    if "python" in report:
        runtime = f" (Python {report['python']})"
    if "node" in report:
        runtime = f" (Node {report['node']})"
    return f"{report['tool']} {report['version']}{runtime}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ours")
    parser.add_argument("peers", nargs="+")
    parser.add_argument("--machine", default="")
    args = parser.parse_args()

    ours_report, ours = load(args.ours)
    peers = [load(path) for path in args.peers]
    names = [fixture["name"] for fixture in ours_report["fixtures"]]
    for report, table in peers:
        for name in names:
            if name not in table:
                raise SystemExit(f"{report['tool']} has no result for fixture {name}")
            if table[name]["bytes"] != ours[name]["bytes"]:
                raise SystemExit(f"{report['tool']} read a different {name} pair than recipe-diff")

    scheme = ours_report["scheme"]
    print(" · ".join(describe(report) for report in [ours_report] + [r for r, _ in peers]))
    if args.machine:
        print(f"Machine: {args.machine}")
    print(
        f"Median of {scheme['samples']} batches of at least {scheme['batch_ms']} ms "
        f"after {scheme['warmup_ms']} ms of warm-up, per pair, in µs. A peer parses "
        "both documents into its JSON values and diffs them."
    )
    print()
    tools = [report["tool"] for report, _ in peers]
    print(
        "| fixture | bytes | ours parse+diff | ours diff | ours parse | serde_json Value | "
        + " | ".join(tools)
        + " | "
        + " | ".join(f"{tool} / ours" for tool in tools)
        + " | diff / parse |"
    )
    print("|---|--:|--:|--:|--:|--:|" + "--:|" * (2 * len(tools)) + "--:|")
    misses = []
    worst_diff_parse = None
    for name in names:
        o = ours[name]
        ours_us = o["parse_diff"]["median_us"]
        cells, ratios = [], []
        for report, table in peers:
            peer_us = table[name]["parse_diff"]["median_us"]
            cells.append(micros(peer_us))
            ratio = peer_us / ours_us
            goal = target(report["tool"], name)
            if goal is None:
                ratios.append(f"{ratio:.1f}×")
            else:
                ratios.append(f"{ratio:.1f}× {mark(ratio >= goal)}")
                if ratio < goal:
                    misses.append(f"{report['tool']} on {name}: {ratio:.2f}× (target {goal:g}×)")
        diff_parse = o["diff"]["median_us"] / o["parse"]["median_us"]
        worst_diff_parse = diff_parse if worst_diff_parse is None else max(worst_diff_parse, diff_parse)
        if diff_parse > DIFF_OVER_PARSE_TARGET:
            misses.append(f"diff / parse on {name}: {diff_parse:.2f}")
        print(
            f"| {name} | {o['bytes']:,} | {micros(ours_us)} | {micros(o['diff']['median_us'])} "
            f"| {micros(o['parse']['median_us'])} | {micros(o['serde_json_value']['median_us'])} | "
            + " | ".join(cells)
            + " | "
            + " | ".join(ratios)
            + f" | {diff_parse:.2f} {mark(diff_parse <= DIFF_OVER_PARSE_TARGET)} |"
        )
    print()
    print("| fixture | changes (recipe-diff) | " + " | ".join(f"entries ({tool})" for tool in tools) + " |")
    print("|---|--:|" + "--:|" * len(tools))
    for name in names:
        print(
            f"| {name} | {ours[name]['changes']} | "
            + " | ".join(str(table[name]["reported"]) for _, table in peers)
            + " |"
        )
    print()
    print("Targets (parse+diff this many times faster than the peer, per fixture):")
    for tool in tools:
        goals = TARGETS.get(tool, {None: None})
        if all(goal is None for goal in goals.values()):
            print(f"- {tool}: reported, no target")
            continue
        others = "the others" if len(goals) > 1 else "every fixture"
        spelled = ", ".join(
            f"{goal:g}× on {fixture or others}" for fixture, goal in goals.items() if goal is not None
        )
        print(f"- {tool}: {spelled}")
    print(
        f"- {mark(worst_diff_parse <= DIFF_OVER_PARSE_TARGET)} diff alone no slower than "
        f"parsing the two documents (worst diff / parse: {worst_diff_parse:.2f})"
    )
    if LARGE_NAME in ours:
        large_us = ours[LARGE_NAME]["parse_diff"]["median_us"]
        print(
            f"- {mark(large_us < LARGE_TARGET_US)} the 1,000-step pair under "
            f"{LARGE_TARGET_US / 1000:.0f} ms (parse+diff: {large_us / 1000:.2f} ms)"
        )
    print()
    if misses:
        print("Missed: " + "; ".join(misses) + ".")
    else:
        print("Every target met.")


if __name__ == "__main__":
    main()
