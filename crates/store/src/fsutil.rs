//! Small file-system helpers that attach paths to errors.

use std::fs::{self, File};
use std::path::Path;

use crate::StoreError;

/// Flushes a directory's entries (new, renamed and removed names) to stable storage.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(StoreError::io("sync directory", dir))
}

/// Creates `dir` and its parents.
pub(crate) fn create_dir_all(dir: &Path) -> Result<(), StoreError> {
    fs::create_dir_all(dir).map_err(StoreError::io("create directory", dir))
}

/// The entries of `dir` as (file name, path), sorted by name; names that are not UTF-8 are skipped.
pub(crate) fn list_dir(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>, StoreError> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(StoreError::io("list directory", dir))? {
        let entry = entry.map_err(StoreError::io("list directory", dir))?;
        if let Ok(name) = entry.file_name().into_string() {
            out.push((name, entry.path()));
        }
    }
    out.sort();
    Ok(out)
}

/// Removes a file.
pub(crate) fn remove_file(path: &Path) -> Result<(), StoreError> {
    fs::remove_file(path).map_err(StoreError::io("remove", path))
}
