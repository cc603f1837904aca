import { ChangeDetectionStrategy, Component, computed, inject, output, signal } from '@angular/core';
import {
  CallingService,
  type CallRecord,
  type Participant,
  type ParticipantStatus,
  type RecordedParticipant,
} from 'ngx-trtc-calling';
import { CallAvatar } from './avatar';
import { CALL_UI_TEXTS } from './texts';
import { CALL_THEME } from './theme';
import { injectCallUserInfo } from './user-info';

/** Where an outgoing call stands: while it rings, then how it ended before anyone answered. */
export type OutgoingCallState =
  'ringing' | 'offline' | 'busy' | 'declined' | 'noAnswer' | 'canceled' | 'ended';

/** The state a callee's status (while ringing) or recorded end (after) stands for. */
function stateOf(p: Participant | RecordedParticipant): OutgoingCallState {
  switch (p.end?.reason) {
    case 'busy':
      return 'busy';
    case 'rejected':
      return 'declined';
    case 'noAnswer':
      return 'noAnswer';
    case 'offline':
      return 'offline';
    case 'canceled':
      return 'canceled';
    case 'mediaFailed':
    case 'hungUp':
      return 'ended';
    case undefined:
      return BY_STATUS[p.status];
  }
}

const BY_STATUS: Readonly<Record<ParticipantStatus, OutgoingCallState>> = {
  ringing: 'ringing',
  accepted: 'ringing',
  joined: 'ringing',
  offline: 'offline',
  busy: 'busy',
  rejected: 'declined',
  timeout: 'noAnswer',
  noResponse: 'noAnswer',
  canceled: 'canceled',
  left: 'ended',
};

/** What the screen shows: the callees, and the call's state. */
interface Shown {
  readonly callID: string;
  readonly callees: readonly string[];
  readonly state: OutgoingCallState;
  /** Per callee, for a group call. */
  readonly states: readonly (readonly [userID: string, state: OutgoingCallState])[];
  readonly ended: boolean;
}

/**
 * The outgoing-call screen: the callee's avatar and name while the call rings ("Ringing…",
 * "bob is offline…", each callee's state in a group call) with a Cancel button, then how it
 * ended if nobody answered (busy, declined, no answer, cancelled) with a Close button. It shows
 * nothing once the call connects (the call screen takes over) or after Close.
 *
 * ```html
 * <ngx-call-outgoing (closed)="backToContacts()" />
 * ```
 */
@Component({
  selector: 'ngx-call-outgoing',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CallAvatar],
  template: `
    @if (shown(); as s) {
      <section
        class="ngx-call-outgoing"
        data-testid="outgoing-call"
        [attr.data-state]="s.state"
        [attr.aria-labelledby]="'ngx-call-outgoing-title'"
      >
        <div class="ngx-call-outgoing-avatars">
          @for (userID of s.callees; track userID) {
            <ngx-call-avatar
              [userID]="userID"
              [size]="s.callees.length > 1 ? 'md' : 'lg'"
              [decorative]="true"
            />
          }
        </div>
        <h2 id="ngx-call-outgoing-title" class="ngx-call-outgoing-title">{{ texts.calling(names()) }}</h2>
        <p class="ngx-call-outgoing-status" role="status" data-testid="outgoing-status">{{ statusText() }}</p>
        @if (s.callees.length > 1) {
          <ul class="ngx-call-outgoing-list">
            @for (entry of s.states; track entry[0]) {
              <li [attr.data-user]="entry[0]" [attr.data-state]="entry[1]">{{ line(entry[0], entry[1]) }}</li>
            }
          </ul>
        }
        @if (s.ended) {
          <button
            type="button"
            class="ngx-call-outgoing-close"
            data-testid="outgoing-close"
            (click)="close(s)"
          >
            {{ texts.close }}
          </button>
        } @else {
          <button
            type="button"
            class="ngx-call-outgoing-cancel"
            data-testid="outgoing-cancel"
            (click)="cancel()"
          >
            {{ texts.cancel }}
          </button>
        }
      </section>
    }
  `,
  styles: [
    CALL_THEME,
    `
      :host {
        display: block;
      }
      .ngx-call-outgoing {
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: var(--_call-gap);
        padding: 2rem 1rem;
        border-radius: var(--_call-radius);
        background: var(--_call-bg);
        color: var(--_call-text);
        text-align: center;
      }
      .ngx-call-outgoing-avatars {
        display: flex;
        gap: 0.5rem;
      }
      .ngx-call-outgoing-title {
        margin: 0.5rem 0 0;
        font-size: 1.25rem;
      }
      .ngx-call-outgoing-status,
      .ngx-call-outgoing-list {
        margin: 0;
        color: var(--_call-text-muted);
      }
      .ngx-call-outgoing-list {
        padding: 0;
        list-style: none;
      }
      button {
        min-block-size: 2.75rem;
        margin-block-start: 1rem;
        padding: 0.5rem 1.5rem;
        border: 0;
        border-radius: 999px;
        cursor: pointer;
      }
      .ngx-call-outgoing-cancel {
        background: var(--_call-danger-bg);
        color: var(--_call-danger-text);
      }
      .ngx-call-outgoing-close {
        background: var(--_call-control-bg);
        color: var(--_call-control-text);
      }
    `,
  ],
})
export class CallOutgoing {
  readonly #service = inject(CallingService);
  protected readonly texts = inject(CALL_UI_TEXTS);
  /** Emitted when the user closes the outcome of a call nobody answered. */
  readonly closed = output<void>();
  readonly #dismissed = signal<string | null>(null);

