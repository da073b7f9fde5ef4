//! idom beside dioxus 0.7.10 on the workloads of `shared/bench/WORKLOADS.md`, interleaved.
//!
//! `cargo run --release --manifest-path benches/peers/Cargo.toml -- --quick` prints, per
//! workload, the median microseconds of one run on each side and their ratio (idom / dioxus;
//! below 1 means idom is faster). `--json` prints one JSON object per workload instead; names
//! (`table`, `table/select`) pick groups or workloads.
//!
//! One run is what a session does for one click: on idom the event delivered with
//! `Layout::deliver_now`, `try_render` and the update's wire text (`into_message`), exactly as
//! `benches/workloads.rs` measures it; on dioxus the click handled by the `VirtualDom`'s runtime,
//! `render_immediate` and the mutations written as JSON text. Both are timed and summarised by
//! the same code (`benches/support/stats.rs`). Each workload runs in rounds; each round runs
//! every side a block of runs, in an order that rotates from round to round, so that the
//! machine's slow and fast minutes fall on both sides alike. A block runs in a child process of
//! its own (this binary with `--child`), so one side's heap never shapes the other's figures. The
//! table runs on dioxus twice, with its rows inline and as a `Row` component; the ratio is
//! against the faster.

use std::alloc::System;

use serde_json::{Value, json};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[path = "../../support/stats.rs"]
mod stats;
use stats::{Runs, quantile, round};

#[path = "../../support/components.rs"]
mod components;

#[path = "../../../examples/table/app.rs"]
#[allow(dead_code)]
mod table_app;

mod dioxus_side;
mod idom_side;
mod json;

use dioxus_side::{Rows, TableTargets};

struct Options {
    quick: bool,
    json: bool,
    /// Name prefixes given on the command line (`table`, `table/select`); empty runs everything.
    only: Vec<String>,
}

impl Options {
    fn wants(&self, name: &str) -> bool {
        let group = name.split('/').next().unwrap_or(name);
        self.only.is_empty() || self.only.iter().any(|o| o == name || o == group)
    }

    /// Rounds per workload: 7, or 21 without `--quick`.
    fn rounds(&self) -> usize {
        if self.quick { 7 } else { 21 }
    }

    /// Runs per side per round: `quick`, or enough more for ten times as many runs in all.
    fn per_round(&self, quick: usize) -> usize {
        if self.quick { quick } else { (quick * 10).div_ceil(3) }
    }
}

/// What a run's message must show for the run to count: that the work was done.
#[derive(Clone, Copy)]
struct Check {
    min_bytes: usize,
    contains: Option<&'static str>,
}

impl Check {
    const fn bytes(min_bytes: usize) -> Check {
        Check { min_bytes, contains: None }
    }

    fn verify(&self, workload: &str, side: &str, text: &str) {
        assert!(
            text.len() >= self.min_bytes && self.contains.is_none_or(|c| text.contains(c)),
            "{workload} on {side} did not do the work: {} bytes: {}",
            text.len(),
            text.chars().take(300).collect::<String>(),
        );
    }
}

/// What a table workload clicks.
#[derive(Clone, Copy)]
enum Action {
    Button(&'static str),
    /// The label link of the second row.
    Select,
    /// The remove link of the second row.
    Remove,
}

/// A workload: its name, runs per side per round in `--quick`, and for a table workload the
/// setup clicks, the click measured and what its message must show.
struct Workload {
    name: &'static str,
    quick_runs: usize,
    table: Option<(&'static [&'static str], Action, Check)>,
}

/// A thousand rows carry at least a thousand labels of ten characters and more.
const ROWS_1K: Check = Check::bytes(20_000);

const WORKLOADS: &[Workload] = &[
    Workload { name: "counter/click", quick_runs: 300, table: None },
    Workload { name: "table/create1k", quick_runs: 5, table: Some((&[], Action::Button("run"), ROWS_1K)) },
    Workload { name: "table/replace1k", quick_runs: 5, table: Some((&["run"], Action::Button("run"), ROWS_1K)) },
    Workload {
        name: "table/update10th",
        quick_runs: 5,
        table: Some((&["run"], Action::Button("update"), Check { min_bytes: 100 * 4, contains: Some(" !!!") })),
    },
    Workload {
        name: "table/select",
        quick_runs: 25,
        table: Some((&["run"], Action::Select, Check { min_bytes: 10, contains: Some("danger") })),
    },
    Workload {
        name: "table/swap",
        quick_runs: 25,
        table: Some((&["run"], Action::Button("swaprows"), Check::bytes(30))),
    },
    Workload { name: "table/remove", quick_runs: 25, table: Some((&["run"], Action::Remove, Check::bytes(30))) },
    Workload {
        name: "table/create10k",
        quick_runs: 2,
        table: Some((&[], Action::Button("runlots"), Check::bytes(200_000))),
    },
    Workload { name: "table/append1k", quick_runs: 5, table: Some((&["run"], Action::Button("add"), ROWS_1K)) },
    Workload { name: "table/clear", quick_runs: 5, table: Some((&["run"], Action::Button("clear"), Check::bytes(30))) },
    Workload { name: "children/click-one-1000", quick_runs: 150, table: None },
];

