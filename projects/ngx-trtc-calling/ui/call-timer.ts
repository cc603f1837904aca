import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  inject,
  input,
  signal,
} from '@angular/core';
import { CALL_UI_TEXTS } from './texts';

/** `m:ss`, or `h:mm:ss` from an hour on. */
export function formatCallDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/**
 * The time since `since` (epoch ms), ticking every second. A `timer` role, which screen readers
 * do not announce on every tick. Ticks only in the browser (started after the first render), so a
 * server render shows the duration once and leaves no interval behind.
 */
@Component({
  selector: 'ngx-call-timer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { role: 'timer', '[attr.aria-label]': 'texts.callDuration' },
  template: `<time [attr.datetime]="'PT' + seconds() + 'S'">{{ text() }}</time>`,
  styles: `
    :host {
      font-variant-numeric: tabular-nums;
    }
  `,
})
export class CallTimer {
  /** When the call connected (epoch ms, as `ActiveCall.connectedAt`). */
  readonly since = input.required<number>();

  protected readonly texts = inject(CALL_UI_TEXTS);
  readonly #now = signal(Date.now());
  protected readonly seconds = computed(() => Math.max(0, Math.floor((this.#now() - this.since()) / 1000)));
  protected readonly text = computed(() => formatCallDuration(this.#now() - this.since()));

  constructor() {
    let interval: ReturnType<typeof setInterval> | undefined;
    afterNextRender(() => {
      this.#now.set(Date.now());
      interval = setInterval(() => this.#now.set(Date.now()), 1000);
    });
    inject(DestroyRef).onDestroy(() => clearInterval(interval));
  }
}
