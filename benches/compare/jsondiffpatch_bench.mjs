// Times Node's jsondiffpatch on the benchmark fixtures; JSON on stdout.
//
// Called by `benches/compare/run` with the same fixture files and iteration
// scheme as `compare-timing` (see that program's docs): warm up for
// --warmup-ms, choose a batch lasting at least --batch-ms, time --samples
// batches, report the median and minimum per-call time in microseconds.
//
// The timed operation per pair is what a Node user with two files does:
// `JSON.parse` of both documents, then `diff` from a jsondiffpatch instance
// configured the way its README suggests for arrays of objects: an
// `objectHash` so that array items are matched by identity, not position.
// Ingredients are matched by `ingredientId`; steps by their text, because a
// make renumbers its steps and matching by `stepId` would report every step
// after a skipped one as changed. Moves are detected (the default); text
// diffs of long strings are not enabled (the plain `jsondiffpatch` import).
//
//     node benches/compare/jsondiffpatch_bench.mjs benches/fixtures small typical
//
// With --serve it times nothing on its own: `compare-timing` drives it, one
// JSON request a line on stdin, one answer a line on stdout, so that its
// batches take turns with recipe-diff's (see that program's docs):
//
//     {"load": NAME}                  -> {"bytes": B, "reported": N}
//     {"warmup": NAME, "ms": W}       -> {"per_call_us": T}
//     {"batch": NAME, "calls": N}     -> {"per_call_us": T}
//
// Its first line, before any request, says what it is:
// {"tool": "jsondiffpatch", "version": V, "node": V}.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";

import { create } from "jsondiffpatch";

const lockedVersion = JSON.parse(
  readFileSync(new URL("./node_modules/jsondiffpatch/package.json", import.meta.url), "utf8"),
).version;

const differ = create({
  objectHash: (item, index) => {
    if (item.ingredientId !== undefined) return `ingredient:${item.ingredientId}`;
    if (item.stepText !== undefined) return `step:${item.stepText}`;
    return `$$index:${index}`;
  },
  arrays: { detectMove: true },
});

/** Calls `operation` for `ms` milliseconds (at least once); microseconds a call. */
function warmUp(operation, ms) {
  const start = performance.now();
  let calls = 0;
  while (calls === 0 || performance.now() - start < ms) {
    operation();
    calls += 1;
  }
  return ((performance.now() - start) * 1000) / calls;
}

/** Microseconds per call over `calls` calls. */
function batch(operation, calls) {
  const start = performance.now();
  for (let i = 0; i < calls; i += 1) operation();
  return ((performance.now() - start) * 1000) / calls;
}

/** The shared scheme: median and minimum per-call microseconds. */
function measure(operation, { samples, warmupMs, batchMs }) {
  const calls = Math.max(1, Math.ceil((batchMs * 1000) / warmUp(operation, warmupMs)));
  const times = [];
  for (let s = 0; s < Math.max(1, samples); s += 1) times.push(batch(operation, calls));
  times.sort((a, b) => a - b);
  return { median_us: times[Math.floor(times.length / 2)], min_us: times[0], batch: calls };
}

/** How many entries a delta reports: its leaves, not counting array markers. */
function reported(delta) {
  if (delta === undefined) return 0;
  if (Array.isArray(delta)) return 1;
  return Object.entries(delta)
    .filter(([key]) => key !== "_t")
    .reduce((sum, [, value]) => sum + reported(value), 0);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    samples: { type: "string", default: "21" },
    "warmup-ms": { type: "string", default: "300" },
    "batch-ms": { type: "string", default: "10" },
    serve: { type: "boolean", default: false },
  },
});
const [folder, ...names] = positionals;
if (!folder || (names.length === 0 && !values.serve)) {
  console.error(
    "usage: jsondiffpatch_bench.mjs FIXTURES NAME... [--samples N --warmup-ms N --batch-ms N]\n" +
      "       jsondiffpatch_bench.mjs FIXTURES --serve",
  );
  process.exit(2);
}
const identity = { tool: "jsondiffpatch", version: lockedVersion, node: process.versions.node };

/** A fixture pair's texts, and the timed operation on them. */
function load(name) {
  const originalText = readFileSync(join(folder, `${name}.original.json`), "utf8");
  const makeText = readFileSync(join(folder, `${name}.make.json`), "utf8");
  const parseAndDiff = () => differ.diff(JSON.parse(originalText), JSON.parse(makeText));
  return {
    bytes: Buffer.byteLength(originalText) + Buffer.byteLength(makeText),
    reported: reported(parseAndDiff()),
    parseAndDiff,
  };
}

/** Answers compare-timing's requests, one a line, until stdin closes. */
async function serve() {
  const loaded = new Map();
  const fixture = (name) => {
    if (!loaded.has(name)) loaded.set(name, load(name));
    return loaded.get(name);
  };
  console.log(JSON.stringify(identity));
  for await (const line of createInterface({ input: process.stdin })) {
    let answer;
    try {
      const request = JSON.parse(line);
      if (request.load !== undefined) {
        const { bytes, reported: entries } = fixture(request.load);
        answer = { bytes, reported: entries };
      } else if (request.warmup !== undefined) {
        answer = { per_call_us: warmUp(fixture(request.warmup).parseAndDiff, request.ms) };
      } else if (request.batch !== undefined) {
        answer = { per_call_us: batch(fixture(request.batch).parseAndDiff, Math.max(1, request.calls)) };
      } else {
        answer = { error: `unknown request ${line}` };
      }
    } catch (error) {
      answer = { error: String(error) };
    }
    console.log(JSON.stringify(answer));
  }
}

if (values.serve) {
  await serve();
} else {
  const scheme = {
    samples: Number(values.samples),
    warmupMs: Number(values["warmup-ms"]),
    batchMs: Number(values["batch-ms"]),
  };
  const fixtures = names.map((name) => {
    console.error(`jsondiffpatch: timing ${name}`);
    const { bytes, reported: entries, parseAndDiff } = load(name);
    return { name, bytes, reported: entries, parse_diff: measure(parseAndDiff, scheme) };
  });
  console.log(JSON.stringify({ ...identity, fixtures }));
}
