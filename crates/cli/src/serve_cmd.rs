//! `gammaflow serve`: the live 0DTE flow desk as a service.
//!
//! Reads the configuration (`--config FILE`, default `gammaflow.yaml` when it exists; then the
//! `GAMMAFLOW_*` environment overrides; then the command-line flags, see
//! `gammaflow_server::config`), validates it all at once, opens the source (the simulator by
//! default), and runs the desk (`gammaflow_server::desk`) and the HTTP server
//! (`gammaflow_server::http`) until SIGINT or SIGTERM, then flushes and closes the lake.
//!
//! The first line on standard output is `gammaflow: serving http://ADDR` (with the real port when
//! `--bind` asks for port 0), for scripts and tests; logs go to standard error.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use gammaflow_server::config::{LogFormat, RawConfig, ServeConfig, SourceKind, SourceSettings};
use gammaflow_server::desk::Desk;
use gammaflow_server::metrics::Metrics;
use gammaflow_server::{AppState, HistoryQueries};
use gammaflow_sources::Source;
use gammaflow_sources::databento::ReplaySource;
use gammaflow_sources::polygon::{PolygonConfig, PolygonSource};
use gammaflow_sources::sim::{SimConfig, SimSource};
use tokio::sync::watch;

use crate::history::LakeHistory;
use crate::tape_cmd::default_sim_date;

/// Arguments of `gammaflow serve`; each flag overrides the key of the same name.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Configuration file (YAML; default: `gammaflow.yaml` in the working directory, if any).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// `source.kind`: sim, polygon or replay.
    #[arg(long)]
    pub source: Option<String>,
    /// `source.speed`: `max` or a factor of real time.
    #[arg(long)]
    pub speed: Option<String>,
    /// `source.files`: a Databento file to replay (repeatable).
    #[arg(long = "file")]
    pub files: Vec<PathBuf>,
    /// `source.date`: simulator trade date.
    #[arg(long)]
    pub date: Option<String>,
    /// `source.days`: simulator calendar days.
    #[arg(long)]
    pub days: Option<String>,
    /// `source.seed`: simulator seed.
    #[arg(long)]
    pub seed: Option<String>,
    /// `source.activity`: simulator share of the real trade count.
    #[arg(long)]
    pub activity: Option<String>,
    /// `source.pace_from`: New York time from which events are paced (`none`: from the first).
    #[arg(long)]
    pub pace_from: Option<String>,
    /// `source.until`: New York time at which the source is stopped.
    #[arg(long)]
    pub until: Option<String>,
    /// `products`: comma-separated spxw, spy, es.
    #[arg(long)]
    pub products: Option<String>,
    /// `window`: strikes on each side of the money.
    #[arg(long)]
    pub window: Option<String>,
    /// `lake.dir`: lake root (`none`: do not store prints).
    #[arg(long)]
    pub lake: Option<String>,
    /// `http.bind`: listening address (port 0 picks a free port).
    #[arg(long)]
    pub bind: Option<String>,
    /// `http.throttle_ms`: WebSocket update interval, 100–1000 ms.
    #[arg(long)]
    pub throttle_ms: Option<String>,
    /// `http.web_dir`: the dashboard's built files.
    #[arg(long)]
    pub web_dir: Option<String>,
    /// `log.format`: human or json.
    #[arg(long)]
    pub log_format: Option<String>,
    /// `log.level`: a tracing filter such as `info` or `debug,hyper=info`.
    #[arg(long)]
    pub log_level: Option<String>,
    /// `events.file`: the macro events calendar, YAML (`none`: no events; default: built in).
    #[arg(long)]
    pub events_file: Option<String>,
}

/// File, then environment, then flags; validated at once.
fn load_config(args: &ServeArgs) -> Result<ServeConfig> {
    let default_file = Path::new("gammaflow.yaml");
    let file = match &args.config {
        Some(f) => Some(f.clone()),
        None => default_file.exists().then(|| default_file.to_path_buf()),
    };
    let mut raw = match &file {
        Some(f) => {
            let text = std::fs::read_to_string(f)
                .with_context(|| format!("cannot read the configuration file {}", f.display()))?;
            RawConfig::from_yaml(&text, f)?
        }
        None => RawConfig::default(),
    };
    let mut problems = Vec::new();
    raw.apply_env(|name| std::env::var(name).ok(), &mut problems);
    let files = args
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(",");
    let flags: [(&str, Option<&String>); 18] = [
        ("source.kind", args.source.as_ref()),
        ("source.speed", args.speed.as_ref()),
        ("source.files", (!files.is_empty()).then_some(&files)),
        ("source.date", args.date.as_ref()),
        ("source.days", args.days.as_ref()),
        ("source.seed", args.seed.as_ref()),
        ("source.activity", args.activity.as_ref()),
        ("source.pace_from", args.pace_from.as_ref()),
        ("source.until", args.until.as_ref()),
        ("products", args.products.as_ref()),
        ("window", args.window.as_ref()),
        ("lake.dir", args.lake.as_ref()),
        ("http.bind", args.bind.as_ref()),
        ("http.throttle_ms", args.throttle_ms.as_ref()),
        ("http.web_dir", args.web_dir.as_ref()),
        ("log.format", args.log_format.as_ref()),
        ("log.level", args.log_level.as_ref()),
        ("events.file", args.events_file.as_ref()),
    ];
    for (key, value) in flags {
        if let Some(value) = value
            && let Err(e) = raw.set(key, value)
        {
            let flag = match key {
                "events.file" => "events-file",
                _ => key.rsplit('.').next().unwrap_or(key),
            };
            problems.push(format!("--{flag}: {e}"));
        }
    }
    let validated = raw.validate(file.as_deref());
    match validated {
        Ok(config) if problems.is_empty() => Ok(config),
        Ok(_) => Err(gammaflow_server::config::ConfigError { file, problems }.into()),
        Err(mut e) => {
            problems.append(&mut e.problems);
            e.problems = problems;
            Err(e.into())
        }
    }
}