  /** The call shown: one dialing now, or the last outgoing call, ended unanswered and not closed. */
  protected readonly shown = computed<Shown | null>(() => {
    const call = this.#service.currentCall();
    const phase = this.#service.phase();
    if (call) {
      if (phase !== 'dialing' || call.direction !== 'outgoing' || call.connectedAt !== null) return null;
      const invited = call.participants.filter((p) => p.invited);
      return shownOf(call.callID, invited, false);
    }
    const last = this.#service.records().at(-1);
    if (!last || !unanswered(last) || last.callID === this.#dismissed()) return null;
    return shownOf(last.callID, last.participants, true, last);
  });

  readonly #first = computed(() => this.shown()?.callees[0] ?? '');
  readonly #firstInfo = injectCallUserInfo(() => this.#first());
  /** The callee's display name, or the userIDs of a group call. */
  protected readonly names = computed(() => {
    const s = this.shown();
    if (!s) return '';
    return s.callees.length === 1 ? this.#firstInfo().displayName || this.#first() : s.callees.join(', ');
  });
  protected readonly statusText = computed(() => {
    const s = this.shown();
    return s ? this.line(s.callees.length === 1 ? this.names() : s.callees.join(', '), s.state) : '';
  });

  protected line(name: string, state: OutgoingCallState): string {
    const t = this.texts;
    switch (state) {
      case 'ringing':
        return t.ringing;
      case 'offline':
        return t.offline(name);
      case 'busy':
        return t.busy(name);
      case 'declined':
        return t.declined(name);
      case 'noAnswer':
        return t.noAnswer(name);
      case 'canceled':
        return t.callCanceled;
      case 'ended':
        return t.callEnded;
    }
  }

  protected cancel(): void {
    this.#service.hangup().catch(() => undefined);
  }

  protected close(shown: Shown): void {
    this.#dismissed.set(shown.callID);
    this.closed.emit();
  }
}

/** An outgoing call that ended before anyone answered. */
function unanswered(record: CallRecord): boolean {
  return record.direction === 'outgoing' && record.connectedAt === null;
}

function shownOf(
  callID: string,
  callees: readonly (Participant | RecordedParticipant)[],
  ended: boolean,
  record?: CallRecord,
): Shown {
  const states = callees.map((p) => [p.userID, stateOf(p)] as const);
  let state: OutgoingCallState;
  if (record?.endReason === 'canceled') state = 'canceled';
  else if (states.length === 1) state = states[0]![1];
  else if (!ended) state = 'ringing';
  else state = states.every(([, s]) => s === states[0]![1]) ? states[0]![1] : 'ended';
  // While ringing, a 1:1 callee's own end ("declined") is the call's end, which comes next.
  if (ended && state === 'ringing') state = 'ended';
  return { callID, callees: callees.map((p) => p.userID), state, states, ended };
}
