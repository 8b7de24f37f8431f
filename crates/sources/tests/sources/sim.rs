//! Integration tests of the sim source.
