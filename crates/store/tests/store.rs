//! Integration tests of the lake: round trips, flush triggers, WAL damage, crash recovery,
//! compaction and the writer thread. Every test works in its own directory under the system
//! temp dir, removed at the end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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
