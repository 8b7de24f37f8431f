import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import { int, pct, points, price } from '../../core/format';
import { RangeView } from '../../core/wire';
import { breakoutBadge, closeText, gaugeScale, hhmm, ladderRows, rangeTitle } from './range-ladder';

/** One range window: status, band ladder with live ES, touches, breakout, close. */
@Component({
  selector: 'gf-range-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="panel flex flex-col gap-3" data-testid="range-card" [attr.data-range]="range().name">
      <header class="flex flex-wrap items-center gap-2">
        <h2 class="text-base font-semibold">{{ title() }}</h2>
        <span class="num text-xs text-slate-400">{{ range().start_new_york }}–{{ range().end_new_york }} NY</span>
        <span
          class="rounded px-2 py-0.5 text-xs font-semibold uppercase"
          data-testid="range-status"
          [attr.data-status]="range().status"
          [class.bg-sky-900]="range().status === 'active'"
          [class.text-sky-200]="range().status === 'active'"
          [class.bg-slate-800]="range().status !== 'active'"
          [class.text-slate-300]="range().status !== 'active'"
          >{{ range().status }}</span
        >
        <span
          class="ml-auto rounded px-2 py-0.5 text-xs font-semibold"
          data-testid="breakout-badge"
          [attr.data-breakout]="breakout().tone"
          [class.bg-emerald-900]="breakout().tone === 'up'"
          [class.text-emerald-200]="breakout().tone === 'up'"
          [class.bg-rose-900]="breakout().tone === 'down'"
          [class.text-rose-200]="breakout().tone === 'down'"
          [class.bg-slate-800]="breakout().tone === 'none'"
          [class.text-slate-400]="breakout().tone === 'none'"
          >{{ breakout().text }}</span
        >
      </header>

      <p class="text-xs text-slate-400">
        Centre: {{ range().reference_label }} <span class="num text-slate-200">{{ price(range().reference) }}</span>
        · IV used <span class="num text-slate-200" data-testid="range-iv">{{ pct(ivUsed()) }}</span>
        · ½ width 1σ <span class="num text-slate-200">{{ price(range().half_width_1s) }}</span>, 2σ
        <span class="num text-slate-200">{{ price(range().half_width_2s) }}</span>
      </p>

      @if (rows().length === 0) {
        <p class="py-8 text-center text-sm text-slate-400" data-testid="range-no-levels">
          {{ range().status === 'pending' ? 'Window not started: no bands yet.' : 'No band levels yet (waiting for the reference and IV).' }}
        </p>
      } @else {
        <div class="flex gap-4">
          @if (gauge(); as g) {
            <div class="relative h-64 w-8 shrink-0 rounded bg-slate-800/70" data-testid="range-gauge" aria-hidden="true">
              @if (g.inner; as z) {
                <div class="absolute inset-x-0 bg-emerald-700/30" [style.bottom.%]="z.from * 100" [style.height.%]="(z.to - z.from) * 100"></div>
              }
              @for (m of g.marks; track m.label) {
                <div
                  class="absolute inset-x-0 h-px"
                  [style.bottom.%]="m.at * 100"
                  [class.bg-pink-400]="m.tier === 'outer'"
                  [class.bg-violet-400]="m.tier === 'inner'"
                  [class.bg-amber-400]="m.tier === 'ref'"
                ></div>
              }
              @if (g.es !== null) {
                <div
                  class="absolute -inset-x-1 h-1 translate-y-1/2 rounded bg-sky-300 shadow"
                  [style.bottom.%]="g.es * 100"
                  [class.animate-pulse]="g.off !== null"
                ></div>
              }
            </div>
          }
          <table class="w-full self-center text-sm" data-testid="range-ladder">
            <thead class="text-xs text-slate-400">
              <tr class="border-b border-slate-800">
                <th class="py-1 text-left font-normal">Level</th>
                <th class="py-1 text-right font-normal">Price</th>
                <th class="py-1 text-right font-normal">To ES</th>
                <th class="py-1 text-right font-normal">Touches</th>
              </tr>
            </thead>
            <tbody>
              @for (row of rows(); track $index) {
                @if (row.kind === 'es') {
                  <tr class="bg-sky-950/70" data-testid="ladder-es">
                    <td class="py-1 font-semibold text-sky-300">▶ ES</td>
                    <td class="num py-1 text-right font-semibold text-sky-200">{{ price(row.price) }}</td>
                    <td class="py-1 text-right text-xs text-slate-400" colspan="2">{{ positionText() }}</td>
                  </tr>
                } @else {
                  <tr class="border-b border-slate-800/60" data-testid="ladder-level" [attr.data-label]="row.label">
                    <td
                      class="py-1"
                      [class.text-pink-300]="row.tier === 'outer'"
                      [class.text-violet-300]="row.tier === 'inner'"
                      [class.text-amber-300]="row.tier === 'ref'"
                    >
                      {{ row.label }}
                    </td>
                    <td class="num py-1 text-right">{{ price(row.price) }}</td>
                    <td class="num py-1 text-right" [class.text-slate-400]="row.distance === null">{{ points(row.distance) }}</td>
                    <td class="num py-1 text-right" [class.text-slate-500]="row.touches === 0">{{ int(row.touches) }}</td>
                  </tr>
                }
              }
            </tbody>
          </table>
        </div>
      }

      <dl class="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
        <div>
          <dt class="text-xs text-slate-500">Touches</dt>
          <dd class="num" data-testid="range-touches">{{ int(range().touches) }}</dd>
        </div>
        <div>
          <dt class="text-xs text-slate-500">First touch</dt>
          <dd class="num" data-testid="range-first-touch">{{ firstTouch() }}</dd>
        </div>
        <div>
          <dt class="text-xs text-slate-500">Position</dt>
          <dd data-testid="range-position">{{ range().position ?? '—' }}</dd>
        </div>
        <div>
          <dt class="text-xs text-slate-500">Close</dt>
          <dd
            data-testid="range-close"
            [class.text-emerald-300]="range().closed_inside === true"
            [class.text-rose-300]="range().closed_inside === false"
          >
            {{ close() }}
          </dd>
        </div>
      </dl>
    </section>
  `,
})
export class RangeCardComponent {
  readonly range = input.required<RangeView>();
  /** Live ES price. */
  readonly es = input<number | null>(null);
  /** The desk's current ATM IV, shown when the range has no sigma of its own. */
  readonly atmIv = input<number | null>(null);

  protected readonly title = computed(() => rangeTitle(this.range().name));
  readonly rows = computed(() => ladderRows(this.range().levels ?? [], this.es()));
  protected readonly gauge = computed(() => gaugeScale(this.range().levels ?? [], this.es()));
  readonly breakout = computed(() => breakoutBadge(this.range()));
  protected readonly close = computed(() => closeText(this.range()));
  /** The range's own sigma; while a window runs without one, the desk's ATM IV. */
  protected readonly ivUsed = computed(() => this.range().sigma ?? (this.range().status === 'pending' ? null : this.atmIv()));
  protected readonly firstTouch = computed(() => {
    const t = this.range().first_touch_new_york;
    return t ? hhmm(t) : '—';
  });
  protected readonly positionText = computed(() => {
    const p = this.range().position;
    return p === 'inside' ? 'inside 1σ' : p === 'above' ? 'above +1σ' : p === 'below' ? 'below −1σ' : '';
  });

  protected readonly int = int;
  protected readonly pct = pct;
  protected readonly points = points;
  protected readonly price = price;
}
