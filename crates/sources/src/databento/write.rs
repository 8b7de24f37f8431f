//! Writing model events as Databento files (DBN and CSV.zst), for `gammaflow sim`. (Being built.)
