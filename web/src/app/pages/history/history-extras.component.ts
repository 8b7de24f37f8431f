import { ChangeDetectionStrategy, Component, effect, inject, input, untracked } from '@angular/core';

import { ApiService } from '../../core/api.service';
import { HistoryRows } from '../../core/wire';
import { QueryState, formatCell } from './history-logic';

/** Columns of the top-trades table shown (of the query's 17). */
const TOP_COLUMNS = ['ts_event', 'root', 'option_right', 'strike', 'price', 'size', 'premium', 'aggressor', 'iv', 'delta', 'net_delta_impact', 'sweep'];
const SIDE_COLUMNS = ['side', 'trades', 'volume', 'premium', 'call_premium', 'put_premium'];

/** Premium by aggressor side and the day's largest prints (`premium-by-side`, `top-trades`). */
@Component({
  selector: 'gf-history-extras',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="grid grid-cols-1 gap-3 xl:grid-cols-3">
      <div class="panel" data-testid="history-sides">
        <div class="panel-title">Premium by aggressor side</div>
        @if (sides.error()) {
          <p class="text-sm text-rose-300">{{ sides.error() }}</p>
        } @else if ((sides.data() ?? []).length === 0) {
          <p class="text-sm text-slate-400">{{ sides.loading() ? 'Loading…' : 'No prints.' }}</p>
        } @else {
          <table class="w-full text-sm">
            <thead class="text-xs text-slate-400">
              <tr>
                @for (c of sideColumns; track c) {
                  <th class="font-normal" [class.text-right]="c !== 'side'" [class.text-left]="c === 'side'">{{ c.replace('_', ' ') }}</th>
                }
              </tr>
            </thead>
            <tbody>
              @for (r of sides.data(); track $index) {
                <tr class="border-t border-slate-800">
                  @for (c of sideColumns; track c) {
                    <td [class.num]="c !== 'side'" [class.text-right]="c !== 'side'"
                      [class.text-emerald-300]="c === 'side' && r['side'] === 'buy'"
                      [class.text-rose-300]="c === 'side' && r['side'] === 'sell'">{{ cell(c, r[c]) }}</td>
                  }
                </tr>
              }
            </tbody>
          </table>
        }
      </div>
      <div class="panel xl:col-span-2" data-testid="history-top-trades">
        <div class="panel-title">Largest prints</div>
        @if (top.error()) {
          <p class="text-sm text-rose-300">{{ top.error() }}</p>
        } @else if ((top.data() ?? []).length === 0) {
          <p class="text-sm text-slate-400">{{ top.loading() ? 'Loading…' : 'No prints.' }}</p>
        } @else {
          <div class="max-h-80 overflow-auto">
            <table class="w-full text-xs">
              <thead class="sticky top-0 bg-slate-900 text-slate-400">
                <tr>
                  @for (c of topColumns; track c) {
                    <th class="px-1 text-right font-normal">{{ topLabel(c) }}</th>
                  }
                </tr>
              </thead>
              <tbody>
                @for (r of top.data(); track $index) {
                  <tr class="border-t border-slate-800" [class.text-emerald-200]="r['option_right'] === 'C'" [class.text-rose-200]="r['option_right'] === 'P'">
                    @for (c of topColumns; track c) {
                      <td class="num px-1 text-right">{{ cell(c, r[c]) }}</td>
                    }
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }
      </div>
    </div>
  `,
})
export class HistoryExtrasComponent {
  private readonly api = inject(ApiService);

  readonly date = input<string | null>(null);
  readonly root = input<string>('');
  readonly reload = input(0);

  protected readonly sideColumns = SIDE_COLUMNS;
  protected readonly topColumns = TOP_COLUMNS;
  readonly sides = new QueryState<HistoryRows>();
  readonly top = new QueryState<HistoryRows>();

  constructor() {
    effect(() => {
      const date = this.date();
      const root = this.root();
      this.reload();
      untracked(() => {
        if (!date) {
          this.sides.clear();
          this.top.clear();
          return;
        }
        void this.sides.run(() => this.api.get<HistoryRows>('/api/history/premium-by-side', { date, root }));
        void this.top.run(() => this.api.get<HistoryRows>('/api/history/top-trades', { date, root, limit: 25 }));
      });
    });
  }

  protected cell(column: string, v: unknown): string {
    return formatCell(column, v);
  }

  protected topLabel(c: string): string {
    return ({ ts_event: 'time', option_right: 'C/P', net_delta_impact: 'net Δ', aggressor: 'side' } as Record<string, string>)[c] ?? c;
  }
}
