//! Reading stream replies: entries, their ids and fields, and the events in them.

use std::collections::BTreeMap;

use redis::Value as RedisValue;

use crate::protocol::LayoutEvent;

pub(super) fn event_of(fields: &BTreeMap<String, String>) -> Option<LayoutEvent> {
    let event = fields.get("e").and_then(|e| serde_json::from_str::<LayoutEvent>(e).ok());
    if event.is_none() {
        tracing::warn!("a malformed shared view event skipped");
    }
    event
}

pub(super) fn parse_id(id: &str) -> Option<(u64, u64)> {
    let (a, b) = id.split_once('-')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

pub(super) fn text(v: &RedisValue) -> Option<String> {
    match v {
        RedisValue::BulkString(b) => String::from_utf8(b.clone()).ok(),
        RedisValue::SimpleString(s) => Some(s.clone()),
        _ => None,
    }
}

/// The entries of an `XREAD`/`XREADGROUP` reply of one stream.
pub(super) fn stream_entries(reply: &RedisValue) -> Vec<((u64, u64), BTreeMap<String, String>)> {
    match reply {
        RedisValue::Array(streams) => streams
            .iter()
            .filter_map(|s| match s {
                RedisValue::Array(pair) if pair.len() == 2 => Some(stream_entries_of_range(&pair[1])),
                _ => None,
            })
            .flatten()
            .collect(),
        RedisValue::Map(streams) => streams.iter().flat_map(|(_, entries)| stream_entries_of_range(entries)).collect(),
        _ => Vec::new(),
    }
}

/// The entries of an `XRANGE` reply (or the entries part of an `XREAD` one).
pub(super) fn stream_entries_of_range(reply: &RedisValue) -> Vec<((u64, u64), BTreeMap<String, String>)> {
    let RedisValue::Array(entries) = reply else { return Vec::new() };
    entries
        .iter()
        .filter_map(|entry| {
            let RedisValue::Array(pair) = entry else { return None };
            let id = parse_id(&text(pair.first()?)?)?;
            let RedisValue::Array(kv) = pair.get(1)? else { return Some((id, BTreeMap::new())) };
            let fields = kv.chunks(2).filter_map(|c| Some((text(c.first()?)?, text(c.get(1)?)?))).collect();
            Some((id, fields))
        })
        .collect()
}
