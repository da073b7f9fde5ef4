//! What Linux shows of another process in `/proc/<pid>`: resident memory, OS threads and open
//! file descriptors. Used by `tests/soak.rs` on its server child.

#![allow(dead_code, unreachable_pub)]

/// One reading of a process's figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProcStat {
    /// `VmRSS`, in bytes.
    pub rss_bytes: u64,
    /// `Threads`: the process's OS threads.
    pub threads: u64,
    /// Entries of `/proc/<pid>/fd`.
    pub fds: u64,
}

/// Reads the figures of `pid`, or `None` if the process is gone (or this is not Linux).
pub fn read(pid: u32) -> Option<ProcStat> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line[name.len()..].split_whitespace().next()?.parse().ok()
    };
    let rss_bytes = field("VmRSS:")? * 1024;
    let threads = field("Threads:")?;
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count() as u64;
    Some(ProcStat { rss_bytes, threads, fds })
}