/// Opens the configured source.
pub fn open_configured_source(s: &SourceSettings) -> Result<Box<dyn Source>> {
    Ok(match s.kind {
        SourceKind::Sim => {
            let start = match s.date {
                Some(d) => d,
                None => default_sim_date()?,
            };
            let config = SimConfig {
                seed: s.seed,
                start,
                days: s.days,
                activity: s.activity,
                ..SimConfig::default()
            };
            let mut source =
                SimSource::new(config, s.speed).context("cannot start the simulator")?;
            if let Some(time) = s.pace_from {
                source = source.pace_from(gammaflow_model::session::from_new_york(start, time)?);
            }
            Box::new(source)
        }
        SourceKind::Polygon => {
            let mut config = PolygonConfig::from_lookup(|name| std::env::var(name).ok())?;
            if s.delayed {
                config = config.delayed();
            }
            Box::new(PolygonSource::start(config)?)
        }
        SourceKind::Replay => Box::new(ReplaySource::open(&s.files, s.speed)?),
    })
}

fn init_logs(config: &ServeConfig) -> Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log_level)
        .with_context(|| format!("log.level: not a tracing filter: {:?}", config.log_level))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match config.log_format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    // A subscriber already installed (tests calling twice) is not an error worth stopping for.
    let _ = result;
    Ok(())
}

/// Runs the service.
pub fn run(args: &ServeArgs) -> Result<()> {
    let config = load_config(args)?;
    init_logs(&config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(serve(config))
}

async fn serve(config: ServeConfig) -> Result<()> {
    let source = open_configured_source(&config.source)?;
    let source_name = source.name();
    let metrics = Arc::new(Metrics::default());
    let lake_dir = config.desk.lake.as_ref().map(|l| l.root.clone());
    let (desk, channels) = Desk::new(config.desk.clone(), source, Arc::clone(&metrics))?;
    let desk = desk.stop_at(config.source.until);
    // Named history queries over the same lake (DataFusion), when there is one.
    let history: Option<Arc<dyn HistoryQueries>> = match &lake_dir {
        Some(dir) => Some(Arc::new(LakeHistory::open(dir).await.with_context(
            || format!("cannot open the lake in {} for queries", dir.display()),
        )?)),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(config.http.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.http.bind))?;
    let address = listener.local_addr()?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let state = AppState {
        desk: channels.view,
        metrics,
        requests: channels.requests,
        history,
        events: Arc::new(config.events.clone()),
        http: Arc::new(config.http.clone()),
        source_name,
        shutdown: stop_rx.clone(),
    };
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(out, "gammaflow: serving http://{address}")?;
        out.flush()?;
    }
    tracing::info!(
        %address,
        source = source_name,
        lake = ?lake_dir,
        web_dir = ?config.http.web_dir,
        events = config.events.events.len(),
        events_source = %config.events.source,
        "serving; stream at ws://{address}/ws/stream"
    );
    let desk_task = tokio::spawn(desk.run(stop_rx.clone()));
    let mut http_stop = stop_rx.clone();
    let http_task = tokio::spawn(gammaflow_server::http::serve(listener, state, async move {
        let _ = http_stop.wait_for(|stop| *stop).await;
    }));
    wait_for_signal().await;
    tracing::info!("stopping: closing connections and flushing the lake");
    let _ = stop_tx.send(true);
    let report = desk_task.await.context("the desk task failed")??;
    http_task.await.context("the HTTP task failed")??;
    if let Some(lake) = &report.lake {
        tracing::info!(
            rows_accepted = lake.rows_accepted,
            rows_persisted = lake.rows_persisted,
            files = lake.files,
            "lake closed"
        );
    }
    tracing::info!(events = report.events, prints = report.prints, "stopped");
    Ok(())
}

/// SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
