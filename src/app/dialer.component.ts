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
import { DevServer } from './dev-server';

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

/** Places a call: one user (`call`) or several (`groupCall`, optionally into an IM group), audio or video. */
@Component({
  selector: 'app-dialer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form (submit)="place($event)" aria-labelledby="dialer-heading" novalidate>
      <h2 id="dialer-heading">Place a call</h2>
      <div class="field">
        <label for="callees">Call user ID(s)</label>
        <input
          #calleesInput
          id="callees"
          name="callees"
          data-testid="callees"
          spellcheck="false"
          autocomplete="off"
          [value]="callees()"
          [attr.aria-invalid]="problem() ? true : null"
          [attr.aria-describedby]="problem() ? 'callees-hint dialer-problem' : 'callees-hint'"
          (input)="callees.set(value($event))"
        />
        <p id="callees-hint" class="hint">One user ID, or several separated by commas for a group call.</p>
      </div>
      <div class="field">
        <label for="group-id">Group ID <span class="optional">(optional)</span></label>
        <input
          id="group-id"
          name="groupID"
          data-testid="group-id"
          spellcheck="false"
          autocomplete="off"
          aria-describedby="group-id-hint"
          [value]="groupID()"
          (input)="groupID.set(value($event))"
        />
        <p id="group-id-hint" class="hint">
          Sends one invitation to an IM group (created for you on the dev server).
        </p>
      </div>
      <fieldset class="call-type">
        <legend>Call type</legend>
        <label>
          <input
            type="radio"
            name="callType"
            value="2"
            data-testid="call-type-video"
            [checked]="callType() === 2"
            (change)="callType.set(2)"
          />
          Video
        </label>
        <label>
          <input
            type="radio"
            name="callType"
            value="1"
            data-testid="call-type-audio"
            [checked]="callType() === 1"
            (change)="callType.set(1)"
          />
          Audio
        </label>
      </fieldset>
      <button type="submit" data-testid="call" [disabled]="!idle() || busy()">
        {{ label() }}
      </button>
      @if (problem(); as text) {
        <p id="dialer-problem" class="problem" role="alert">{{ text }}</p>
      }
    </form>
  `,
})
export class DialerComponent {
  readonly #calling = inject(CallingService);
  readonly #dev = inject(DevServer);
  private readonly input = viewChild.required<ElementRef<HTMLInputElement>>('calleesInput');
  protected readonly callees = signal('');
  protected readonly groupID = signal('');
  protected readonly callType = signal<1 | 2>(2);
  protected readonly busy = signal(false);
  protected readonly problem = signal<string | null>(null);
  protected readonly idle = computed(() => this.#calling.phase() === 'idle');
  protected readonly label = computed(() => {
    const list = parseCallees(this.callees());
    const kind = this.callType() === 2 ? 'video' : 'audio';
    return list.length > 1 || this.groupID().trim() ? `Start ${kind} group call` : `Start ${kind} call`;
  });

  /** Moves focus to the callee field. */
  focus(): void {
    this.input().nativeElement.focus();
  }

  protected value(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected async place(event: Event): Promise<void> {
    event.preventDefault();
    if (!this.idle() || this.busy()) return;
    const userIDList = parseCallees(this.callees());
    const groupID = this.groupID().trim();
    const type = this.callType();
    const self = this.#calling.userID();
    const [callee] = userIDList;
    if (callee === undefined) {
      this.problem.set('Enter at least one user ID to call.');
      this.focus();
      return;
    }
    if (self && userIDList.includes(self)) {
      this.problem.set('You cannot call yourself.');
      this.focus();
      return;
    }
    this.problem.set(null);
    this.#calling.clearError();
    this.busy.set(true);
    try {
      if (groupID) {
        await this.#dev.ensureGroup(groupID, self ? [self, ...userIDList] : userIDList);
        await this.#calling.groupCall({ userIDList, type, groupID });
      } else if (userIDList.length > 1) {
        await this.#calling.groupCall({ userIDList, type });
      } else {
        await this.#calling.call({ userID: callee, type });
      }
    } catch (error) {
      // CallingService failures are shown from lastError; the rest (the group helper) here.
      if (!this.#calling.lastError()) {
        this.problem.set(`Could not call: ${error instanceof Error ? error.message : String(error)}`);
      }
    } finally {
      this.busy.set(false);
    }
  }
}
