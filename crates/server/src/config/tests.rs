use super::*;

fn validate(yaml: &str) -> Result<ServeConfig, ConfigError> {
    RawConfig::from_yaml(yaml, Path::new("test.yaml"))?.validate(Some(Path::new("test.yaml")))
}

#[test]
fn defaults_serve_the_simulator_on_loopback() -> Result<(), ConfigError> {
    let c = validate("")?;
    assert_eq!(c.source.kind, SourceKind::Sim);
    assert_eq!(c.http.bind.to_string(), "127.0.0.1:8000");
    assert_eq!(c.http.throttle_ms, 250);
    assert_eq!(c.desk.engine.products.len(), DEFAULT_PRODUCTS.len());
    assert_eq!(
        c.desk.lake.as_ref().map(|l| l.root.clone()),
        Some(PathBuf::from("data"))
    );
    assert_eq!(c.source.pace_from, Some(Time::constant(9, 30, 0, 0)));
    Ok(())
}

#[test]
fn every_problem_is_listed_at_once() {
    let yaml = "source:\n  kind: bloomberg\n  speed: -2\nwindow: 0\nhttp:\n  bind: 0.0.0.0:8000\n  throttle_ms: 20\nlake:\n  fsync: sometimes\nproducts: [spxw, ndx]\n";
    let Err(e) = validate(yaml) else {
        panic!("accepted {yaml}");
    };
    let text = e.to_string();
    for needle in [
        "test.yaml",
        "source.kind",
        "source.speed",
        "window",
        "http.bind: 0.0.0.0:8000 is not a loopback address",
        "http.throttle_ms",
        "lake.fsync",
        "products: expected spxw, spy or es (optionally +N for the N-th expiry after the 0DTE one), got \"ndx\"",
    ] {
        assert!(text.contains(needle), "{needle} missing from {text}");
    }
    assert_eq!(e.problems.len(), 7, "{text}");
}

#[test]
fn unknown_keys_and_bad_yaml_are_errors_naming_the_file() {
    let Err(e) = RawConfig::from_yaml("htp:\n  bind: x\n", Path::new("g.yaml")) else {
        panic!("accepted a misspelt section");
    };
    assert!(
        e.to_string().contains("g.yaml") && e.to_string().contains("htp"),
        "{e}"
    );
}

#[test]
fn environment_overrides_the_file_and_names_the_variable() -> Result<(), ConfigError> {
    let mut raw = RawConfig::from_yaml("http:\n  bind: 127.0.0.1:9000\n", Path::new("f"))?;
    let mut problems = Vec::new();
    raw.apply_env(
        |name| match name {
            "GAMMAFLOW_HTTP_BIND" => Some("0.0.0.0:8001".to_owned()),
            "GAMMAFLOW_HTTP_TOKEN" => Some("0123456789abcdef".to_owned()),
            "GAMMAFLOW_WINDOW" => Some("five".to_owned()),
            "GAMMAFLOW_SOURCE_SPEED" => Some("max".to_owned()),
            _ => None,
        },
        &mut problems,
    );
    assert_eq!(
        problems,
        vec!["GAMMAFLOW_WINDOW: expected a number of strikes, got \"five\"".to_owned()]
    );
    let c = raw.validate(None)?;
    assert_eq!(c.http.bind.to_string(), "0.0.0.0:8001");
    assert_eq!(c.source.speed, Pacing::AsFastAsPossible);
    Ok(())
}

#[test]
fn later_expiries_are_products_with_an_offset() -> Result<(), ConfigError> {
    let c = validate("products: [spxw, spxw+1, spy+2]\n")?;
    let offsets: Vec<u32> = c
        .desk
        .engine
        .products
        .iter()
        .map(|p| p.expiry_offset)
        .collect();
    assert_eq!(offsets, vec![0, 1, 2]);
    let keys: Vec<String> = c
        .desk
        .engine
        .products
        .iter()
        .map(crate::desk::view::product_key)
        .collect();
    assert_eq!(keys, vec!["spxw", "spxw+1", "spy+2"]);
    let Err(e) = validate("products: [es+1, spxw+0, spxw]\n") else {
        panic!("accepted an offset for es");
    };
    assert_eq!(e.problems.len(), 2, "{e}");
    Ok(())
}

#[test]
fn the_events_calendar_is_built_in_or_read_from_events_file() -> Result<(), ConfigError> {
    let c = validate("")?;
    assert_eq!(c.events.source, crate::events::BUILT_IN_SOURCE);
    assert!(!c.events.events.is_empty());
    assert!(
        validate("events:\n  file: none\n")?
            .events
            .events
            .is_empty()
    );
    let dir = std::env::temp_dir().join(format!("gammaflow-config-events-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| ConfigError {
        file: None,
        problems: vec![e.to_string()],
    })?;
    let good = dir.join("good.yaml");
    let bad = dir.join("bad.yaml");
    let write = |path: &Path, text: &str| {
        std::fs::write(path, text).map_err(|e| ConfigError {
            file: None,
            problems: vec![e.to_string()],
        })
    };
    write(
        &good,
        "- {date: 2026-12-16, time: \"14:00\", kind: FOMC, title: x, importance: high}\n",
    )?;
    write(
        &bad,
        "- {date: 2026-12-32, time: \"14:00\", kind: FOMC, title: x, importance: high}\n\
         - {date: 2026-12-16, time: \"14:00\", tz: Nowhere/Land, kind: FOMC, title: x, importance: high}\n",
    )?;
    let mut raw = RawConfig::default();
    let mut problems = Vec::new();
    raw.apply_env(
        |name| (name == "GAMMAFLOW_EVENTS_FILE").then(|| good.display().to_string()),
        &mut problems,
    );
    assert!(problems.is_empty(), "{problems:?}");
    let c = raw.validate(None)?;
    assert_eq!(c.events.source, good.display().to_string());
    assert_eq!(c.events.events.len(), 1);
    // Every problem at once, with the other keys' problems, each naming file, entry, field.
    let yaml = format!("events:\n  file: {}\nwindow: 0\n", bad.display());
    let Err(e) = validate(&yaml) else {
        panic!("accepted {yaml}");
    };
    assert_eq!(e.problems.len(), 3, "{e}");
    assert!(e.problems.iter().any(|p| p.starts_with("window")), "{e}");
    let bad_name = bad.display().to_string();
    for needle in ["entry 0 (2026-12-32): date:", "entry 1 (2026-12-16): tz:"] {
        assert!(
            e.problems
                .iter()
                .any(|p| p.starts_with(&format!("events.file: {bad_name}: {needle}"))),
            "{needle} missing from {e}"
        );
    }
    let Err(e) = validate("events:\n  file: /nonexistent/events.yaml\n") else {
        panic!("accepted a missing file");
    };
    assert!(
        e.problems[0].starts_with("events.file: cannot read /nonexistent/events.yaml"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[test]
fn fsync_policies_parse() {
    assert_eq!(parse_fsync("always"), Some(FsyncPolicy::Always));
    assert_eq!(parse_fsync("every_ms:250"), Some(FsyncPolicy::EveryMs(250)));
    assert_eq!(parse_fsync("every_ms:0"), None);
    assert_eq!(parse_fsync("often"), None);
}
