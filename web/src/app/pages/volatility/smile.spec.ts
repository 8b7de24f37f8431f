import { describe, expect, it } from 'vitest';

import { chain, contract, productView } from '../shared/chain-fixtures.spec-helpers';
import { atmIvOf, ivRvRows, smileOf, smileX, smilesOf, termStructure } from './smile';

describe('smile', () => {
  // Contracts deliberately unsorted; spot 6002.
  const c = chain('spxw', '2026-11-30', 6002, [
    contract(6010, 'P', { iv: 0.9 }), // ITM put: ignored
    contract(6010, 'C', { iv: 0.14 }),
    contract(5990, 'C', { iv: 0.9 }), // ITM call: ignored
    contract(5990, 'P', { iv: 0.2 }),
    contract(6000, 'P', { iv: 0.17 }),
    contract(6000, 'C', { iv: 0.8 }),
    contract(5980, 'P', { iv: null }), // no IV: skipped, not 0
    contract(5980, 'C', { iv: 0.3 }),
    contract(6020, 'C', { iv: 0 }), // not a usable IV
    contract(6030, 'C', { iv: 0.13 }),
  ]);

  it('takes the OTM side per strike (puts below spot, calls at/above) sorted by strike, skipping nulls', () => {
    const s = smileOf(c)!;
    expect(s.label).toBe('spxw 2026-11-30');
    expect(s.points.map((p) => [p.strike, p.right, p.iv])).toEqual([
      [5990, 'P', 0.2],
      [6000, 'P', 0.17],
      [6010, 'C', 0.14],
      [6030, 'C', 0.13],
    ]);
  });

  it('uses the call at a strike equal to spot and gives moneyness in percent', () => {
    const s = smileOf(chain('spy', '2026-11-30', 600, [contract(600, 'P', { iv: 0.3 }), contract(600, 'C', { iv: 0.2 }), contract(606, 'C', { iv: 0.1 })]))!;
    expect(s.points.map((p) => p.right)).toEqual(['C', 'C']);
    expect(smileX(s.points[1], 'moneyness')).toBeCloseTo(1.0);
    expect(smileX(s.points[1], 'strike')).toBe(606);
  });

  it('gives no smile without a spot and leaves empty smiles out, ordering by expiry', () => {
    expect(smileOf(chain('x', '2026-11-30', null, [contract(1, 'C', { iv: 0.2 })]))).toBeNull();
    const later = chain('spxw+1', '2026-12-01', 6002, [contract(6010, 'C', { iv: 0.12 })]);
    const empty = chain('spxw+2', '2026-12-02', 6002, [contract(6010, 'C', { iv: null })]);
    expect(smilesOf([later, empty, c]).map((s) => s.product)).toEqual(['spxw', 'spxw+1']);
  });
});

describe('ATM term structure', () => {
  it('averages call and put IV at the ATM strike and orders by expiry date', () => {
    const t = termStructure([
      productView('spxw+2', '2026-12-03', 6000, 0.18, 0.2),
      productView('spxw', '2026-11-30', 6000, 0.3, 0.28),
      productView('spxw+1', '2026-12-01', 6005, 0.22, null),
      productView('spxw+3', null, null, null, null),
      productView('spxw+4', '2026-12-04', 6000, null, null),
    ]);
    expect(t.map((p) => p.expiry)).toEqual(['2026-11-30', '2026-12-01', '2026-12-03']);
    expect(t[0].atmIv).toBeCloseTo(0.29);
    expect(t[1].atmIv).toBeCloseTo(0.22); // only the call IV
    expect(t[2].atmIv).toBeCloseTo(0.19);
    expect(t[0].atmStrike).toBe(6000);
  });

  it('reads the ATM row, not the first one', () => {
    expect(atmIvOf(productView('spxw', '2026-11-30', 6000, 0.1, 0.1))!.atmIv).toBeCloseTo(0.1);
  });
});

describe('IV vs realized', () => {
  it('computes IV − RV per window, null when RV or IV is missing', () => {
    const rows = ivRvRows(
      [
        { name: 'overnight', from_new_york: '16:00', to_new_york: '09:30', bars: 300, rv: 0.09 },
        { name: 'afternoon', from_new_york: '12:00', to_new_york: '16:00', bars: 1, rv: null },
      ],
      0.155,
    );
    expect(rows[0].spread).toBeCloseTo(0.065);
    expect(rows[0].window).toBe('16:00–09:30');
    expect(rows[1].spread).toBeNull();
    expect(ivRvRows([{ name: 'full', from_new_york: '', to_new_york: '', bars: 2, rv: 0.1 }], null)[0].spread).toBeNull();
  });
});
