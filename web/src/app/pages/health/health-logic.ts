import { TimePoint } from '../../charts/time-chart.component';
import { ConnectionState } from '../../core/data-stream.service';
import { Health, ProductView } from '../../core/wire';
import { Exposition, metric, samplesMatching } from './prometheus';

/** Metric names of `GET /metrics` (prefix `gammaflow_`, see `crates/server/src/metrics.rs`). */
export const M = {
  eventsPerSecond: 'gammaflow_source_events_per_second',
  sourceEvents: 'gammaflow_source_events_total',
  sourceErrors: 'gammaflow_source_errors_total',
  outOfOrder: 'gammaflow_source_out_of_order_total',
  sourceUp: 'gammaflow_source_up',
  prints: 'gammaflow_engine_prints_total',
  excluded: 'gammaflow_engine_excluded_prints_total',
  ignored: 'gammaflow_engine_ignored_events_total',
  engineErrors: 'gammaflow_engine_errors_total',
  greeksStaleness: 'gammaflow_engine_greeks_staleness_seconds',
  greeksStalenessMax: 'gammaflow_engine_greeks_staleness_max_seconds',
  rowsAccepted: 'gammaflow_lake_rows_accepted_total',
  rowsLogged: 'gammaflow_lake_rows_logged_total',
  rowsPersisted: 'gammaflow_lake_rows_persisted_total',
  writerLag: 'gammaflow_lake_writer_lag_rows',
  walBytes: 'gammaflow_lake_wal_bytes',
  files: 'gammaflow_lake_files_total',
  lakeErrors: 'gammaflow_lake_errors_total',
  lastFlush: 'gammaflow_lake_last_flush_timestamp_seconds',
  wsClients: 'gammaflow_ws_clients',
  wsMessages: 'gammaflow_ws_messages_total',
  wsSkipped: 'gammaflow_ws_skipped_states_total',
  httpRequests: 'gammaflow_http_requests_total',
  unauthorized: 'gammaflow_http_unauthorized_total',
  published: 'gammaflow_desk_published_states_total',
} as const;

/** How long the events/s sparkline remembers, seconds. */
export const SPARK_WINDOW_S = 120;

/**
 * Appends `point` (time in seconds) to `points` and keeps only the last `windowS` seconds; a
 * point at the same second replaces the previous one. Returns a new array.
 */
export function pushWindowed(points: TimePoint[], point: TimePoint, windowS = SPARK_WINDOW_S): TimePoint[] {
  if (!Number.isFinite(point.value) || !Number.isFinite(point.time)) {
    return points;
  }
  const kept = points.filter((p) => p.time > point.time - windowS && p.time < point.time);
  kept.push(point);
  return kept;
}

/**
 * Age of the last lake flush in event time, seconds (the desk's event time minus the flush's),
 * or `null` before any flush. Event time, not wall time: a replay or the simulator runs faster.
 */
export function flushAgeSeconds(health: Health | null): number | null {
  if (!health || !(health.last_flush_seconds > 0) || !(health.ts_event > 0)) {
    return null;
  }
  return Math.max(0, health.ts_event / 1e9 - health.last_flush_seconds);
}

/** Reconnections: connections opened after the first one. */
export function reconnects(c: ConnectionState): number {
  return Math.max(0, c.connects - 1);
}

export interface ProductHealthRow {
  product: string;
  root: string;
  /** Greeks age from the stream, ms (`null` before any). */
  greeksAgeMs: number | null;
  /** Greeks age from a per-product metric, seconds, when the server exports one. */
  greeksAgeMetricS: number | null;
  prints: number;
  excluded: number;
  /** Share of prints excluded (0..1), `null` without prints. */
  excludedShare: number | null;
  /** `ok`, `warn` (≥ 5 s) or `stale` (≥ 30 s or unknown). */
  level: 'ok' | 'warn' | 'stale';
}

/** Greeks staleness above which a product is flagged, ms. */
export const GREEKS_WARN_MS = 5_000;
export const GREEKS_STALE_MS = 30_000;

/** One row per product: Greeks age and excluded trades; greeks-age metrics matched by label. */
export function productRows(products: ProductView[], exposition: Exposition | null): ProductHealthRow[] {
  const ageMetrics = samplesMatching(exposition, /greeks_(age|staleness)/).filter(
    (s) => s.labels['product'] !== undefined,
  );
  return products.map((p) => {
    const m = ageMetrics.find((s) => s.labels['product'] === p.product);
    const total = p.totals.prints + p.totals.excluded;
    const age = p.greeks_age_ms;
    const level: ProductHealthRow['level'] =
      age === null || age >= GREEKS_STALE_MS ? 'stale' : age >= GREEKS_WARN_MS ? 'warn' : 'ok';
    return {
      product: p.product,
      root: p.root,
      greeksAgeMs: age,
      greeksAgeMetricS: m ? m.value : null,
      prints: p.totals.prints,
      excluded: p.totals.excluded,
      excludedShare: total > 0 ? p.totals.excluded / total : null,
      level,
    };
  });
}

/** Sum of the error counters (health JSON and metrics, whichever is larger per kind). */
export function errorCounts(health: Health | null, exposition: Exposition | null): {
  source: number | null;
  engine: number | null;
  lake: number | null;
} {
  const pick = (a: number | undefined, b: number | null) =>
    a === undefined && b === null ? null : Math.max(a ?? 0, b ?? 0);
  const sourceMetric = exposition
    ? samplesMatching(exposition, new RegExp(`^${M.sourceErrors}$`)).reduce((s, x) => s + x.value, 0)
    : null;
  return {
    source: pick(health?.errors.source, sourceMetric),
    engine: pick(health?.errors.engine, metric(exposition, M.engineErrors)),
    lake: pick(health?.errors.lake, metric(exposition, M.lakeErrors)),
  };
}
