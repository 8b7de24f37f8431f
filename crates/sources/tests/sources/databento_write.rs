//! Integration tests of the Databento writers (round trip through the replay).
