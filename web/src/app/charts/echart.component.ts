import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  OnDestroy,
  afterNextRender,
  effect,
  input,
  viewChild,
} from '@angular/core';

import { EChartsOption, echarts } from './echarts-setup';

/**
 * One ECharts instance bound to an `option` signal input. The chart is created after the first
 * render (it needs a sized element), updated with `setOption(option, {notMerge})` whenever the
 * input changes, resized with its element, and disposed with the component.
 *
 * ```html
 * <gf-echart [option]="gexOption()" class="block h-96" />
 * ```
 */
@Component({
  selector: 'gf-echart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div #host class="h-full w-full" data-testid="echart"></div>`,
  host: { class: 'block' },
})
export class EChartComponent implements OnDestroy {
  /** The chart's full option; replaced (not merged) on change. */
  readonly option = input.required<EChartsOption>();
  /** Replace the whole option (true) or merge into the previous one (false, keeps zoom). */
  readonly notMerge = input(true);

  private readonly host = viewChild.required<ElementRef<HTMLDivElement>>('host');
  private chart: echarts.ECharts | null = null;
  private observer: ResizeObserver | null = null;

  constructor() {
    afterNextRender(() => {
      const element = this.host().nativeElement;
      this.chart = echarts.init(element, undefined, { renderer: 'canvas' });
      this.chart.setOption(this.option(), { notMerge: true });
      this.observer = new ResizeObserver(() => this.chart?.resize());
      this.observer.observe(element);
    });
    effect(() => {
      const option = this.option();
      this.chart?.setOption(option, { notMerge: this.notMerge(), lazyUpdate: true });
    });
  }

  ngOnDestroy(): void {
    this.observer?.disconnect();
    this.chart?.dispose();
    this.chart = null;
  }
}
