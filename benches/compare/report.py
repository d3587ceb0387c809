"""Prints the peer comparison table from the tools' JSON reports.

    python report.py --peers TOOL[,TOOL...] [--machine TEXT] ROUND_DIR [ROUND_DIR ...]

Each ROUND_DIR holds one round of `benches/compare/run`: `ours.json` and a
`TOOL.json` per peer timed in that round (a peer may sit rounds out). A ratio
is the median, over the rounds that timed the peer, of the peer's time over
ours measured in that same round; a time shown is the median over rounds of
the round's median. The output is Markdown, ready for BENCHMARKS.md.
Standard library only.
"""

import argparse
import json
import os
import statistics

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


def paired_peers(ours_report, ours):
    """The peers timed beside our parse+diff in our own report, as tables
    in the other peers' schema, with the ratio of neighbouring batches."""
    peers = {}
    for peer in ours_report.get("peers", []):
        tool = peer["tool"]
        table = {
            name: dict(fixture["peers"][tool], name=name, bytes=fixture["bytes"])
            for name, fixture in ours.items()
        }
        peers[tool] = (peer, table)
    return peers


def load_rounds(folders, tools):
    """Per round: our fixture table, and each peer's that the round timed."""
    rounds = []
    for folder in folders:
        ours_report, ours = load(os.path.join(folder, "ours.json"))
        peers = paired_peers(ours_report, ours)
        for tool in tools:
            path = os.path.join(folder, f"{tool}.json")
            if tool in peers or not os.path.exists(path):
                continue
            # A peer timed by a program of its own may have read other files.
            report, table = peers[tool] = load(path)
            for name, fixture in ours.items():
                if name not in table:
                    raise SystemExit(f"{report['tool']} has no result for fixture {name} in {folder}")
                if table[name]["bytes"] != fixture["bytes"]:
                    raise SystemExit(f"{report['tool']} read a different {name} pair than recipe-diff")
        rounds.append((ours_report, ours, peers))
    return rounds


def round_ratio(peer_fixture, our_fixture):
    """A peer's time over ours in one round: from neighbouring batches when
    the two were timed as pairs, else from the two medians."""
    if "ratio" in peer_fixture:
        return peer_fixture["ratio"]
    return peer_fixture["parse_diff"]["median_us"] / our_fixture["parse_diff"]["median_us"]


def spread(values):
    """The median of values, and their range when there is more than one."""
    middle = statistics.median(values)
    return middle, (min(values), max(values)) if len(values) > 1 else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rounds", nargs="+", help="one folder per round")
    parser.add_argument("--peers", type=lambda tools: tools.split(","), required=True)
    parser.add_argument("--machine", default="")
    args = parser.parse_args()

    rounds = load_rounds(args.rounds, args.peers)
    ours_report = rounds[0][0]
    names = [fixture["name"] for fixture in ours_report["fixtures"]]
    tools = [tool for tool in args.peers if any(tool in peers for _, _, peers in rounds)]
    first_report = {}
    for _, _, peers in rounds:
        for tool, (report, _) in peers.items():
            first_report.setdefault(tool, report)

    def ours_median(name, what):
        return statistics.median(ours[name][what]["median_us"] for _, ours, _ in rounds)

    def peer_median(tool, name):
        return statistics.median(
            peers[tool][1][name]["parse_diff"]["median_us"] for _, _, peers in rounds if tool in peers
        )

    def ratio(tool, name):
        return spread([round_ratio(peers[tool][1][name], ours[name]) for _, ours, peers in rounds if tool in peers])

    scheme = ours_report["scheme"]
    print(" · ".join(describe(report) for report in [ours_report] + [first_report[t] for t in tools]))
    if args.machine:
        print(f"Machine: {args.machine}")
    timed_in = ", ".join(
        f"{tool} in {sum(tool in peers for _, _, peers in rounds)}" for tool in tools
    )
    print(
        f"{len(rounds)} rounds; in each, every tool in turn: the median of {scheme['samples']} "
        f"batches of at least {scheme['batch_ms']} ms after {scheme['warmup_ms']} ms of warm-up, "
        f"per pair, in µs (rounds timed: {timed_in}). Times are medians over the rounds; a ratio "
        "is the median over rounds of the ratio within one round, its range in brackets. Batches of "
        "the peers timed beside ours (and of our diff beside our parse) take turns with ours: "
        "their ratio within a round is the median of neighbouring batches' ratios. A peer parses "
        "both documents into its JSON values and diffs them."
    )
    print()
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
    ours_first = rounds[0][1]
    for name in names:
        cells, ratios = [], []
        for tool in tools:
            cells.append(micros(peer_median(tool, name)))
            middle, bounds = ratio(tool, name)
            shown = f"{middle:.1f}×"
            goal = target(tool, name)
            if goal is not None:
                shown += f" {mark(middle >= goal)}"
                if middle < goal:
                    misses.append(f"{tool} on {name}: {middle:.2f}× (target {goal:g}×)")
            if bounds:
                shown += f" ({bounds[0]:.1f}–{bounds[1]:.1f})"
            ratios.append(shown)
        diff_parse, bounds = spread([ours[name]["diff_over_parse"] for _, ours, _ in rounds])
        worst_diff_parse = diff_parse if worst_diff_parse is None else max(worst_diff_parse, diff_parse)
        if diff_parse > DIFF_OVER_PARSE_TARGET:
            misses.append(f"diff / parse on {name}: {diff_parse:.2f}")
        diff_parse_cell = f"{diff_parse:.2f} {mark(diff_parse <= DIFF_OVER_PARSE_TARGET)}"
        if bounds:
            diff_parse_cell += f" ({bounds[0]:.2f}–{bounds[1]:.2f})"
        print(
            f"| {name} | {ours_first[name]['bytes']:,} | {micros(ours_median(name, 'parse_diff'))} "
            f"| {micros(ours_median(name, 'diff'))} | {micros(ours_median(name, 'parse'))} "
            f"| {micros(ours_median(name, 'serde_json_value'))} | "
            + " | ".join(cells)
            + " | "
            + " | ".join(ratios)
            + f" | {diff_parse_cell} |"
        )
    print()
    print("| fixture | changes (recipe-diff) | " + " | ".join(f"entries ({tool})" for tool in tools) + " |")
    print("|---|--:|" + "--:|" * len(tools))
    for name in names:
        reported = [
            str(next(peers[tool][1][name]["reported"] for _, _, peers in rounds if tool in peers))
            for tool in tools
        ]
        print(f"| {name} | {ours_first[name]['changes']} | " + " | ".join(reported) + " |")
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
    if LARGE_NAME in ours_first:
        large_us = ours_median(LARGE_NAME, "parse_diff")
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
