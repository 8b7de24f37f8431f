import { describe, expect, it } from 'vitest';

import { metric, parsePrometheus, parseSampleLine, parseValue, samplesMatching } from './prometheus';

describe('parsePrometheus', () => {
  it('reads HELP, TYPE and labelled samples as the server renders them', () => {
    const text = [
      '# HELP gammaflow_source_events_total Events received from the source.',
      '# TYPE gammaflow_source_events_total counter',
      'gammaflow_source_events_total{source="sim"} 16508',
      '# HELP gammaflow_engine_greeks_staleness_seconds Age of the price.',
      '# TYPE gammaflow_engine_greeks_staleness_seconds gauge',
      'gammaflow_engine_greeks_staleness_seconds 0.25',
      '',
    ].join('\n');
    const e = parsePrometheus(text);
    expect(e.samples).toHaveLength(2);
    expect(e.samples[0]).toEqual({
      name: 'gammaflow_source_events_total',
      labels: { source: 'sim' },
      value: 16508,
      timestamp: null,
    });
    expect(e.types['gammaflow_source_events_total']).toBe('counter');
    expect(e.help['gammaflow_engine_greeks_staleness_seconds']).toBe('Age of the price.');
    expect(metric(e, 'gammaflow_engine_greeks_staleness_seconds')).toBe(0.25);
    expect(metric(e, 'gammaflow_source_events_total', { source: 'sim' })).toBe(16508);
    expect(metric(e, 'gammaflow_source_events_total', { source: 'polygon' })).toBeNull();
    expect(metric(e, 'missing')).toBeNull();
    expect(e.skipped).toBe(0);
  });

  it('unescapes quotes, backslashes and newlines in label values', () => {
    const s = parseSampleLine('m{path="C:\\\\lake",msg="say \\"hi\\"\\nbye",b="x,y}"} 1');
    expect(s?.labels).toEqual({ path: 'C:\\lake', msg: 'say "hi"\nbye', b: 'x,y}' });
    expect(s?.value).toBe(1);
  });

  it('accepts a trailing comma, spaces in label lists and a timestamp', () => {
    const s = parseSampleLine('http_requests_total{method="post", code="200",} 1027 1395066363000');
    expect(s?.labels).toEqual({ method: 'post', code: '200' });
    expect(s?.timestamp).toBe(1395066363000);
  });

  it('understands NaN, +Inf, -Inf and exponents', () => {
    expect(parseValue('NaN')).toBeNaN();
    expect(parseValue('+Inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parseValue('-Inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parseValue('1.5e3')).toBe(1500);
    expect(parseValue('-0.5')).toBe(-0.5);
    expect(parseValue('abc')).toBeNull();
    expect(parseValue('')).toBeNull();
    expect(parseValue('0x10')).toBeNull();
    const e = parsePrometheus('a NaN\nb{le="+Inf"} +Inf\nc -Inf');
    expect(metric(e, 'a')).toBeNaN();
    expect(metric(e, 'b', { le: '+Inf' })).toBe(Number.POSITIVE_INFINITY);
    expect(metric(e, 'c')).toBe(Number.NEGATIVE_INFINITY);
  });

  it('skips comments and malformed lines without throwing', () => {
    const text = [
      '# just a comment',
      '#TYPE weird',
      'good 1',
      'no_value',
      'bad{unclosed="x 1',
      'bad2{x=unquoted} 1',
      '9starts_with_digit 1',
      'too many tokens 1 2',
      'bad3 12abc',
      'bad4{a="1"}2',
      'bad5{a="1" b="2"} 3',
      '   ',
      'good2{x="1"} 2\r',
    ].join('\n');
    let e!: ReturnType<typeof parsePrometheus>;
    expect(() => (e = parsePrometheus(text))).not.toThrow();
    expect(e.samples.map((s) => s.name)).toEqual(['good', 'good2']);
    expect(e.skipped).toBe(8);
  });

  it('finds samples by name pattern', () => {
    const e = parsePrometheus('x_greeks_age_seconds{product="spxw"} 1\nx_greeks_age_seconds{product="spy"} 2\ny 3');
    expect(samplesMatching(e, /greeks_age/).map((s) => s.labels['product'])).toEqual(['spxw', 'spy']);
    expect(samplesMatching(null, /x/)).toEqual([]);
  });
});
