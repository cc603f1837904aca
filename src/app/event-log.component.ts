import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { CallingService, type CallingEvent } from 'ngx-trtc-calling';
import { formatClock } from './format';

/** How many events the log keeps. */
export const EVENT_LOG_SIZE = 50;

interface LogEntry {
  readonly id: number;
  readonly at: number;
  readonly type: CallingEvent['type'];
  readonly detail: string;
}

/** A payload in one short line. */
function summarize(event: CallingEvent): string {
  const text = JSON.stringify(event.payload);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** The typed events of `CallingService.events$` as they fire, newest first, at most `EVENT_LOG_SIZE`. */
@Component({
  selector: 'app-event-log',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section aria-labelledby="log-heading">
      <div class="section-head">
        <h2 id="log-heading">Events</h2>
        <label class="inline">
          <input
            type="checkbox"
            data-testid="show-volume"
            [checked]="showVolume()"
            (change)="toggleVolume()"
          />
          Show volume events
        </label>
        <button type="button" class="secondary small" data-testid="clear-log" (click)="clear()">Clear</button>
      </div>
      @if (visible().length) {
        <ol class="log" data-testid="event-log" aria-label="Events, newest first">
          @for (e of visible(); track e.id) {
            <li data-testid="event-log-item" [attr.data-type]="e.type">
              <time [attr.datetime]="iso(e.at)">{{ clock(e.at) }}</time>
              <code class="type">{{ e.type }}</code>
              <span class="detail">{{ e.detail }}</span>
            </li>
          }
        </ol>
      } @else {
        <p class="empty" data-testid="event-log-empty">No events yet.</p>
      }
    </section>
  `,
})
export class EventLogComponent {
  readonly #entries = signal<readonly LogEntry[]>([]);
  protected readonly showVolume = signal(false);
  protected readonly visible = computed(() =>
    this.showVolume() ? this.#entries() : this.#entries().filter((e) => e.type !== 'onUserVoiceVolume'),
  );
  protected readonly clock = formatClock;
  #next = 0;

  constructor() {
    inject(CallingService)
      .events$.pipe(takeUntilDestroyed())
      .subscribe((event) => {
        // Volume levels arrive about once a second: kept only while shown, so they never
        // push the call's events out of the log.
        if (event.type === 'onUserVoiceVolume' && !this.showVolume()) return;
        const entry: LogEntry = {
          id: this.#next++,
          at: Date.now(),
          type: event.type,
          detail: summarize(event),
        };
        this.#entries.update((list) => [entry, ...list].slice(0, EVENT_LOG_SIZE));
      });
  }

  protected iso(at: number): string {
    return new Date(at).toISOString();
  }

  protected toggleVolume(): void {
    this.showVolume.update((v) => !v);
  }

  protected clear(): void {
    this.#entries.set([]);
  }
}
