import { DestroyRef, Directive, ElementRef, effect, inject, input } from '@angular/core';

export const FLASH_UP = 'flash-up';
export const FLASH_DOWN = 'flash-down';

/**
 * Flashes its element green when the bound number goes up and red when it goes down (the
 * `.flash-up` / `.flash-down` animations of `styles.css`); nothing on the first value, on an
 * equal value, or to/from `null`.
 *
 * ```html
 * <td [gfFlash]="row.call.volume">{{ row.call.volume }}</td>
 * ```
 *
 * Works with OnPush and signals: the input is a signal read by an effect, which compares with
 * the previous value (a plain field) and sets the class directly on the element, outside
 * Angular's bindings, so no change detection is scheduled. The class is removed on
 * `animationend` (a native listener: no change detection either). When the same direction
 * repeats while its animation still runs, the class is removed, a reflow is forced and the class
 * is added again so the animation restarts; that is the only case that costs a reflow. No
 * allocation per change.
 */
@Directive({ selector: '[gfFlash]' })
export class FlashDirective {
  /** The value to watch. */
  readonly gfFlash = input<number | null | undefined>(undefined);

  private readonly element: HTMLElement = inject(ElementRef<HTMLElement>).nativeElement;
  private previous: number | null | undefined = undefined;
  private active: string | null = null;

  constructor() {
    const onEnd = (ev: Event) => {
      if (ev.target === this.element && this.active !== null) {
        this.element.classList.remove(this.active);
        this.active = null;
      }
    };
    this.element.addEventListener('animationend', onEnd);
    inject(DestroyRef).onDestroy(() => this.element.removeEventListener('animationend', onEnd));
    effect(() => this.next(this.gfFlash()));
  }

  private next(value: number | null | undefined): void {
    const before = this.previous;
    this.previous = value;
    if (
      typeof before !== 'number' ||
      typeof value !== 'number' ||
      !Number.isFinite(before) ||
      !Number.isFinite(value) ||
      value === before
    ) {
      return;
    }
    const wanted = value > before ? FLASH_UP : FLASH_DOWN;
    const list = this.element.classList;
    if (this.active === wanted) {
      list.remove(wanted);
      void this.element.offsetWidth; // restart the running animation
    } else if (this.active !== null) {
      list.remove(this.active);
    }
    list.add(wanted);
    this.active = wanted;
  }
}
