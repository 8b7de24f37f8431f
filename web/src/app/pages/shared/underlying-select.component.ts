import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

import { UnderlyingGroup } from './underlying-chains';

/**
 * The row of underlying buttons (`SPX`, `SPY`, `ES`) at the top of the chain pages. The host is
 * the button group itself, so the page's flex row lays it out like a plain `div`.
 */
@Component({
  selector: 'gf-underlying-select',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'flex gap-1', role: 'group', 'aria-label': 'Underlying', 'data-testid': 'underlying-select' },
  template: `
    @for (g of groups(); track g.id) {
      <button
        type="button"
        class="rounded px-3 py-1 text-sm"
        [class.bg-sky-800]="g.id === selectedId()"
        [class.text-white]="g.id === selectedId()"
        [class.bg-slate-800]="g.id !== selectedId()"
        [class.text-slate-300]="g.id !== selectedId()"
        [attr.aria-pressed]="g.id === selectedId()"
        (click)="picked.emit(g.id)"
      >
        {{ g.label }}
      </button>
    }
  `,
})
export class UnderlyingSelectComponent {
  readonly groups = input.required<UnderlyingGroup[]>();
  /** The group shown as pressed. */
  readonly selectedId = input<string | null>(null);
  /** The id of the button clicked (also when it is already the selected one). */
  readonly picked = output<string>();
}
