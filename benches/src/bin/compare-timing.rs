//! Our side of the peer comparison: per-pair medians as JSON on stdout.
//!
//! ```text
//! cargo run --release -p recipe-benches --bin compare-timing -- benches/fixtures
//! cargo run --release -p recipe-benches --bin compare-timing -- --list
//! ```
//!
//! `benches/compare/run` calls this, then `deepdiff_bench.py` and
//! `jsondiffpatch_bench.mjs` with the same files and the same iteration
//! scheme, and prints the ratios. For each fixture it times four things of
//! ours: parse+diff (what a user with two files pays), diff alone on parsed
//! recipes, parse alone (both documents), and both documents into
//! `serde_json::Value` (the floor). It also times the Rust peers, palim and
//! the json-patch crate, on what a user with two files pays them: both
//! documents into [`serde_json::Value`] and their diff.
//!
//! The scheme, the same in all three programs: call the operation for the
//! warm-up time (at least once) to estimate its cost; choose a batch of
//! calls lasting at least the batch time; time that many batches; report the
//! median and the minimum of the per-call times in microseconds.
//!
//! Our parse+diff and the peers' are timed in turn: one batch of ours, then
//! one of each peer (jsondiffpatch's in its own `node` process, asked for
//! one batch at a time with `--jsondiffpatch`), repeated, so a slow spell
//! of a shared machine lands on all of them alike. A peer's ratio is the
//! median of the ratios of such neighbouring batches. Our diff and our
//! parse are timed in turn the same way.

use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use recipe_diff::{diff, parse_recipe};
use serde_json::{Value, json};

/// Times recipe-diff on the benchmark fixtures.
#[derive(Debug, Parser)]
struct Args {
    /// Print the fixture names, smallest first, one a line, and exit.
    #[arg(long)]
    list: bool,
    /// Batches timed per operation; the median is over these.
    #[arg(long, default_value_t = 21)]
    samples: usize,
    /// Milliseconds of warm-up per operation.
    #[arg(long, default_value_t = 300)]
    warmup_ms: u64,
    /// Least milliseconds one timed batch lasts.
    #[arg(long, default_value_t = 10)]
    batch_ms: u64,
    /// `jsondiffpatch_bench.mjs`: when given, Node's jsondiffpatch is timed
    /// too, in a `node` process of its own whose batches take turns with
    /// ours.
    #[arg(long, value_name = "SCRIPT")]
    jsondiffpatch: Option<PathBuf>,
    /// Folder holding `<name>.original.json` and `<name>.make.json`.
    #[arg(default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))]
    fixtures: PathBuf,
    /// Fixtures to time; all of them when none is named.
    names: Vec<String>,
}

/// The Rust peers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Peer {
    /// palim 0.3: jsondiffpatch's algorithm in Rust, arrays keyed (here by
    /// ingredient name and step text, the closest it comes to knowing what
    /// an item is) with moves.
    Palim,
    /// The json-patch crate's `diff`: RFC 6902 operations, arrays by
    /// position.
    JsonPatch,
}

impl Peer {
    /// Every Rust peer, in the order the report lists them.
    const ALL: [Peer; 2] = [Peer::Palim, Peer::JsonPatch];

    fn name(self) -> &'static str {
        match self {
            Peer::Palim => "palim",
            Peer::JsonPatch => "json-patch",
        }
    }

    /// The peer's version, as locked.
    fn version(self) -> &'static str {
        match self {
            Peer::Palim => "0.3.1",
            Peer::JsonPatch => "5.0.0",
        }
    }
}

/// A diff by `peer` of two documents read into values, and how many
/// entries it reports.
struct PeerDiff {
    peer: Peer,
    palim: palim::DiffPatcher,
}

impl PeerDiff {
    fn new(peer: Peer) -> Self {
        let key: palim::ObjectHash = Arc::new(|item: &Value, _| {
            item.get("ingredientName")
                .or_else(|| item.get("stepText"))
                .map(Value::to_string)
        });
        PeerDiff {
            peer,
            palim: palim::DiffPatcher::new(palim::DiffOptions {
                object_hash: Some(key),
                ..palim::DiffOptions::default()
            }),
        }
    }

