import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import { int, money, pct } from '../../core/format';
import { ProductView, SideView } from '../../core/wire';
import { FlashDirective } from './flash.directive';
import { buyShare, gridRows, netDelta } from './grid-model';
import { level } from './header-model';

/** The subtle background of in-the-money cells. */
export const ITM_CLASS = 'bg-slate-700/25';

/**
 * The sliding strike window (spec §3.3): strikes high → low as the server sends them, the ATM
 * row highlighted, in-the-money cells shaded (puts above the ATM strike, calls below), flow
 * columns per side then IV and OI. Every figure flashes on change ([`FlashDirective`]).
 */
@Component({
  selector: 'gf-strike-grid',
  imports: [FlashDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'block' },
  template: `
    @if (rows().length === 0) {
      <div class="flex h-48 items-center justify-center text-sm text-slate-400" data-testid="grid-empty">
        waiting for the first quotes…
      </div>
    } @else {
      <div class="overflow-x-auto">
        <table class="w-full border-collapse text-right text-sm 2xl:text-[15px] 2xl:[&_td]:py-2.5" data-testid="strike-grid">
          <thead class="text-[11px] tracking-wide text-slate-400 uppercase">
            <tr class="border-b border-slate-800">
              <th></th>
              <th colspan="3" class="px-2 pt-1 text-center text-emerald-400/80">Calls</th>
              <th colspan="3" class="border-l border-slate-800 px-2 pt-1 text-center text-rose-400/80">Puts</th>
              <th colspan="2" class="border-l border-slate-800 px-2 pt-1 text-center">IV</th>
              <th colspan="2" class="border-l border-slate-800 px-2 pt-1 text-center">OI</th>
            </tr>
            <tr class="border-b border-slate-700 font-semibold">
              <th class="px-2 py-1 text-left">Strike</th>
              <th class="px-2 py-1">Vol</th>
              <th class="px-2 py-1">Premium</th>
              <th class="px-2 py-1">Net Δ</th>
              <th class="border-l border-slate-800 px-2 py-1">Vol</th>
              <th class="px-2 py-1">Premium</th>
              <th class="px-2 py-1">Net Δ</th>
              <th class="border-l border-slate-800 px-2 py-1">Call</th>
              <th class="px-2 py-1">Put</th>
              <th class="border-l border-slate-800 px-2 py-1">Call</th>
              <th class="px-2 py-1">Put</th>
            </tr>
          </thead>
          <tbody class="num">
            @for (row of rows(); track row.key) {
              <tr
                data-testid="strike-row"
                class="border-b border-slate-800/70"
                [class.bg-sky-900/45]="row.atm"
                [class.font-semibold]="row.atm"
                [attr.data-atm]="row.atm"
                [attr.data-strike]="row.strike"
                [attr.data-itm]="row.callItm ? 'call' : row.putItm ? 'put' : 'none'"
              >
                <td class="px-2 py-1.5 text-left" data-testid="strike" [class.text-sky-300]="row.atm">
                  {{ level(row.strike) }}
                  @if (row.atm) {
                    <span class="ml-1 rounded bg-sky-800 px-1 text-[10px] text-sky-100">ATM</span>
                  }
                </td>
                <td class="px-2 py-1.5" data-testid="call-vol" [class]="itm(row.callItm)" [gfFlash]="row.call.volume" [attr.title]="split(row.call)">
                  {{ int(row.call.volume) }}
                  <div class="ml-auto mt-0.5 flex h-0.5 w-12 overflow-hidden rounded bg-slate-800" aria-hidden="true">
                    <div class="bg-emerald-400/80" [style.width.%]="buyPct(row.call)"></div>
                    <div class="flex-1" [class.bg-rose-400/80]="buyPct(row.call) !== null"></div>
                  </div>
                </td>
                <td class="px-2 py-1.5" data-testid="call-premium" [class]="itm(row.callItm)" [gfFlash]="row.call.premium">{{ money(row.call.premium) }}</td>
                <td class="px-2 py-1.5" data-testid="call-net-delta" [class]="itm(row.callItm) + tone(row.call.net_delta)" [gfFlash]="row.call.net_delta">{{ netDelta(row.call.net_delta) }}</td>
                <td class="border-l border-slate-800 px-2 py-1.5" data-testid="put-vol" [class]="itm(row.putItm)" [gfFlash]="row.put.volume" [attr.title]="split(row.put)">
                  {{ int(row.put.volume) }}
                  <div class="ml-auto mt-0.5 flex h-0.5 w-12 overflow-hidden rounded bg-slate-800" aria-hidden="true">
                    <div class="bg-emerald-400/80" [style.width.%]="buyPct(row.put)"></div>
                    <div class="flex-1" [class.bg-rose-400/80]="buyPct(row.put) !== null"></div>
                  </div>
                </td>
                <td class="px-2 py-1.5" data-testid="put-premium" [class]="itm(row.putItm)" [gfFlash]="row.put.premium">{{ money(row.put.premium) }}</td>
                <td class="px-2 py-1.5" data-testid="put-net-delta" [class]="itm(row.putItm) + tone(row.put.net_delta)" [gfFlash]="row.put.net_delta">{{ netDelta(row.put.net_delta) }}</td>
                <td class="border-l border-slate-800 px-2 py-1.5 text-slate-300" data-testid="call-iv" [class]="itm(row.callItm)" [gfFlash]="row.call.iv">{{ pct(row.call.iv) }}</td>
                <td class="px-2 py-1.5 text-slate-300" data-testid="put-iv" [class]="itm(row.putItm)" [gfFlash]="row.put.iv">{{ pct(row.put.iv) }}</td>
                <td class="border-l border-slate-800 px-2 py-1.5 text-slate-300" data-testid="call-oi" [class]="itm(row.callItm)" [gfFlash]="row.call.oi">{{ int(row.call.oi) }}</td>
                <td class="px-2 py-1.5 text-slate-300" data-testid="put-oi" [class]="itm(row.putItm)" [gfFlash]="row.put.oi">{{ int(row.put.oi) }}</td>
              </tr>
            }
          </tbody>
        </table>
      </div>
    }
  `,
})
export class StrikeGridComponent {
  readonly product = input<ProductView | undefined>(undefined);

  protected readonly rows = computed(() => gridRows(this.product()));

  protected readonly int = int;
  protected readonly money = money;
  protected readonly pct = pct;
  protected readonly netDelta = netDelta;
  protected readonly level = level;

  protected itm(inTheMoney: boolean): string {
    return inTheMoney ? ITM_CLASS : '';
  }

  protected tone(x: number): string {
    return x > 0 ? ' text-emerald-300' : x < 0 ? ' text-rose-300' : ' text-slate-400';
  }

  protected buyPct(side: SideView): number | null {
    const f = buyShare(side);
    return f === null ? null : Math.round(f * 100);
  }

  protected split(side: SideView): string {
    return `buy ${int(side.buy_volume)} · sell ${int(side.sell_volume)} · sweeps ${int(side.sweeps)}`;
  }
}
