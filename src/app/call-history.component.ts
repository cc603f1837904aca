import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { CallingService, type CallRecord } from 'ngx-trtc-calling';
import { CallAvatar } from 'ngx-trtc-calling/ui';
import { callKind, describeOutcome, formatClock, formatDuration, peersOf } from './format';

/** The calls of this session (`records` signal), newest first: who, when, how it ended, how long. */
@Component({
  selector: 'app-call-history',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CallAvatar],
  template: `
    <section class="card history" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      @if (records().length) {
        <ul class="records" data-testid="call-history">
          @for (r of records(); track r.callID + r.endedAt) {
            <li
              class="record"
              data-testid="call-record"
              [class.failed]="r.connectedAt === null"
              [attr.data-reason]="r.endReason"
              [attr.data-duration]="r.duration"
            >
              <ngx-call-avatar size="sm" [userID]="other(r)" [decorative]="true" />
              <div class="record-main">
                <p class="record-who">
                  <span class="visually-hidden"
                    >{{ r.direction === 'outgoing' ? 'Outgoing' : 'Incoming' }}
                  </span>
                  <span aria-hidden="true">{{ r.direction === 'outgoing' ? '↗' : '↙' }}</span>
                  {{ r.direction === 'outgoing' ? peers(r) : r.inviter + (r.isGroup ? ' (group)' : '') }}
                  <span class="record-kind">· {{ kind(r) }}</span>
                </p>
                <p class="record-outcome">{{ reason(r) }}</p>
              </div>
              <p class="record-meta">
                <time [attr.datetime]="iso(r.startedAt)">{{ clock(r.startedAt) }}</time>
                @if (r.connectedAt !== null) {
                  <span class="record-duration">{{ duration(r.duration) }}</span>
                }
              </p>
            </li>
          }
        </ul>
      } @else {
        <p class="empty">No calls yet. Calls you make or get show up here.</p>
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

  /** Whose avatar the row shows: the caller of an incoming call, the first callee otherwise. */
  protected other(r: CallRecord): string {
    return r.direction === 'incoming' ? r.inviter : (r.participants[0]?.userID ?? r.inviter);
  }

  protected kind(r: CallRecord): string {
    return `${callKind(r.callType)}${r.isGroup ? ' group' : ''}`;
  }

  protected reason(r: CallRecord): string {
    return describeOutcome(r);
  }
}