    /// Parses both texts and diffs them; the entries reported, counted the
    /// way the jsondiffpatch bench counts its delta's.
    fn parse_and_diff(&self, original: &str, make: &str) -> Result<usize> {
        let original: Value = serde_json::from_str(original)?;
        let make: Value = serde_json::from_str(make)?;
        Ok(match self.peer {
            Peer::JsonPatch => json_patch::diff(&original, &make).0.len(),
            Peer::Palim => self
                .palim
                .diff(&original, &make)
                .map_err(|e| anyhow::anyhow!("palim: {e}"))?
                .map_or(0, |delta| delta_entries(delta.as_value())),
        })
    }
}

/// Leaf entries of a jsondiffpatch-format delta: every array is one change,
/// objects are walked, the array marker `_t` is not an entry.
fn delta_entries(delta: &Value) -> usize {
    match delta {
        Value::Array(_) => 1,
        Value::Object(entries) => entries
            .iter()
            .filter(|(key, _)| key.as_str() != "_t")
            .map(|(_, value)| delta_entries(value))
            .sum(),
        _ => 0,
    }
}

/// Median and minimum of one operation's per-call times, and every
/// sample, in the order taken.
struct Timing {
    median_us: f64,
    min_us: f64,
    batch: u64,
    samples_us: Vec<f64>,
}

impl Timing {
    fn to_json(&self) -> Value {
        json!({ "median_us": self.median_us, "min_us": self.min_us, "batch": self.batch })
    }

    /// The median of `self`'s samples over the `base`'s taken beside them.
    fn paired_ratio(&self, base: &Timing) -> f64 {
        median(
            self.samples_us
                .iter()
                .zip(&base.samples_us)
                .map(|(ours, theirs)| ours / theirs)
                .collect(),
        )
    }
}

/// The middle of some numbers (the upper one of an even count).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Something timed in batches, here or in a peer's own process.
trait Timed {
    /// Calls it for at least `warmup` (at least once); the seconds a call
    /// took.
    fn warm_up(&mut self, warmup: Duration) -> Result<f64>;
    /// Calls it `calls` times; the microseconds a call took.
    fn batch(&mut self, calls: u64) -> Result<f64>;
}

/// An operation of this process.
struct Here<F>(F);

impl<T, F: FnMut() -> T> Timed for Here<F> {
    fn warm_up(&mut self, warmup: Duration) -> Result<f64> {
        let start = Instant::now();
        let mut calls: u64 = 0;
        while calls == 0 || start.elapsed() < warmup {
            black_box((self.0)());
            calls += 1;
        }
        Ok(start.elapsed().as_secs_f64() / calls as f64)
    }

    fn batch(&mut self, calls: u64) -> Result<f64> {
        let start = Instant::now();
        for _ in 0..calls {
            black_box((self.0)());
        }
        Ok(start.elapsed().as_secs_f64() * 1e6 / calls as f64)
    }
}

/// The scheme described in the crate docs above, for several operations
/// at once: each is warmed up and given its batch, then their batches take
/// turns, so that each sample of one was taken right beside a sample of
/// every other.
fn measure_paired(args: &Args, operations: &mut [&mut dyn Timed]) -> Result<Vec<Timing>> {
    let warmup = Duration::from_millis(args.warmup_ms);
    let batch_seconds = Duration::from_millis(args.batch_ms).as_secs_f64();
    let mut batches = Vec::with_capacity(operations.len());
    for operation in operations.iter_mut() {
        let per_call = operation.warm_up(warmup)?.max(1e-9);
        batches.push(((batch_seconds / per_call).ceil() as u64).max(1));
    }
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(args.samples); operations.len()];
    for _ in 0..args.samples.max(1) {
        for ((operation, &batch), taken) in operations.iter_mut().zip(&batches).zip(&mut samples) {
            taken.push(operation.batch(batch)?);
        }
    }
    Ok(samples
        .into_iter()
        .zip(batches)
        .map(|(samples_us, batch)| Timing {
            median_us: median(samples_us.clone()),
            min_us: samples_us.iter().copied().fold(f64::INFINITY, f64::min),
            batch,
            samples_us,
        })
        .collect())
}

