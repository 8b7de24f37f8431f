//! Integration tests of the lake: round trips, flush triggers, WAL damage, crash recovery,
//! compaction, the writer thread and the chain snapshot table. Every test works in its own
//! directory under the system temp dir, removed at the end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "store/chain.rs"]
mod chain;
#[path = "store/common.rs"]
mod common;
#[path = "store/compaction.rs"]
mod compaction;
#[path = "store/lake.rs"]
mod lake;
#[path = "store/recovery.rs"]
mod recovery;
#[path = "store/roundtrip.rs"]
mod roundtrip;
#[path = "store/wal.rs"]
mod wal;
#[path = "store/writer.rs"]
mod writer;
