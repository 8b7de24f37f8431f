import { ChangeDetectionStrategy, Component, computed, effect, inject, input, untracked } from '@angular/core';

import { EChartComponent } from '../../charts/echart.component';
import { ApiService } from '../../core/api.service';
import { compact, int, money } from '../../core/format';
import { HistoryRows } from '../../core/wire';
import { QueryState, StrikeRow, strikeChartOption, strikeRows, strikeText } from './history-logic';

/** Flow by strike: `net-delta-by-strike` of one day and root, as a bar chart and a table. */
@Component({
  selector: 'gf-history-strikes',
  imports: [EChartComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="panel" data-testid="history-strikes" [attr.data-rows]="rows().length">
      <div class="panel-title flex items-center gap-2">
        <span>Flow by strike</span>
        @if (query.loading()) {
          <span class="font-normal normal-case text-slate-500">loading…</span>
        }
        @if (rows().length > 0) {
          <span class="ml-auto font-normal normal-case text-slate-400">
            <span class="num">{{ rows().length }}</span> strikes · <span class="num">{{ int(totals().trades) }}</span> prints ·
            <span class="num">{{ money(totals().premium) }}</span> · net Δ
            <span class="num" [class]="totals().netDelta >= 0 ? 'text-emerald-300' : 'text-rose-300'">{{
              compact(totals().netDelta, true)
            }}</span>
          </span>
        }
      </div>
      @if (query.error()) {
        <p class="text-sm text-rose-300" data-testid="history-strikes-error">{{ query.error() }}</p>
      } @else if (!date()) {
        <p class="text-sm text-slate-400">Pick a date.</p>
      } @else if (query.data() && rows().length === 0) {
        <p class="text-sm text-slate-400" data-testid="history-strikes-empty">
          No prints in the lake for {{ root() || 'any root' }} on {{ date() }}.
        </p>
      }
      @if (rows().length > 0) {
        <div class="grid grid-cols-1 gap-3 2xl:grid-cols-2">
          <gf-echart [style.height.px]="chartHeight()" [option]="option()" />
          <div class="max-h-[30rem] overflow-auto">
            <table class="w-full text-sm" data-testid="history-strikes-table">
              <thead class="sticky top-0 bg-slate-900 text-xs text-slate-400">
                <tr>
                  @if (several()) {
                    <th class="text-left font-normal">underlying</th>
                  }
                  <th class="text-right font-normal">strike</th>
                  <th class="text-right font-normal">call vol</th>
                  <th class="text-right font-normal">put vol</th>
                  <th class="text-right font-normal">call net Δ</th>
                  <th class="text-right font-normal">put net Δ</th>
                  <th class="text-right font-normal">net Δ</th>
                  <th class="text-right font-normal">premium</th>
                  <th class="text-right font-normal">prints</th>
                </tr>
              </thead>
              <tbody>
                @for (r of tableRows(); track r.underlying + r.strike) {
                  <tr class="border-t border-slate-800" [class.bg-slate-800/50]="r === largest()">
                    @if (several()) {
                      <td class="text-slate-400">{{ r.underlying }}</td>
                    }
                    <td class="num text-right font-semibold">{{ strikeText(r.strike) }}</td>
                    <td class="num text-right">{{ int(r.callVolume) }}</td>
                    <td class="num text-right">{{ int(r.putVolume) }}</td>
                    <td class="num text-right" [class]="tone(r.callNetDelta)">{{ compact(r.callNetDelta, true) }}</td>
                    <td class="num text-right" [class]="tone(r.putNetDelta)">{{ compact(r.putNetDelta, true) }}</td>
                    <td class="num text-right font-semibold" [class]="tone(r.netDelta)">{{ compact(r.netDelta, true) }}</td>
                    <td class="num text-right">{{ money(r.premium) }}</td>
                    <td class="num text-right text-slate-400">{{ int(r.trades) }}</td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        </div>
      }
    </div>
  `,
})
export class HistoryStrikesComponent {
  private readonly api = inject(ApiService);

  readonly date = input<string | null>(null);
  readonly root = input<string>('');
  /** Bumped to reload the same day. */
  readonly reload = input(0);

  protected readonly int = int;
  protected readonly money = money;
  protected readonly compact = compact;
  protected readonly strikeText = strikeText;

  readonly query = new QueryState<HistoryRows>();
  readonly rows = computed(() => strikeRows(this.query.data()));
  readonly several = computed(() => new Set(this.rows().map((r) => r.underlying)).size > 1);
  /** Table: strikes high → low (like the live grid). */
  protected readonly tableRows = computed(() => [...this.rows()].reverse());
  protected readonly option = computed(() => strikeChartOption(this.rows()));
  /** About 26 px per strike, between 220 and 480 px (the chart zooms beyond 40 strikes). */
  protected readonly chartHeight = computed(() => Math.min(480, Math.max(220, 60 + 26 * this.rows().length)));
  protected readonly largest = computed(() => {
    let best: StrikeRow | null = null;
    for (const r of this.rows()) {
      if (best === null || Math.abs(r.netDelta) > Math.abs(best.netDelta)) best = r;
    }
    return best;
  });
  protected readonly totals = computed(() =>
    this.rows().reduce(
      (t, r) => ({ trades: t.trades + r.trades, premium: t.premium + r.premium, netDelta: t.netDelta + r.netDelta }),
      { trades: 0, premium: 0, netDelta: 0 },
    ),
  );

  constructor() {
    effect(() => {
      const date = this.date();
      const root = this.root();
      this.reload();
      untracked(() => {
        if (!date) {
          this.query.clear();
          return;
        }
        void this.query.run(() => this.api.get<HistoryRows>('/api/history/net-delta-by-strike', { date, root }));
      });
    });
  }

  protected tone(x: number): string {
    return x > 0 ? 'text-emerald-300' : x < 0 ? 'text-rose-300' : 'text-slate-400';
  }
}
