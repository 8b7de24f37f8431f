/**
 * A small parser for the Prometheus text exposition format (version 0.0.4), enough for
 * gammaflow's `GET /metrics`: `# HELP` / `# TYPE` lines, other comments, and samples
 * `name{label="value",…} value [timestamp]` with label values escaped (`\\`, `\"`, `\n`) and the
 * special values `NaN`, `+Inf`, `-Inf`. A malformed line is counted and skipped, never thrown.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Optional sample timestamp, ms since the epoch. */
  timestamp: number | null;
}

export interface Exposition {
  samples: Sample[];
  /** `# HELP` text per metric name. */
  help: Record<string, string>;
  /** `# TYPE` per metric name (`counter`, `gauge`, …). */
  types: Record<string, string>;
  /** Lines that could not be parsed (skipped). */
  skipped: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A sample value: a decimal float, `NaN`, `+Inf`/`Inf`, `-Inf`; `null` when malformed. */
export function parseValue(token: string): number | null {
  switch (token) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
  }
  return FLOAT.test(token) ? Number(token) : null;
}

/** Parses one sample line; `null` when malformed. */
export function parseSampleLine(line: string): Sample | null {
  const nameMatch = NAME.exec(line);
  if (!nameMatch) {
    return null;
  }
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const labelMatch = LABEL_NAME.exec(line.slice(i));
      if (!labelMatch) {
        return null;
      }
      const labelName = labelMatch[0];
      i += labelName.length;
      while (line[i] === ' ') i++;
      if (line[i] !== '=') {
        return null;
      }
      i++;
      while (line[i] === ' ') i++;
      if (line[i] !== '"') {
        return null;
      }
      i++;
      let value = '';
      let closed = false;
      while (i < line.length) {
        const c = line[i];
        if (c === '\\') {
          const next = line[i + 1];
          if (next === 'n') value += '\n';
          else if (next === '\\' || next === '"') value += next;
          else if (next === undefined) return null;
          else value += `\\${next}`;
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) {
        return null;
      }
      labels[labelName] = value;
      while (line[i] === ' ') i++;
      if (line[i] === ',') {
        i++;
      } else if (line[i] !== '}') {
        return null;
      }
    }
  }
  const rest = line.slice(i);
  if (rest.length > 0 && rest[0] !== ' ' && rest[0] !== '\t') {
    return null;
  }
  const tokens = rest.trim().split(/[ \t]+/).filter((t) => t.length > 0);
  if (tokens.length < 1 || tokens.length > 2) {
    return null;
  }
  const value = parseValue(tokens[0]);
  if (value === null) {
    return null;
  }
  let timestamp: number | null = null;
  if (tokens.length === 2) {
    if (!/^-?\d+$/.test(tokens[1])) {
      return null;
    }
    timestamp = Number(tokens[1]);
  }
  return { name, labels, value, timestamp };
}

/** Parses a whole exposition text. */
export function parsePrometheus(text: string): Exposition {
  const out: Exposition = { samples: [], help: {}, types: {}, skipped: 0 };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '') {
      continue;
    }
    if (line.startsWith('#')) {
      const m = /^#\s*(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s+(.*))?$/.exec(line);
      if (m) {
        const rest = m[3] ?? '';
        if (m[1] === 'HELP') {
          out.help[m[2]] = rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
        } else {
          out.types[m[2]] = rest;
        }
      }
      continue;
    }
    const sample = parseSampleLine(line);
    if (sample) {
      out.samples.push(sample);
    } else {
      out.skipped++;
    }
  }
  return out;
}

/**
 * The value of the first sample named `name` whose labels include `labels`, or `null`.
 */
export function metric(
  exposition: Exposition | null,
  name: string,
  labels: Record<string, string> = {},
): number | null {
  if (!exposition) {
    return null;
  }
  const found = exposition.samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return found ? found.value : null;
}

/** Every sample whose name matches `pattern` (e.g. greeks age metrics per product). */
export function samplesMatching(exposition: Exposition | null, pattern: RegExp): Sample[] {
  return exposition ? exposition.samples.filter((s) => pattern.test(s.name)) : [];
}
