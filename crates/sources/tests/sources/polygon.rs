//! Integration tests of the polygon source.