impl Workload {
    /// The sides: idom first, then the dioxus variants.
    fn sides(&self) -> &'static [&'static str] {
        if self.table.is_some() { &["idom", "inline", "component"] } else { &["idom", "signal"] }
    }

    /// What measures one run of `side` (its setup unmeasured) into `Runs`.
    fn runner(&self, side: &str) -> Box<dyn FnMut(&mut Runs)> {
        let name = self.name;
        match (self.table, side) {
            (Some((setup, action, check)), "idom") => {
                let target = {
                    let layout = idom_side::table_with(setup);
                    match action {
                        Action::Button(id) => idom_side::button(&layout, id),
                        Action::Select => idom_side::row_link(&layout, 1, 1),
                        Action::Remove => idom_side::row_link(&layout, 1, 2),
                    }
                };
                Box::new(move |runs: &mut Runs| {
                    let mut layout = idom_side::table_with(setup);
                    let event = idom_side::click(&target);
                    runs.run(|| {
                        let (us, text) = idom_side::act(&mut layout, event);
                        check.verify(name, "idom", &text);
                        (us, text.len())
                    });
                })
            }
            (Some((setup, action, check)), variant) => {
                let rows = if variant == "inline" { Rows::Inline } else { Rows::Component };
                let targets = TableTargets::find(rows, setup);
                let id = match action {
                    Action::Button(id) => targets.button(id),
                    Action::Select => targets.created[2],
                    Action::Remove => targets.created[3],
                };
                Box::new(move |runs: &mut Runs| {
                    let mut session = dioxus_side::table_with(rows, setup, &targets);
                    runs.run(|| {
                        let (us, text) = session.act(id);
                        check.verify(name, rows.name(), &text);
                        (us, text.len())
                    });
                })
            }
            (None, side) => {
                let check = Check::bytes(20);
                let counter = name == "counter/click";
                if side == "idom" {
                    let (mut layout, t) = if counter { idom_side::counter() } else { idom_side::children(1_000) };
                    Box::new(move |runs: &mut Runs| {
                        let event = idom_side::click(&t);
                        runs.run(|| {
                            let (us, text) = idom_side::act(&mut layout, event);
                            check.verify(name, "idom", &text);
                            (us, text.len())
                        });
                    })
                } else {
                    let (mut session, id) = if counter { dioxus_side::counter() } else { dioxus_side::children(1_000) };
                    Box::new(move |runs: &mut Runs| {
                        runs.run(|| {
                            let (us, text) = session.act(id);
                            check.verify(name, "dioxus", &text);
                            (us, text.len())
                        });
                    })
                }
            }
        }
    }
}

/// In a child process: `runs` runs of one side of one workload, after one unrecorded run (the
/// first-time costs: the lookups of targets, the allocator's first pages). Prints the samples.
fn child(workload: &str, side: &str, runs: usize) {
    let workload = WORKLOADS.iter().find(|w| w.name == workload).expect("a known workload");
    let mut run = workload.runner(side);
    run(&mut Runs::new(GLOBAL));
    let mut samples = Runs::new(GLOBAL);
    for _ in 0..runs {
        run(&mut samples);
    }
    println!("{}", json!({"us": samples.us, "allocs": samples.allocs, "bytes": samples.bytes}));
}

