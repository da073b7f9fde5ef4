//! idom beside dioxus 0.7.10 on the workloads of `shared/bench/WORKLOADS.md`, interleaved.
//!
//! `cargo run --release --manifest-path benches/peers/Cargo.toml -- --quick` prints, per
//! workload, the median microseconds of one run on each side and their ratio (idom / dioxus;
//! below 1 means idom is faster). `--json` prints one JSON object per workload instead; names
//! (`table`, `table/select`) pick groups or workloads.
//!
//! One run is what a session does for one click: on idom the event delivered with
//! `Layout::deliver_now`, `try_render` and the update's wire text (`to_message`), exactly as
//! `benches/workloads.rs` measures it; on dioxus the click handled by the `VirtualDom`'s runtime,
//! `render_immediate` and the mutations written as JSON text. Both are timed and summarised by
//! the same code (`benches/support/stats.rs`). Each workload runs in rounds; each round runs
//! every side a block of runs, in an order that rotates from round to round, so that the
//! machine's slow and fast minutes fall on both sides alike. The table runs on dioxus twice, with
//! its rows inline and as a `Row` component; the ratio is against the faster.

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

/// Rounds per workload.
const ROUNDS: usize = 7;

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

    /// Runs per side per round: `quick` or ten times that.
    fn per_round(&self, quick: usize) -> usize {
        if self.quick { quick } else { quick * 10 }
    }
}

/// What a run's message must show for the run to count: that the work was done.
struct Check {
    min_bytes: usize,
    contains: Option<&'static str>,
}

