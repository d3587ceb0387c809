//! Our side of the peer comparison: per-pair medians as JSON on stdout.
//!
//! ```text
//! cargo run --release -p recipe-benches --bin compare-timing -- benches/fixtures
//! cargo run --release -p recipe-benches --bin compare-timing -- --list
//! ```
//!
//! `benches/compare/run` calls this, then again with `--peer palim` and
//! `--peer json-patch` (the Rust peers, timed by this same program), then
//! `deepdiff_bench.py` and `jsondiffpatch_bench.mjs` with the same files and
//! the same iteration scheme, and prints the ratios. A peer is timed on
//! what a user with two files pays: both documents into
//! [`serde_json::Value`] and its diff. For each fixture it times four
//! things of ours:
//! parse+diff (what a user with two files pays), diff alone on parsed
//! recipes, parse alone (both documents), and both documents into
//! `serde_json::Value` (the floor).
//!
//! The scheme, the same in all three programs: call the operation for the
//! warm-up time (at least once) to estimate its cost; choose a batch of
//! calls lasting at least the batch time; time that many batches; report the
//! median and the minimum of the per-call times in microseconds.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Parser, ValueEnum};
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
    /// Time this peer instead of recipe-diff.
    #[arg(long)]
    peer: Option<Peer>,
    /// Folder holding `<name>.original.json` and `<name>.make.json`.
    #[arg(default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))]
    fixtures: PathBuf,
    /// Fixtures to time; all of them when none is named.
    names: Vec<String>,
}

/// The Rust peers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
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

/// A peer's report on one fixture, in the schema the other peers' benches
/// write.
fn time_peer(args: &Args, peer: &PeerDiff, name: &str) -> Result<Value> {
    let original_text = read(&args.fixtures, name, "original")?;
    let make_text = read(&args.fixtures, name, "make")?;
    let reported = peer
        .parse_and_diff(&original_text, &make_text)
        .with_context(|| format!("{} on fixture {name}", peer.peer.name()))?;
    let timing = measure(args, || {
        peer.parse_and_diff(black_box(&original_text), black_box(&make_text))
    });
    Ok(json!({
        "name": name,
        "bytes": original_text.len() + make_text.len(),
        "reported": reported,
        "parse_diff": timing.to_json(),
    }))
}

/// Median and minimum of one operation's per-call times.
struct Timing {
    median_us: f64,
    min_us: f64,
    batch: u64,
}

impl Timing {
    fn to_json(&self) -> Value {
        json!({ "median_us": self.median_us, "min_us": self.min_us, "batch": self.batch })
    }
}

/// The scheme described in the crate docs above.
fn measure<T>(args: &Args, mut operation: impl FnMut() -> T) -> Timing {
    let warmup = Duration::from_millis(args.warmup_ms);
    let start = Instant::now();
    let mut calls: u64 = 0;
    while calls == 0 || start.elapsed() < warmup {
        black_box(operation());
        calls += 1;
    }
    let per_call = start.elapsed().as_secs_f64() / calls as f64;
    let batch_seconds = Duration::from_millis(args.batch_ms).as_secs_f64();
    let batch = ((batch_seconds / per_call).ceil() as u64).max(1);
    let mut samples: Vec<f64> = (0..args.samples.max(1))
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                black_box(operation());
            }
            start.elapsed().as_secs_f64() * 1e6 / batch as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    Timing {
        median_us: samples[samples.len() / 2],
        min_us: samples[0],
        batch,
    }
}

fn read(folder: &Path, name: &str, side: &str) -> Result<String> {
    let path = folder.join(format!("{name}.{side}.json"));
    std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
}

fn time_fixture(args: &Args, name: &str) -> Result<Value> {
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

    let parse_diff = measure(args, || {
        parse_both().map(|(original, make)| diff(&original, &make))
    });
    let diff_alone = measure(args, || diff(black_box(&original), black_box(&make)));
    let parse_alone = measure(args, parse_both);
    let value = measure(args, || {
        (
            serde_json::from_str::<Value>(black_box(&original_text)),
            serde_json::from_str::<Value>(black_box(&make_text)),
        )
    });
    Ok(json!({
        "name": name,
        "bytes": original_text.len() + make_text.len(),
        "changes": diff(&original, &make).change_count(),
        "parse_diff": parse_diff.to_json(),
        "diff": diff_alone.to_json(),
        "parse": parse_alone.to_json(),
        "serde_json_value": value.to_json(),
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
    if let Some(peer) = args.peer {
        let differ = PeerDiff::new(peer);
        let mut fixtures = Vec::new();
        for name in &names {
            eprintln!("{}: timing {name}", peer.name());
            fixtures.push(time_peer(&args, &differ, name)?);
        }
        let report =
            json!({ "tool": peer.name(), "version": peer.version(), "fixtures": fixtures });
        println!("{report}");
        return Ok(());
    }
    let mut fixtures = Vec::new();
    for name in &names {
        eprintln!("recipe-diff: timing {name}");
        fixtures.push(time_fixture(&args, name)?);
    }
    let report = json!({
        "tool": "recipe-diff",
        "version": env!("CARGO_PKG_VERSION"),
        "scheme": { "samples": args.samples, "warmup_ms": args.warmup_ms, "batch_ms": args.batch_ms },
        "fixtures": fixtures,
    });
    println!("{report}");
    Ok(())
}