/// One block of runs of `side`, in a child process of its own (so each side's runs see only its
/// own heap, as in `benches/workloads.rs`); its samples are added to `into`. Returns the block's
/// median.
fn block(workload: &str, side: &str, runs: usize, into: &mut Runs) -> f64 {
    let exe = std::env::current_exe().expect("the benchmark's path");
    let output = std::process::Command::new(exe)
        .args(["--child", workload, side, &runs.to_string()])
        .output()
        .expect("a child process");
    assert!(output.status.success(), "{workload} on {side} failed: {}", String::from_utf8_lossy(&output.stderr));
    let line: Value = serde_json::from_slice(&output.stdout).expect("the child's samples");
    let numbers = |key: &str| line[key].as_array().expect("samples").iter().map(|v| v.as_f64().expect("a number"));
    let mut us: Vec<f64> = numbers("us").collect();
    into.us.extend(&us);
    into.allocs.extend(numbers("allocs").map(|a| a as usize));
    into.bytes = line["bytes"].as_u64().expect("bytes") as usize;
    quantile(&mut us, 0.5)
}

/// One side's figures.
struct Summary {
    name: &'static str,
    n: usize,
    median_us: f64,
    p95_us: f64,
    bytes: usize,
    allocs: usize,
}

impl Summary {
    fn of(name: &'static str, mut runs: Runs) -> Summary {
        Summary {
            name,
            n: runs.us.len(),
            median_us: quantile(&mut runs.us, 0.5),
            p95_us: quantile(&mut runs.us, 0.95),
            bytes: runs.bytes,
            allocs: runs.median_allocs(),
        }
    }

    fn json(&self) -> Value {
        json!({
            "n": self.n,
            "median_us": round(self.median_us),
            "p95_us": round(self.p95_us),
            "bytes": self.bytes,
            "allocs": self.allocs,
        })
    }
}

/// Runs the sides of `workload` interleaved and prints its line.
fn compare(o: &Options, workload: &Workload) {
    let sides = workload.sides();
    let per_round = o.per_round(workload.quick_runs);
    let mut runs: Vec<Runs> = sides.iter().map(|_| Runs::new(GLOBAL)).collect();
    // Each round's block medians, by side.
    let mut medians: Vec<Vec<f64>> = sides.iter().map(|_| Vec::new()).collect();
    for round in 0..o.rounds() {
        for k in 0..sides.len() {
            let i = (k + round) % sides.len();
            medians[i].push(block(workload.name, sides[i], per_round, &mut runs[i]));
        }
    }
    let mut summaries: Vec<Summary> = sides.iter().zip(runs).map(|(s, r)| Summary::of(s, r)).collect();
    let idom = summaries.remove(0);
    let (b, best) = summaries
        .iter()
        .enumerate()
        .min_by(|(_, a), (_, b)| a.median_us.total_cmp(&b.median_us))
        .expect("a dioxus side");
    let ratio = idom.median_us / best.median_us;
    // The median of the rounds' ratios: each pairs blocks run seconds apart, so it is the figure
    // least moved by the machine's drift over a workload.
    let mut paired: Vec<f64> = medians[0].iter().zip(&medians[b + 1]).map(|(i, d)| i / d).collect();
    let paired = quantile(&mut paired, 0.5);
    let name = workload.name;
    if o.json {
        let mut line = json!({
            "workload": name,
            "idom": idom.json(),
            "dioxus": best.json(),
            "dioxus_variant": best.name,
            "ratio": (ratio * 100.0).round() / 100.0,
            "paired_ratio": (paired * 100.0).round() / 100.0,
        });
        for s in &summaries {
            line[format!("dioxus_{}", s.name)] = s.json();
        }
        println!("{line}");
    } else {
        let variants = if summaries.len() > 1 {
            let each: Vec<String> = summaries.iter().map(|s| format!("{} {:.1}", s.name, s.median_us)).collect();
            format!("  ({}: {})", best.name, each.join(", "))
        } else {
            String::new()
        };
        println!(
            "{name:<26} {:>12.1} {:>12.1} {:>7.2}x {:>7.2}x {:>10} {:>10}{variants}",
            idom.median_us, best.median_us, ratio, paired, idom.bytes, best.bytes,
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, workload, side, runs] = &args[..]
        && flag == "--child"
    {
        child(workload, side, runs.parse().expect("a number of runs"));
        return;
    }
    let o = Options {
        quick: args.iter().any(|a| a == "--quick"),
        json: args.iter().any(|a| a == "--json"),
        only: args.iter().filter(|a| !a.starts_with("--")).cloned().collect(),
    };
    if !o.json {
        println!(
            "{:<26} {:>12} {:>12} {:>8} {:>8} {:>10} {:>10}",
            "workload", "idom µs", "dioxus µs", "ratio", "paired", "idom B", "dioxus B"
        );
    }
    for workload in WORKLOADS.iter().filter(|w| o.wants(w.name)) {
        compare(&o, workload);
    }
}
