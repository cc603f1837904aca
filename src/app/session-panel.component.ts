import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { CallingService } from 'ngx-trtc-calling';
import { USER_ID_RULE, isUserID } from 'ngx-trtc-calling/wire';
import { DevServer } from './dev-server';

/** Remembers the last userID of this tab, so a reload can log in again with one key press. */
const LAST_USER_KEY = 'ngx-trtc-calling-demo.user';

/** Logs in as a user (UserSig from the dev server) and out again. */
@Component({
  selector: 'app-session-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (calling.userID(); as me) {
      <div class="row">
        <p class="who">
          Logged in as <strong data-testid="logged-in-as">{{ me }}</strong>
        </p>
        <button type="button" class="secondary" data-testid="logout" (click)="logout()">Log out</button>
      </div>
    } @else {
      <form class="row" (submit)="login($event)" aria-labelledby="login-heading" novalidate>
        <h2 id="login-heading" class="visually-hidden">Log in</h2>
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
          [attr.aria-describedby]="problem() ? 'login-problem' : 'user-id-hint'"
          (input)="userID.set(input($event))"
        />
        <button type="submit" data-testid="login" [disabled]="busy()">
          {{ busy() ? 'Logging in…' : 'Log in' }}
        </button>
        <p id="user-id-hint" class="hint">{{ rule }}; any name works on the dev server.</p>
        @if (problem(); as text) {
          <p id="login-problem" class="problem" role="alert" data-testid="login-problem">{{ text }}</p>
        }
      </form>
    }
  `,
})
export class SessionPanelComponent {
  protected readonly calling = inject(CallingService);
  readonly #dev = inject(DevServer);
  protected readonly userID = signal(readLastUser());
  protected readonly busy = signal(false);
  protected readonly problem = signal<string | null>(null);
  /** Tencent IM's userID rule in words (the same rule the server applies). */
  protected readonly rule = USER_ID_RULE.charAt(0).toUpperCase() + USER_ID_RULE.slice(1);
  private readonly field = viewChild<ElementRef<HTMLInputElement>>('userIDInput');

  /** Moves focus to the user ID field (while logged out). */
  focus(): void {
    this.field()?.nativeElement.focus();
  }

  protected input(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected async login(event: Event): Promise<void> {
    event.preventDefault();
    if (this.busy()) return;
    const userID = this.userID().trim();
    if (!isUserID(userID)) {
      this.problem.set(`Enter a user ID of ${USER_ID_RULE}.`);
      return;
    }
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
      this.problem.set(`Login failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.busy.set(false);
    }
  }

  protected logout(): void {
    this.calling.logout().catch(() => undefined);
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
