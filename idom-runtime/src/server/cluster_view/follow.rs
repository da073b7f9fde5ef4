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
            for (id, fields) in stream_entries(&reply) {
                if !self.apply_entry(id, &fields) {
                    self.resync(&mut con).await?;
                    break;
                }
            }
        }
    }

    /// Applies one stream entry to the mirror; `false` when it does not continue it (a gap).
    fn apply_entry(&self, id: (u64, u64), fields: &BTreeMap<String, String>) -> bool {
        let mut relay = self.inner.relay.lock().or_poisoned();
        let kind = fields.get("k").map(String::as_str);
        let message = fields.get("m");
        match (kind, message) {
            (Some("model"), Some(m)) => match serde_json::from_str::<Value>(m) {
                Ok(model) => {
                    relay.model = Some(model.clone());
                    relay.last = id;
                    let full = whole(&model);
                    relay.fan_out(&full, self.inner.max_pending);
                    true
                }
                Err(e) => skip(&mut relay, id, &e.to_string()),
            },
            (Some("update"), Some(m)) => {
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
                relay.fan_out(&update, self.inner.max_pending);
                true
            }
            _ => skip(&mut relay, id, "unknown entry"),
        }
    }

    /// Loads the snapshot and the entries after it into the mirror (the clients get a whole
    /// model); without a snapshot yet, waits for the first owner.
    async fn resync(&self, con: &mut MultiplexedConnection) -> Result<(), BackendError> {
        let snapshot: Option<String> =
            redis::cmd("GET").arg(&self.inner.keys.snapshot).query_async(con).await.map_err(|e| failed(&e))?;
        let Some(snapshot) = snapshot.and_then(|s| serde_json::from_str::<Value>(&s).ok()) else {
            self.inner.relay.lock().or_poisoned().last = (0, 0);
            return Ok(());
        };
        let (Some(id), Some(model)) = (snapshot["id"].as_str().and_then(parse_id), snapshot.get("model")) else {
            tracing::warn!("the shared view's snapshot is malformed; waiting for the next one");
            return Ok(());
        };
        {
            let mut relay = self.inner.relay.lock().or_poisoned();
            relay.model = Some(model.clone());
            relay.last = id;
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
                if !self.apply_entry(id, &fields) {
                    tracing::warn!("the shared view's stream has a gap after its snapshot; waiting for the next model");
                    break;
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
