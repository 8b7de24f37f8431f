import { ChangeDetectionStrategy, Component, input } from '@angular/core';

import { HeaderGroup } from './header-model';

/** The Live page's figures (spot, ES/basis, levels, day flow, source freshness), in groups. */
@Component({
  selector: 'gf-live-header',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'block', 'data-testid': 'live-header' },
  template: `
    <div class="flex flex-wrap gap-x-6 gap-y-2">
      @for (group of groups(); track group.title) {
        <section class="min-w-0">
          <h3 class="mb-1 text-[10px] font-semibold tracking-wider text-slate-500 uppercase">
            {{ group.title }}
          </h3>
          <dl class="flex flex-wrap gap-x-4 gap-y-1">
            @for (item of group.items; track item.id) {
              <div class="flex flex-col" [attr.title]="item.hint ?? null">
                <dt class="text-[11px] whitespace-nowrap text-slate-400">{{ item.label }}</dt>
                <dd
                  class="num text-sm whitespace-nowrap"
                  [attr.data-testid]="item.id"
                  [class.text-slate-100]="item.tone === 'plain'"
                  [class.text-emerald-300]="item.tone === 'call'"
                  [class.text-rose-300]="item.tone === 'put'"
                  [class.text-amber-300]="item.tone === 'warn'"
                  [class.text-slate-400]="item.tone === 'muted'"
                >
                  {{ item.value }}
                </dd>
              </div>
            }
          </dl>
        </section>
      }
    </div>
  `,
})
export class LiveHeaderComponent {
  readonly groups = input.required<HeaderGroup[]>();
}
