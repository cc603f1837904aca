import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { CallingService } from 'ngx-trtc-calling';
import { sessionCallStore } from 'ngx-trtc-calling/core';
import { requestNotificationPermission } from 'ngx-trtc-calling/ui';
import { USER_ID_RULE, isUserID } from 'ngx-trtc-calling/wire';
import { DevServer } from './dev-server';

/**
 * Remembers the last userID of this tab: a reload signs in again by itself when the tab was in a
 * call (core rejoins it), else with one key press.
 */
const LAST_USER_KEY = 'ngx-trtc-calling-demo.user';

/** The sign-in screen: a user ID (UserSig from the dev server). */
@Component({
  selector: 'app-login',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card login" aria-labelledby="login-heading">
      <h1 id="login-heading">Sign in to make calls</h1>
      <p class="lead">
        Pick any user ID. Open this page in a second window as someone else, and call each other.
      </p>
      <form (submit)="submit($event)" novalidate>
        <div class="field">
          <label for="user-id">Your user ID</label>
          <input
            #userIDInput
            id="user-id"
            name="userID"
            data-testid="user-id"
            autocomplete="username"
            spellcheck="false"
            required
            [value]="userID()"
            [attr.aria-invalid]="problem() ? true : null"
            [attr.aria-describedby]="problem() ? 'user-id-hint login-problem' : 'user-id-hint'"
            (input)="userID.set(input($event))"
          />
          <p id="user-id-hint" class="hint">{{ rule }}.</p>
          @if (problem(); as text) {
            <p id="login-problem" class="problem" data-testid="login-problem">{{ text }}</p>
          }
        </div>
        <button type="submit" class="primary wide" data-testid="login" [disabled]="busy()">
          {{ busy() ? 'Logging in…' : 'Log in' }}
        </button>
      </form>
    </section>
  `,
})
export class LoginComponent {
  protected readonly calling = inject(CallingService);
  readonly #dev = inject(DevServer);
  protected readonly userID = signal(readLastUser());
  protected readonly busy = signal(false);
  protected readonly problem = signal<string | null>(null);

  constructor() {
    // A reload during a call: sign in again at once, so that core's rejoin brings the call back
    // within its grace (the call is kept per user in this tab's sessionStorage).
    const remembered = this.userID();
    if (remembered && isUserID(remembered) && sessionCallStore()?.load(remembered))
      void this.#signIn(remembered);
  }
  /** Tencent IM's userID rule in words (the same rule the server applies). */
  protected readonly rule = USER_ID_RULE.charAt(0).toUpperCase() + USER_ID_RULE.slice(1);
  private readonly field = viewChild<ElementRef<HTMLInputElement>>('userIDInput');

  /** Moves focus to the user ID field. */
  focus(): void {
    this.field()?.nativeElement.focus();
  }

  protected input(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected async submit(event: Event): Promise<void> {
    event.preventDefault();
    if (this.busy()) return;
    const userID = this.userID().trim();
    if (!userID) {
      this.problem.set('Type a user ID to sign in with.');
      this.focus();
      return;
    }
    if (!isUserID(userID)) {
      this.problem.set(`That user ID does not work: use ${USER_ID_RULE}.`);
      this.focus();
      return;
    }
    // Asked here, on the user's click, so that a call ringing in a hidden tab can notify them.
    void requestNotificationPermission().catch(() => undefined);
    await this.#signIn(userID);
  }

  async #signIn(userID: string): Promise<void> {
    this.problem.set(null);
    this.busy.set(true);
    try {
      const userSig = await this.#dev.userSig(userID);
      await this.calling.login({ userID, userSig });
      this.calling.clearError();
      writeLastUser(userID);
    } catch (error) {
      // Shown here, next to the form, rather than twice (CallingService's lastError too).
      this.calling.clearError();
      this.problem.set(
        `Could not sign in: ${error instanceof Error ? error.message : String(error)}. Check that the server is running.`,
      );
    } finally {
      this.busy.set(false);
    }
  }
}

function readLastUser(): string {
  try {
    return sessionStorage.getItem(LAST_USER_KEY) ?? '';
  } catch {
    return '';
  }
}

function writeLastUser(userID: string): void {
  try {
    sessionStorage.setItem(LAST_USER_KEY, userID);
  } catch {
    // Storage may be disabled; remembering the name is a convenience only.
  }
}
