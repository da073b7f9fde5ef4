//! Following: the mirror of the model every process keeps, and its clients' updates.

use std::collections::BTreeMap;

use redis::Value as RedisValue;
use redis::aio::MultiplexedConnection;
use serde_json::Value;

use super::entries::{parse_id, stream_entries, stream_entries_of_range};
use super::{BLOCK_MS, ClusterView, Relay, failed, whole};
use crate::cluster::BackendError;
use crate::protocol::decode_update;
use crate::sync::OrPoisoned as _;
use crate::testing::apply_update;

impl ClusterView {
    /// Follows the update stream into the mirror, until Redis fails (then the caller retries).
    pub(super) async fn follow(&self) -> Result<(), BackendError> {
        let mut con = self.dedicated().await?;
        self.resync(&mut con).await?;
        loop {
            let last = self.inner.relay.lock().or_poisoned().last;
            let from = format!("{}-{}", last.0, last.1);
            let reply: RedisValue = redis::cmd("XREAD")
                .arg("COUNT")
                .arg(500)
                .arg("BLOCK")
                .arg(BLOCK_MS)
                .arg("STREAMS")
                .arg(&self.inner.keys.updates)
                .arg(from)
                .query_async(&mut con)
                .await
                .map_err(|e| failed(&e))?;
            let entries = stream_entries(&reply);
            let read = !entries.is_empty();
            let mut resynced = false;
            for (id, fields) in entries {
                if !self.apply_entry(id, &fields, true) {
                    self.resync(&mut con).await?;
                    resynced = true;
                    break;
                }
            }
            // Waiting for a model after a gap: a snapshot newer than the gap ends the wait too.
            if read && !resynced && self.inner.relay.lock().or_poisoned().waiting.is_some() {
                self.resync(&mut con).await?;
            }
        }
    }

    /// Applies one stream entry to the mirror, and with `fan` queues it for the clients; `false`
    /// when it does not continue the mirror (a gap). A model entry is always taken (it starts an
    /// epoch); while the mirror waits for one after a gap, update entries are passed over.
    fn apply_entry(&self, id: (u64, u64), fields: &BTreeMap<String, String>, fan: bool) -> bool {
        let mut relay = self.inner.relay.lock().or_poisoned();
        let kind = fields.get("k").map(String::as_str);
        let message = fields.get("m");
        match (kind, message) {
            (Some("model"), Some(m)) => match serde_json::from_str::<Value>(m) {
                Ok(model) => {
                    relay.model = Some(model.clone());
                    relay.last = id;
                    relay.waiting = None;
                    if fan {
                        relay.fan_out(&whole(&model), self.inner.max_pending);
                    }
                    true
                }
                Err(e) => skip(&mut relay, id, &e.to_string()),
            },
            (Some("update"), Some(m)) => {
                if relay.waiting.is_some() {
                    relay.last = id;
                    return true;
                }
                if relay.model.is_none() || id.0 != relay.last.0 || id.1 != relay.last.1 + 1 {
                    return false;
                }
                let Ok(update) = decode_update(m) else { return skip(&mut relay, id, "not a layout-update") };
                let Some(model) = relay.model.as_mut() else { return false };
                if let Err(e) = apply_update(model, &update) {
                    tracing::warn!(error = %e, "a shared view update does not apply to the mirror; reloading");
                    return false;
                }
                relay.last = id;
                if fan {
                    relay.fan_out(&update, self.inner.max_pending);
                }
                true
            }
            _ => skip(&mut relay, id, "unknown entry"),
        }
    }

    /// Loads the snapshot and the entries after it into the mirror, then gives the clients the
    /// whole model. Nothing reaches the clients before that whole model: their models are not
    /// the snapshot, so an entry after it, sent as a patch, would not apply to them (or would
    /// apply twice).
    ///
    /// Without a snapshot, or with a gap after it too (an entry no owner wrote), the mirror waits
    /// for the next model (a new owner publishes one first) or a snapshot past the gap, passing
    /// over the entries in between: it never reads the same gap twice.
    async fn resync(&self, con: &mut MultiplexedConnection) -> Result<(), BackendError> {
        let snapshot: Option<String> =
            redis::cmd("GET").arg(&self.inner.keys.snapshot).query_async(con).await.map_err(|e| failed(&e))?;
        let parsed = snapshot.and_then(|s| serde_json::from_str::<Value>(&s).ok()).and_then(|snapshot| {
            let id = snapshot["id"].as_str().and_then(parse_id)?;
            Some((id, snapshot.get("model")?.clone()))
        });
        {
            let mut relay = self.inner.relay.lock().or_poisoned();
            match parsed {
                // Nothing newer than the gap we wait past: keep waiting.
                Some((id, _)) if relay.waiting.is_some_and(|gap| id <= gap) => return Ok(()),
                Some((id, model)) => {
                    relay.model = Some(model);
                    relay.last = id;
                    relay.waiting = None;
                }
                // No snapshot (none yet, or Redis lost its data, and with it the epochs): read
                // the stream from its start, up to its first model.
                None => {
                    if relay.waiting.is_none() {
                        tracing::info!("the shared view has no snapshot; waiting for a model");
                        relay.last = (0, 0);
                        relay.waiting = Some((0, 0));
                    }
                    return Ok(());
                }
            }
        }
        // The entries after the snapshot, in pages.
        loop {
            let last = self.inner.relay.lock().or_poisoned().last;
            let reply: RedisValue = redis::cmd("XRANGE")
                .arg(&self.inner.keys.updates)
                .arg(format!("({}-{}", last.0, last.1))
                .arg("+")
                .arg("COUNT")
                .arg(1000)
                .query_async(con)
                .await
                .map_err(|e| failed(&e))?;
            let entries = stream_entries_of_range(&reply);
            if entries.is_empty() {
                break;
            }
            for (id, fields) in entries {
                if !self.apply_entry(id, &fields, false) {
                    tracing::warn!(id = ?id, "the shared view's stream has a gap after its snapshot; waiting for the next model");
                    let mut relay = self.inner.relay.lock().or_poisoned();
                    relay.waiting = Some(id);
                    relay.last = id;
                }
            }
        }
        let mut relay = self.inner.relay.lock().or_poisoned();
        if let Some(full) = relay.full() {
            relay.fan_out(&full, self.inner.max_pending);
        }
        Ok(())
    }
}

fn skip(relay: &mut Relay, id: (u64, u64), why: &str) -> bool {
    tracing::warn!(id = ?id, why, "a malformed shared view entry skipped");
    relay.last = id;
    true
}