/// Node's jsondiffpatch, timed batch by batch on request by
/// `jsondiffpatch_bench.mjs --serve` in a process of its own.
struct NodePeer {
    child: Child,
    requests: ChildStdin,
    answers: BufReader<ChildStdout>,
    /// What it says it is: tool, version, Node's version.
    identity: Value,
}

impl NodePeer {
    fn start(script: &Path, fixtures: &Path) -> Result<Self> {
        let mut child = Command::new("node")
            .arg(script)
            .arg(fixtures)
            .arg("--serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting node {}", script.display()))?;
        let requests = child.stdin.take().context("node's stdin")?;
        let answers = BufReader::new(child.stdout.take().context("node's stdout")?);
        let mut peer = NodePeer {
            child,
            requests,
            answers,
            identity: Value::Null,
        };
        peer.identity = peer.read_answer()?;
        Ok(peer)
    }

    fn read_answer(&mut self) -> Result<Value> {
        let mut line = String::new();
        if self.answers.read_line(&mut line)? == 0 {
            bail!("jsondiffpatch_bench.mjs stopped answering");
        }
        let answer: Value = serde_json::from_str(&line)
            .with_context(|| format!("jsondiffpatch_bench.mjs answered {line:?}"))?;
        if let Some(error) = answer.get("error") {
            bail!("jsondiffpatch_bench.mjs: {error}");
        }
        Ok(answer)
    }

    fn ask(&mut self, request: &Value) -> Result<Value> {
        writeln!(self.requests, "{request}")?;
        self.requests.flush()?;
        self.read_answer()
    }

    /// The number a field of an answer holds.
    fn ask_number(&mut self, request: &Value, field: &str) -> Result<f64> {
        let answer = self.ask(request)?;
        answer
            .get(field)
            .and_then(Value::as_f64)
            .with_context(|| format!("jsondiffpatch_bench.mjs answered {answer} without {field}"))
    }
}

impl Drop for NodePeer {
    fn drop(&mut self) {
        // Its work is done when ours is; wait so no process outlives us.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One fixture of the Node peer, as a [`Timed`] operation.
struct NodeFixture<'a> {
    node: &'a mut NodePeer,
    name: &'a str,
}

impl Timed for NodeFixture<'_> {
    fn warm_up(&mut self, warmup: Duration) -> Result<f64> {
        let request = json!({ "warmup": self.name, "ms": warmup.as_millis() as u64 });
        Ok(self.node.ask_number(&request, "per_call_us")? / 1e6)
    }

    fn batch(&mut self, calls: u64) -> Result<f64> {
        self.node.ask_number(
            &json!({ "batch": self.name, "calls": calls }),
            "per_call_us",
        )
    }
}

fn read(folder: &Path, name: &str, side: &str) -> Result<String> {
    let path = folder.join(format!("{name}.{side}.json"));
    std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
}

