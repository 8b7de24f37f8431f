import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';

import { ProductView } from '../../core/wire';
import { gridRows, moneyness, netDelta } from './grid-model';
import { product } from './live.fixtures.spec-helpers';
import { ITM_CLASS, StrikeGridComponent } from './strike-grid.component';

function render(p: ProductView | undefined) {
  const fixture = TestBed.createComponent(StrikeGridComponent);
  fixture.componentRef.setInput('product', p);
  fixture.detectChanges();
  return fixture.nativeElement as HTMLElement;
}

const CALL_CELLS = ['call-vol', 'call-premium', 'call-net-delta', 'call-iv', 'call-oi'];
const PUT_CELLS = ['put-vol', 'put-premium', 'put-net-delta', 'put-iv', 'put-oi'];

function shaded(row: Element, ids: string[]): boolean[] {
  return ids.map((id) => row.querySelector(`[data-testid="${id}"]`)!.classList.contains(ITM_CLASS));
}

describe('StrikeGridComponent', () => {
  it('renders 2N+1 rows high → low with exactly one ATM row', () => {
    const el = render(product('spxw', 6000, 5));
    const rows = [...el.querySelectorAll('[data-testid="strike-grid"] [data-testid="strike-row"]')];
    expect(rows.length).toBe(7);
    expect(rows.map((r) => Number(r.getAttribute('data-strike')))).toEqual([6015, 6010, 6005, 6000, 5995, 5990, 5985]);
    const atm = el.querySelectorAll('[data-atm="true"]');
    expect(atm.length).toBe(1);
    expect(atm[0].getAttribute('data-strike')).toBe('6000');
    expect(atm[0].classList.contains('bg-sky-900/45')).toBe(true);
    expect(atm[0].textContent).toContain('ATM');
  });

  it('shades puts in the money above the ATM strike and calls below it', () => {
    const el = render(product('spxw', 6000, 5));
    const rows = [...el.querySelectorAll('[data-testid="strike-row"]')];
    for (const row of rows.slice(0, 3)) {
      expect(row.getAttribute('data-itm')).toBe('put');
      expect(shaded(row, PUT_CELLS)).toEqual([true, true, true, true, true]);
      expect(shaded(row, CALL_CELLS)).toEqual([false, false, false, false, false]);
    }
    expect(rows[3].getAttribute('data-itm')).toBe('none');
    expect(shaded(rows[3], [...CALL_CELLS, ...PUT_CELLS]).some((x) => x)).toBe(false);
    for (const row of rows.slice(4)) {
      expect(row.getAttribute('data-itm')).toBe('call');
      expect(shaded(row, CALL_CELLS)).toEqual([true, true, true, true, true]);
      expect(shaded(row, PUT_CELLS)).toEqual([false, false, false, false, false]);
    }
  });

  it('formats the cells and colours net delta by sign', () => {
    const el = render(product('spxw', 6000, 5));
    const first = el.querySelector('[data-testid="strike-row"]')!;
    const cell = (id: string) => first.querySelector(`[data-testid="${id}"]`)!;
    expect(cell('strike').textContent!.trim()).toBe('6015');
    expect(cell('call-vol').textContent!.trim()).toBe('103');
    expect(cell('call-premium').textContent!.trim()).toBe('$13.00K');
    expect(cell('put-premium').textContent!.trim()).toBe('$26.00K');
    expect(cell('call-net-delta').textContent!.trim()).toBe('+5.0');
    expect(cell('call-net-delta').classList.contains('text-emerald-300')).toBe(true);
    expect(cell('put-net-delta').textContent!.trim()).toBe('-3.0');
    expect(cell('put-net-delta').classList.contains('text-rose-300')).toBe(true);
    expect(cell('call-iv').textContent!.trim()).toBe('20.0%');
    expect(cell('put-oi').textContent!.trim()).toBe('100');
    expect(cell('call-vol').getAttribute('title')).toBe('buy 6 · sell 4 · sweeps 0');
  });

  it('shows the empty state without strikes', () => {
    for (const p of [undefined, product('spy', 600, 1, 0, { strikes: [] })]) {
      const el = render(p);
      expect(el.querySelector('[data-testid="strike-grid"]')).toBeNull();
      expect(el.querySelector('[data-testid="grid-empty"]')!.textContent).toContain('waiting for the first quotes');
    }
  });
});

describe('grid model', () => {
  it('falls back to spot for moneyness when the ATM strike is unknown', () => {
    const row = product('spy', 600, 1).strikes[0]; // 603, not flagged ATM
    expect(moneyness(row, null, 601.4)).toBe('above');
    expect(moneyness(row, null, 604)).toBe('below');
    expect(moneyness(row, null, null)).toBeNull();
    expect(moneyness({ ...row, atm: true }, 500, 500)).toBe('atm');
  });

  it('keys rows by product and strike', () => {
    expect(gridRows(product('spy', 600, 1, 1)).map((r) => r.key)).toEqual(['spy:601', 'spy:600', 'spy:599']);
    expect(gridRows(undefined)).toEqual([]);
  });

  it('formats net delta', () => {
    expect(netDelta(10.32)).toBe('+10.3');
    expect(netDelta(-0.04)).toBe('0.0');
    expect(netDelta(-979.84)).toBe('-979.8');
    expect(netDelta(12_345)).toBe('+12.35K');
    expect(netDelta(null)).toBe('—');
  });
});
