//! Integration tests of the databento source.