impl Check {
    fn bytes(min_bytes: usize) -> Check {
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

/// One side of a comparison: its name and what measures one run (setup unmeasured) into `Runs`.
struct Side<'a> {
    name: &'static str,
    run: Box<dyn FnMut(&mut Runs) + 'a>,
}

/// What one side measured.
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

/// Runs the sides of `workload` interleaved and prints the line. The first side is idom's, the
/// others dioxus variants.
fn compare(o: &Options, workload: &str, per_round: usize, mut sides: Vec<Side<'_>>) {
    // One unrecorded run each: first-time costs (the lookups of targets, the allocator's first
    // pages) are not part of anyone's figures.
    for side in &mut sides {
        (side.run)(&mut Runs::new(GLOBAL));
    }
    let mut runs: Vec<Runs> = sides.iter().map(|_| Runs::new(GLOBAL)).collect();
    for round in 0..ROUNDS {
        for k in 0..sides.len() {
            let i = (k + round) % sides.len();
            for _ in 0..per_round {
                (sides[i].run)(&mut runs[i]);
            }
        }
    }
    let mut summaries: Vec<Summary> = sides.iter().zip(runs).map(|(s, r)| Summary::of(s.name, r)).collect();
    let idom = summaries.remove(0);
    let best = summaries.iter().min_by(|a, b| a.median_us.total_cmp(&b.median_us)).expect("a dioxus side");
    let ratio = idom.median_us / best.median_us;
    if o.json {
        let mut line = json!({
            "workload": workload,
            "idom": idom.json(),
            "dioxus": best.json(),
            "dioxus_variant": best.name,
            "ratio": (ratio * 100.0).round() / 100.0,
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
            "{workload:<26} {:>12.1} {:>12.1} {:>7.2}x {:>10} {:>10}{variants}",
            idom.median_us, best.median_us, ratio, idom.bytes, best.bytes,
        );
    }
}

fn counter(o: &Options) {
    if !o.wants("counter/click") {
        return;
    }
    let check = Check { min_bytes: 20, contains: None };
    let (mut layout, t) = idom_side::counter();
    let (mut session, id) = dioxus_side::counter();
    let sides = vec![
        Side {
            name: "idom",
            run: Box::new(|runs: &mut Runs| {
                let event = idom_side::click(&t);
                runs.run(|| {
                    let (us, text) = idom_side::act(&mut layout, event);
                    check.verify("counter/click", "idom", &text);
                    (us, text.len())
                });
            }),
        },
        Side {
            name: "signal",
            run: Box::new(|runs: &mut Runs| {
                runs.run(|| {
                    let (us, text) = session.act(id);
                    check.verify("counter/click", "dioxus", &text);
                    (us, text.len())
                });
            }),
        },
    ];
    compare(o, "counter/click", o.per_round(300), sides);
}

fn children(o: &Options) {
    let n = 1_000;
    let workload = "children/click-one-1000";
    if !o.wants(workload) {
        return;
    }
    let check = Check { min_bytes: 20, contains: None };
    let (mut layout, t) = idom_side::children(n);
    let (mut session, id) = dioxus_side::children(n);
    let sides = vec![
        Side {
            name: "idom",
            run: Box::new(|runs: &mut Runs| {
                let event = idom_side::click(&t);
                runs.run(|| {
                    let (us, text) = idom_side::act(&mut layout, event);
                    check.verify(workload, "idom", &text);
                    (us, text.len())
                });
            }),
        },
        Side {
            name: "signal",
            run: Box::new(|runs: &mut Runs| {
                runs.run(|| {
                    let (us, text) = session.act(id);
                    check.verify(workload, "dioxus", &text);
                    (us, text.len())
                });
            }),
        },
    ];
    compare(o, workload, o.per_round(150), sides);
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

fn table_workload(o: &Options, name: &str, per_round: usize, setup: &[&str], action: Action, check: Check) {
    if !o.wants(name) {
        return;
    }
    let idom_target = {
        let layout = idom_side::table_with(setup);
        match action {
            Action::Button(id) => idom_side::button(&layout, id),
            Action::Select => idom_side::row_link(&layout, 1, 1),
            Action::Remove => idom_side::row_link(&layout, 1, 2),
        }
    };
    let mut sides = vec![Side {
        name: "idom",
        run: Box::new(|runs: &mut Runs| {
            let mut layout = idom_side::table_with(setup);
            let event = idom_side::click(&idom_target);
            runs.run(|| {
                let (us, text) = idom_side::act(&mut layout, event);
                check.verify(name, "idom", &text);
                (us, text.len())
            });
        }),
    }];
    for rows in [Rows::Inline, Rows::Component] {
        let targets = TableTargets::find(rows, setup);
        let id = match action {
            Action::Button(id) => targets.button(id),
            Action::Select => targets.created[2],
            Action::Remove => targets.created[3],
        };
        let check = &check;
        sides.push(Side {
            name: rows.name(),
            run: Box::new(move |runs: &mut Runs| {
                let mut session = dioxus_side::table_with(rows, setup, &targets);
                runs.run(|| {
                    let (us, text) = session.act(id);
                    check.verify(name, rows.name(), &text);
                    (us, text.len())
                });
            }),
        });
    }
    compare(o, name, per_round, sides);
}

fn table(o: &Options) {
    let (small, large) = (o.per_round(5), o.per_round(2));
    let b = Action::Button;
    // A thousand rows carry at least a thousand labels of ten characters and more.
    let rows_1k = || Check::bytes(20_000);
    table_workload(o, "table/create1k", small, &[], b("run"), rows_1k());
    table_workload(o, "table/replace1k", small, &["run"], b("run"), rows_1k());
    let update = Check { min_bytes: 100 * 4, contains: Some(" !!!") };
    table_workload(o, "table/update10th", small, &["run"], b("update"), update);
    let select = Check { min_bytes: 10, contains: Some("danger") };
    table_workload(o, "table/select", small * 5, &["run"], Action::Select, select);
    table_workload(o, "table/swap", small * 5, &["run"], b("swaprows"), Check::bytes(30));
    table_workload(o, "table/remove", small * 5, &["run"], Action::Remove, Check::bytes(30));
    table_workload(o, "table/create10k", large, &[], b("runlots"), Check::bytes(200_000));
    table_workload(o, "table/append1k", small, &["run"], b("add"), rows_1k());
    table_workload(o, "table/clear", small, &["run"], b("clear"), Check::bytes(30));
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let o = Options {
        quick: args.iter().any(|a| a == "--quick"),
        json: args.iter().any(|a| a == "--json"),
        only: args.iter().filter(|a| !a.starts_with("--")).cloned().collect(),
    };
    if !o.json {
        println!(
            "{:<26} {:>12} {:>12} {:>8} {:>10} {:>10}",
            "workload", "idom µs", "dioxus µs", "ratio", "idom B", "dioxus B"
        );
    }
    counter(&o);
    table(&o);
    children(&o);
}
