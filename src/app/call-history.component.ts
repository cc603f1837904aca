import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { CallingService, type CallRecord } from 'ngx-trtc-calling';
import { callKind, describeOutcome, formatClock, formatDuration, peersOf } from './format';

/** The calls of this session (`records` signal), newest first, with outcome and duration. */
@Component({
  selector: 'app-call-history',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">Calls this session</h2>
      @if (records().length) {
        <table data-testid="call-history">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Direction</th>
              <th scope="col">With</th>
              <th scope="col">Type</th>
              <th scope="col">Outcome</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            @for (r of records(); track r.callID + r.endedAt) {
              <tr
                data-testid="call-record"
                [attr.data-reason]="r.endReason"
                [attr.data-duration]="r.duration"
              >
                <td>
                  <time [attr.datetime]="iso(r.startedAt)">{{ clock(r.startedAt) }}</time>
                </td>
                <td>{{ r.direction === 'outgoing' ? 'outgoing' : 'incoming from ' + r.inviter }}</td>
                <td>{{ peers(r) }}</td>
                <td>{{ kind(r) }}</td>
                <td>{{ reason(r) }}</td>
                <td>{{ r.connectedAt === null ? '—' : duration(r.duration) }}</td>
              </tr>
            }
          </tbody>
        </table>
      } @else {
        <p class="empty">No calls yet.</p>
      }
    </section>
  `,
})
export class CallHistoryComponent {
  readonly #calling = inject(CallingService);
  protected readonly records = computed(() => [...this.#calling.records()].reverse());
  protected readonly clock = formatClock;
  protected readonly duration = formatDuration;
  protected readonly peers = peersOf;

  protected iso(at: number): string {
    return new Date(at).toISOString();
  }

  protected kind(r: CallRecord): string {
    return `${callKind(r.callType)}${r.isGroup ? ' group' : ''}`;
  }

  protected reason(r: CallRecord): string {
    return describeOutcome(r);
  }
}
