//! The timer and the statistics of the benchmarks, in one file shared by `benches/workloads.rs`
//! and the peer comparison (`benches/peers`), so that both sides of a comparison are timed and
//! summarised by the same code.

use std::alloc::System;
use std::time::Instant;

use stats_alloc::{Region, StatsAlloc};

/// Runs `f` and returns its result and the microseconds it took on the monotonic clock.
#[inline(always)]
pub(crate) fn timed<R>(f: impl FnOnce() -> R) -> (R, f64) {
    let start = Instant::now();
    let result = f();
    (result, start.elapsed().as_secs_f64() * 1e6)
}

/// The sample at quantile `q` (0.5 is the median): the nearest rank, the index rounded. Sorts
/// `samples` in place.
pub(crate) fn quantile(samples: &mut [f64], q: f64) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[((samples.len() as f64 - 1.0) * q).round() as usize]
}

/// Microseconds rounded to nanoseconds, for printing.
pub(crate) fn round(us: f64) -> f64 {
    (us * 1000.0).round() / 1000.0
}

/// Heap allocations (and reallocations) made by `f`, counted by the binary's global allocator
/// outside any timing.
pub(crate) fn allocations<R>(global: &'static StatsAlloc<System>, f: impl FnOnce() -> R) -> (R, usize) {
    let region = Region::new(global);
    let result = f();
    let change = region.change();
    (result, change.allocations + change.reallocations)
}

/// The runs of one workload: times, the bytes of the last update, and heap allocations per run.
pub(crate) struct Runs {
    global: &'static StatsAlloc<System>,
    pub(crate) us: Vec<f64>,
    pub(crate) bytes: usize,
    pub(crate) allocs: Vec<usize>,
}

impl Runs {
    /// No runs yet; allocations are counted by `global`.
    pub(crate) fn new(global: &'static StatsAlloc<System>) -> Runs {
        Runs { global, us: Vec::new(), bytes: 0, allocs: Vec::new() }
    }

    /// Measures one run of `f`, which returns (microseconds, bytes).
    pub(crate) fn run(&mut self, f: impl FnOnce() -> (f64, usize)) {
        let ((us, bytes), allocs) = allocations(self.global, f);
        self.us.push(us);
        self.bytes = bytes;
        self.allocs.push(allocs);
    }

    /// The median number of allocations of one run.
    pub(crate) fn median_allocs(&mut self) -> usize {
        self.allocs.sort_unstable();
        self.allocs[self.allocs.len() / 2]
    }
}
