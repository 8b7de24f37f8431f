//! Exporter tests: finalized (read-only) outputs, identical rebuilds, `force`.

use std::path::PathBuf;

use gammaflow_master::MasterError;
use gammaflow_master::export::{Placed, place_outputs};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gammaflow-master-{name}-{}", std::process::id()));
    if dir.exists() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let mut perm = std::fs::metadata(&p).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perm.set_readonly(false);
            std::fs::set_permissions(&p, perm).unwrap();
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn finalized_outputs_are_read_only_and_protected() {
    let dir = temp_dir("export-final");
    let files = vec![("A.csv".to_owned(), b"a\n1\n".to_vec())];
    assert_eq!(
        place_outputs(&dir, &files, false, true).unwrap(),
        [Placed::Created]
    );
    let path = dir.join("A.csv");
    assert!(std::fs::metadata(&path).unwrap().permissions().readonly());
    // The same bytes again: verified, untouched.
    assert_eq!(
        place_outputs(&dir, &files, false, true).unwrap(),
        [Placed::Unchanged]
    );
    // Other bytes over a finalized file: refused, nothing written.
    let changed = vec![
        ("B.csv".to_owned(), b"new".to_vec()),
        ("A.csv".to_owned(), b"a\n2\n".to_vec()),
    ];
    let err = place_outputs(&dir, &changed, false, true).unwrap_err();
    assert!(matches!(err, MasterError::Finalized { .. }), "{err}");
    assert!(err.to_string().contains("A.csv") && err.to_string().contains("--force"));
    assert!(!dir.join("B.csv").exists());
    assert_eq!(std::fs::read(&path).unwrap(), b"a\n1\n");
    // With force: replaced, and read-only again.
    assert_eq!(
        place_outputs(&dir, &changed, true, true).unwrap(),
        [Placed::Created, Placed::Replaced]
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"a\n2\n");
    assert!(std::fs::metadata(&path).unwrap().permissions().readonly());
}

#[test]
fn unfinalized_outputs_stay_writable_and_are_replaced() {
    let dir = temp_dir("export-open");
    let path = dir.join("A.csv");
    place_outputs(&dir, &[("A.csv".into(), b"1".to_vec())], false, false).unwrap();
    assert!(!std::fs::metadata(&path).unwrap().permissions().readonly());
    assert_eq!(
        place_outputs(&dir, &[("A.csv".into(), b"2".to_vec())], false, false).unwrap(),
        [Placed::Replaced]
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"2");
}
