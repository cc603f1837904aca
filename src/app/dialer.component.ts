import {
  ChangeDetectionStrategy,
  Component,
  computed,
  type ElementRef,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { CallingService } from 'ngx-trtc-calling';
import { CALL_UI_TEXTS, CallAvatar, callErrorText, CallIcon } from 'ngx-trtc-calling/ui';
import { isUserID, USER_ID_RULE } from 'ngx-trtc-calling/wire';
import { DevServer } from './dev-server';
import { PLAIN_ERRORS } from './format';

/** "bob, carol ,bob" → ["bob", "carol"]. */
export function parseCallees(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/** What is wrong with a callee's user ID, in plain words; `null` when it can be called. */
export function calleeProblem(userID: string, self: string | null): string | null {
  if (!userID) return 'Type the user ID of the person to call.';
  if (!isUserID(userID)) return `“${userID}” is not a user ID: use ${USER_ID_RULE}.`;
  if (userID === self) return 'That is you. Type someone else’s user ID.';
  return null;
}

/** How many people the recent list shows. */
const RECENT = 6;

/**
 * Starting a call: a user ID field checked as you type, the people of recent calls one tap away,
 * and a group call picker (people added one by one, optionally into an IM group).
 */
@Component({
  selector: 'app-dialer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CallAvatar, CallIcon],
  template: `
    <section class="card dialer" aria-labelledby="dialer-heading">
      <h2 id="dialer-heading">New call</h2>
      <form (submit)="callOne($event, 2)" novalidate>
        <div class="field">
          <label for="callee">User ID</label>
          <input
            #calleeInput
            id="callee"
            name="callee"
            data-testid="callee"
            spellcheck="false"
            autocomplete="off"
            placeholder="e.g. bob"
            [value]="callee()"
            [attr.aria-invalid]="calleeError() ? true : null"
            aria-describedby="callee-problem"
            (input)="callee.set(value($event)); touched.set(true)"
          />
          <p id="callee-problem" class="problem" data-testid="callee-problem" aria-live="polite">
            {{ calleeError() }}
          </p>
        </div>
        <div class="actions">
          <button type="submit" class="primary" data-testid="call-video" [disabled]="busy()">
            Video call
          </button>
          <button
            type="button"
            class="secondary"
            data-testid="call-audio"
            [disabled]="busy()"
            (click)="callOne($event, 1)"
          >
            Audio call
          </button>
        </div>
      </form>
      @if (callError(); as e) {
        <div class="error" role="alert" data-testid="error">
          <p>
            <strong>{{ e.message }}</strong> {{ e.hint }}
          </p>
          <button type="button" class="ghost small" data-testid="dismiss-error" (click)="dismiss()">
            Dismiss
          </button>
        </div>
      }

      @if (recent().length) {
        <h3 id="recent-heading">Recent</h3>
        <ul class="contacts" aria-labelledby="recent-heading" data-testid="recent">
          @for (userID of recent(); track userID) {
            <li class="contact" [attr.data-user]="userID">
              <ngx-call-avatar size="sm" [userID]="userID" [decorative]="true" />
              <span class="contact-name">{{ userID }}</span>
              <button
                type="button"
                class="icon-button"
                [attr.aria-label]="'Video call ' + userID"
                [disabled]="busy()"
                (click)="place([userID], 2, '')"
              >
                <ngx-call-icon name="camera" />
              </button>
              <button
                type="button"
                class="icon-button"
                [attr.aria-label]="'Audio call ' + userID"
                [disabled]="busy()"
                (click)="place([userID], 1, '')"
              >
                <ngx-call-icon name="phone" />
              </button>
            </li>
          }
        </ul>
      }

      <details class="group" data-testid="group-picker" [open]="groupOpen()" (toggle)="groupToggled($event)">
        <summary>Group call</summary>
        <form (submit)="addMember($event)" novalidate>
          <div class="field">
            <label for="group-member">Add a person</label>
            <div class="input-row">
              <input
                id="group-member"
                data-testid="group-member"
                spellcheck="false"
                autocomplete="off"
                [value]="member()"
                [attr.aria-invalid]="memberError() ? true : null"
                aria-describedby="group-member-problem"
                (input)="member.set(value($event))"
              />
              <button type="submit" class="secondary" data-testid="group-add">Add</button>
            </div>
            <p id="group-member-problem" class="problem" aria-live="polite">{{ memberError() }}</p>
          </div>
        </form>
        <ul class="chips" aria-label="People in the group call" data-testid="group-members">
          @for (userID of members(); track userID) {
            <li class="chip">
              {{ userID }}
              <button
                type="button"
                class="chip-remove"
                [attr.aria-label]="'Remove ' + userID"
                (click)="removeMember(userID)"
              >
                ×
              </button>
            </li>
          } @empty {
            <li class="empty">Nobody added yet.</li>
          }
        </ul>
        <div class="field">
          <label for="group-id">IM group ID <span class="optional">(optional)</span></label>
          <input
            id="group-id"
            data-testid="group-id"
            spellcheck="false"
            autocomplete="off"
            aria-describedby="group-id-hint"
            [value]="groupID()"
            (input)="groupID.set(value($event))"
          />
          <p id="group-id-hint" class="hint">
            Sends one invitation to the group (created for you on the dev server).
          </p>
        </div>
        <div class="actions">
          <button
            type="button"
            class="primary"
            data-testid="group-call-video"
            [disabled]="busy()"
            (click)="callGroup(2)"
          >
            Video group call
          </button>
          <button
            type="button"
            class="secondary"
            data-testid="group-call-audio"
            [disabled]="busy()"
            (click)="callGroup(1)"
          >
            Audio group call
          </button>
        </div>
        <p class="problem" data-testid="group-problem" aria-live="polite">{{ groupProblem() }}</p>
      </details>
    </section>
  `,
})
export class DialerComponent {
  readonly #calling = inject(CallingService);
  readonly #dev = inject(DevServer);
  readonly #texts = inject(CALL_UI_TEXTS);
  private readonly input = viewChild.required<ElementRef<HTMLInputElement>>('calleeInput');
  protected readonly callee = signal('');
  /** Problems show once the user typed or tried to call, not on an empty field at first sight. */
  protected readonly touched = signal(false);
  protected readonly member = signal('');
  protected readonly members = signal<readonly string[]>([]);
  protected readonly memberError = signal('');
  protected readonly groupID = signal('');
  protected readonly groupOpen = signal(false);
  protected readonly groupProblem = signal('');
  protected readonly busy = signal(false);
  protected readonly calleeError = computed(() => {
    if (!this.touched()) return '';
    const text = this.callee().trim();
    // While typing, an empty field is not an error yet.
    return text
      ? (calleeProblem(text, this.#calling.userID()) ?? '')
      : this.#emptyTried()
        ? 'Type the user ID of the person to call.'
        : '';
  });
  readonly #emptyTried = signal(false);
  /** The library's error of the last attempt, in plain words with a hint (outcomes are told elsewhere). */
  protected readonly callError = computed(() => {
    const error = this.#calling.lastError();
    return error && PLAIN_ERRORS[error.reason] === undefined ? callErrorText(this.#texts, error) : null;
  });
  /** The people of recent one-to-one calls, newest first. */
  protected readonly recent = computed(() => {
    const seen = new Set<string>();
    for (const record of [...this.#calling.records()].reverse()) {
      if (record.isGroup) continue;
      for (const p of record.participants) seen.add(p.userID);
    }
    return [...seen].slice(0, RECENT);
  });

  /** Moves focus to the user ID field. */
  focus(): void {
    this.input().nativeElement.focus();
  }

  protected value(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected dismiss(): void {
    this.#calling.clearError();
  }

  protected async callOne(event: Event, type: 1 | 2): Promise<void> {
    event.preventDefault();
    const userID = this.callee().trim();
    this.touched.set(true);
    this.#emptyTried.set(!userID);
    if (calleeProblem(userID, this.#calling.userID())) {
      this.focus();
      return;
    }
    await this.place([userID], type, '');
  }

  protected groupToggled(event: Event): void {
    this.groupOpen.set((event.target as HTMLDetailsElement).open);
  }

  protected addMember(event: Event): void {
    event.preventDefault();
    const list = parseCallees(this.member());
    for (const userID of list) {
      const problem = calleeProblem(userID, this.#calling.userID());
      if (problem) {
        this.memberError.set(problem);
        return;
      }
    }
    if (!list.length) {
      this.memberError.set('Type the user ID of a person to add.');
      return;
    }
    this.memberError.set('');
    this.members.update((now) => [...new Set([...now, ...list])]);
    this.member.set('');
  }

  protected removeMember(userID: string): void {
    this.members.update((now) => now.filter((id) => id !== userID));
  }

  protected async callGroup(type: 1 | 2): Promise<void> {
    const pending = parseCallees(this.member()).filter((id) => !calleeProblem(id, this.#calling.userID()));
    const userIDList = [...new Set([...this.members(), ...pending])];
    if (!userIDList.length) {
      this.groupProblem.set('Add at least one person to the group call.');
      return;
    }
    this.groupProblem.set('');
    const groupID = this.groupID().trim();
    const placed = await this.place(userIDList, type, groupID, true);
    if (placed) {
      // A group ID left in the field would silently turn the next call into a group call.
      this.groupID.set('');
      this.members.set([]);
      this.member.set('');
    }
  }

  /** Places the call; `true` when it went out. */
  async place(userIDList: readonly string[], type: 1 | 2, groupID: string, group = false): Promise<boolean> {
    if (this.busy() || this.#calling.phase() !== 'idle') return false;
    const self = this.#calling.userID();
    const [first] = userIDList;
    if (first === undefined) return false;
    this.#calling.clearError();
    this.busy.set(true);
    try {
      if (groupID) {
        await this.#dev.ensureGroup(groupID, self ? [self, ...userIDList] : [...userIDList]);
        await this.#calling.groupCall({ userIDList: [...userIDList], type, groupID });
      } else if (group || userIDList.length > 1) {
        await this.#calling.groupCall({ userIDList: [...userIDList], type });
      } else {
        await this.#calling.call({ userID: first, type });
      }
      return true;
    } catch (error) {
      // CallingService failures are shown from lastError; the rest (the group helper) here.
      if (!this.#calling.lastError()) {
        this.groupProblem.set(`Could not call: ${error instanceof Error ? error.message : String(error)}`);
      }
      return false;
    } finally {
      this.busy.set(false);
    }
  }
}
