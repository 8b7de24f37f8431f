import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';

import { FLASH_DOWN, FLASH_UP, FlashDirective } from './flash.directive';

@Component({
  imports: [FlashDirective],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span [gfFlash]="value()">{{ value() }}</span>`,
})
class Host {
  readonly value = signal<number | null>(null);
}

function setup() {
  const fixture = TestBed.createComponent(Host);
  const span = (fixture.nativeElement as HTMLElement).querySelector('span')!;
  const set = (v: number | null) => {
    fixture.componentInstance.value.set(v);
    fixture.detectChanges();
  };
  const end = () => span.dispatchEvent(new Event('animationend'));
  const classes = () => [...span.classList].filter((c) => c === FLASH_UP || c === FLASH_DOWN);
  fixture.detectChanges();
  return { set, end, classes };
}

describe('FlashDirective', () => {
  it('does not flash on the first value or from null', () => {
    const { set, classes } = setup();
    expect(classes()).toEqual([]);
    set(5);
    expect(classes()).toEqual([]);
  });

  it('flashes up on an increase and down on a decrease, nothing on an equal value', () => {
    const { set, end, classes } = setup();
    set(5);
    set(7);
    expect(classes()).toEqual([FLASH_UP]);
    end();
    expect(classes()).toEqual([]);
    set(7);
    expect(classes()).toEqual([]);
    set(3);
    expect(classes()).toEqual([FLASH_DOWN]);
    set(4);
    expect(classes()).toEqual([FLASH_UP]);
  });

  it('restarts a running flash of the same direction and ignores null', () => {
    const { set, end, classes } = setup();
    set(1);
    set(2);
    set(3);
    expect(classes()).toEqual([FLASH_UP]);
    end();
    set(null);
    expect(classes()).toEqual([]);
    set(0);
    expect(classes()).toEqual([]);
  });
});