fn time_fixture(args: &Args, name: &str, node: Option<&mut NodePeer>) -> Result<Value> {
    let original_text = read(&args.fixtures, name, "original")?;
    let make_text = read(&args.fixtures, name, "make")?;
    let parse_both = || -> recipe_diff::Result<_> {
        Ok((
            parse_recipe(black_box(&original_text))?,
            parse_recipe(black_box(&make_text))?,
        ))
    };
    let (original, make) = parse_both().with_context(|| format!("parsing fixture {name}"))?;
    serde_json::from_str::<Value>(&original_text)
        .and_then(|_| serde_json::from_str::<Value>(&make_text))
        .with_context(|| format!("fixture {name} is not JSON"))?;

    let peers: Vec<PeerDiff> = Peer::ALL.into_iter().map(PeerDiff::new).collect();
    let mut reported = Vec::with_capacity(peers.len() + 1);
    for peer in &peers {
        reported.push(
            peer.parse_and_diff(&original_text, &make_text)
                .with_context(|| format!("{} on fixture {name}", peer.peer.name()))?,
        );
    }
    let mut names: Vec<&str> = peers.iter().map(|peer| peer.peer.name()).collect();
    let mut ours = Here(|| parse_both().map(|(original, make)| diff(&original, &make)));
    let mut theirs: Vec<Here<Box<dyn FnMut() + '_>>> = peers
        .iter()
        .map(|peer| {
            Here(Box::new(|| {
                drop(black_box(peer.parse_and_diff(
                    black_box(&original_text),
                    black_box(&make_text),
                )));
            }) as Box<dyn FnMut()>)
        })
        .collect();
    let mut operations: Vec<&mut dyn Timed> = vec![&mut ours];
    operations.extend(theirs.iter_mut().map(|op| op as &mut dyn Timed));
    let mut in_node;
    if let Some(node) = node {
        let loaded = node.ask(&json!({ "load": name }))?;
        if loaded.get("bytes").and_then(Value::as_u64)
            != Some((original_text.len() + make_text.len()) as u64)
        {
            bail!("jsondiffpatch read a different {name} pair: {loaded}");
        }
        let entries = loaded
            .get("reported")
            .and_then(Value::as_u64)
            .with_context(|| format!("jsondiffpatch loaded {name} without a count: {loaded}"))?;
        reported.push(usize::try_from(entries)?);
        names.push("jsondiffpatch");
        in_node = NodeFixture { node, name };
        operations.push(&mut in_node);
    }
    let mut timings = measure_paired(args, &mut operations)?.into_iter();
    let parse_diff = timings.next().context("our timing is the first")?;
    let peer_reports: serde_json::Map<String, Value> = names
        .into_iter()
        .zip(timings)
        .zip(reported)
        .map(|((peer, timing), reported)| {
            let report = json!({
                "reported": reported,
                "parse_diff": timing.to_json(),
                "ratio": timing.paired_ratio(&parse_diff),
            });
            (peer.to_owned(), report)
        })
        .collect();
    // Diff and parse side by side too: their ratio is a target.
    let mut diff_alone = Here(|| diff(black_box(&original), black_box(&make)));
    let mut parse_alone = Here(parse_both);
    let mut value = Here(|| {
        (
            serde_json::from_str::<Value>(black_box(&original_text)),
            serde_json::from_str::<Value>(black_box(&make_text)),
        )
    });
    let mut ours_alone =
        measure_paired(args, &mut [&mut diff_alone, &mut parse_alone, &mut value])?.into_iter();
    let (Some(diff_alone), Some(parse_alone), Some(value)) =
        (ours_alone.next(), ours_alone.next(), ours_alone.next())
    else {
        bail!("three operations, three timings");
    };
    Ok(json!({
        "name": name,
        "bytes": original_text.len() + make_text.len(),
        "changes": diff(&original, &make).change_count(),
        "parse_diff": parse_diff.to_json(),
        "diff": diff_alone.to_json(),
        "parse": parse_alone.to_json(),
        "diff_over_parse": diff_alone.paired_ratio(&parse_alone),
        "serde_json_value": value.to_json(),
        "peers": peer_reports,
    }))
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.list {
        for fixture in recipe_benches::FIXTURES {
            println!("{}", fixture.name);
        }
        return Ok(());
    }
    let names: Vec<String> = if args.names.is_empty() {
        recipe_benches::FIXTURES
            .iter()
            .map(|f| f.name.to_owned())
            .collect()
    } else {
        args.names.clone()
    };
    let mut node = args
        .jsondiffpatch
        .as_deref()
        .map(|script| NodePeer::start(script, &args.fixtures))
        .transpose()?;
    let mut fixtures = Vec::new();
    for name in &names {
        eprintln!("recipe-diff: timing {name}");
        fixtures.push(time_fixture(&args, name, node.as_mut())?);
    }
    let mut peers: Vec<Value> = Peer::ALL
        .iter()
        .map(|peer| json!({ "tool": peer.name(), "version": peer.version() }))
        .collect();
    peers.extend(node.as_ref().map(|node| node.identity.clone()));
    let report = json!({
        "tool": "recipe-diff",
        "version": env!("CARGO_PKG_VERSION"),
        "scheme": { "samples": args.samples, "warmup_ms": args.warmup_ms, "batch_ms": args.batch_ms },
        "peers": peers,
        "fixtures": fixtures,
    });
    println!("{report}");
    Ok(())
}
