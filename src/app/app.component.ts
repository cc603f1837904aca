import { DOCUMENT } from '@angular/common';
import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  Injector,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { CallingService, type CallPhase } from 'ngx-trtc-calling';
import {
  CallAvatar,
  CallDeviceCheck,
  CallIncoming,
  CallOutgoing,
  CallScreen,
  CALL_UI_TEXTS,
  callErrorText,
} from 'ngx-trtc-calling/ui';
import { CallHistoryComponent } from './call-history.component';
import { DeviceSettingsComponent } from './device-settings.component';
import { DialerComponent } from './dialer.component';
import { EventLogComponent } from './event-log.component';
import { describeOutcome, describePhase, PLAIN_ERRORS } from './format';
import { LoginComponent } from './login.component';
import { DEMO_CONFIG } from './runtime-config';

/** Phases with the call screen up (dialing shows the outgoing screen, ringing the incoming one). */
const IN_CALL: readonly CallPhase[] = ['connecting', 'connected'];

/** The demo: a calling app on the UI kit — sign in, call someone, answer, talk, look back. */
@Component({
  selector: 'app-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    CallAvatar,
    CallDeviceCheck,
    CallHistoryComponent,
    CallIncoming,
    CallOutgoing,
    CallScreen,
    DeviceSettingsComponent,
    DialerComponent,
    EventLogComponent,
    LoginComponent,
  ],
  host: { '[class.in-call]': 'inCall()' },
  template: `
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="top">
      <p class="brand">
        <svg class="brand-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path
            d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25c1.1.37 2.3.57 3.6.57a1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1l-2.2 2.23Z"
          />
        </svg>
        Calls
      </p>
      @if (calling.userID(); as me) {
        <div class="me">
          <ngx-call-avatar size="sm" [userID]="me" [decorative]="true" />
          <span class="me-name"
            ><span class="visually-hidden">Signed in as </span
            ><strong data-testid="logged-in-as">{{ me }}</strong></span
          >
          <button type="button" class="ghost" data-testid="logout" (click)="logout()">Log out</button>
        </div>
      }
    </header>
    <p class="status" role="status" data-testid="status" [attr.data-phase]="calling.phase()">
      {{ status() }}
    </p>
    @if (notice(); as text) {
      <p class="notice" role="alert" data-testid="notice">{{ text }}</p>
    }
    @if (plainError(); as text) {
      <p class="notice" role="status" data-testid="outcome-notice">{{ text }}</p>
    }
    <main id="main" tabindex="-1">
      @if (!calling.userID()) {
        <app-login />
      } @else if (inCall()) {
        <div class="call-area" data-testid="call-area">
          @if (error(); as e) {
            <div class="error" role="alert" data-testid="error">
              <p>
                <strong>{{ e.message }}</strong> {{ e.hint }}
              </p>
              <button type="button" class="ghost small" (click)="calling.clearError()">Dismiss</button>
            </div>
          }
          <ngx-call-screen data-testid="call-screen" />
        </div>
      } @else {
        <div class="home">
          <div class="primary">
            <ngx-call-outgoing data-testid="outgoing" (closed)="dialer()?.focus()" />
            @if (calling.phase() !== 'dialing') {
              <app-dialer />
            }
          </div>
          <div class="side">
            @if (checking()) {
              <div class="card device-check">
                <ngx-call-device-check data-testid="device-check" (done)="checking.set(false)" />
              </div>
            } @else {
              <button
                type="button"
                class="secondary"
                data-testid="device-check-open"
                (click)="checking.set(true)"
              >
                Check camera and microphone
              </button>
            }
            <app-call-history />
            <app-device-settings />
          </div>
        </div>
      }
    </main>
    <footer class="foot">
      <button
        type="button"
        class="ghost small"
        data-testid="toggle-log"
        aria-controls="developer-log"
        [attr.aria-expanded]="logOpen()"
        (click)="logOpen.set(!logOpen())"
      >
        {{ logOpen() ? 'Hide developer log' : 'Developer log' }}
      </button>
    </footer>
    <aside id="developer-log" class="developer-log" aria-label="Developer log" [hidden]="!logOpen()">
      <p class="intro">
        Server <code data-testid="server-url">{{ config.serverUrl }}</code>, ring timeout
        {{ config.ringTimeout }} s.
      </p>
      <app-event-log />
    </aside>
    <ngx-call-incoming>
      @if (checkingIncoming()) {
        <ngx-call-device-check
          class="incoming-check"
          data-testid="incoming-device-check"
          [video]="calling.incoming()?.inviteData?.callType === 2"
          (done)="checkingIncoming.set(false)"
        />
      } @else {
        <button
          type="button"
          class="incoming-check-open"
          data-testid="incoming-device-check-open"
          (click)="checkingIncoming.set(true)"
        >
          Check camera and microphone first
        </button>
      }
    </ngx-call-incoming>
  `,
})
export class AppComponent {
  protected readonly calling = inject(CallingService);
  protected readonly config = inject(DEMO_CONFIG);
  readonly #texts = inject(CALL_UI_TEXTS);
  readonly #document = inject(DOCUMENT);
  readonly #injector = inject(Injector);
  private readonly login = viewChild(LoginComponent);
  protected readonly dialer = viewChild(DialerComponent);
  protected readonly inCall = computed(() => IN_CALL.includes(this.calling.phase()));
  protected readonly logOpen = signal(false);
  /** The device check is open (before dialing; it releases the devices when closed). */
  protected readonly checking = signal(false);
  /** The device check inside the incoming-call dialog, before answering; closed when it stops ringing. */
  protected readonly checkingIncoming = signal(false);
  protected readonly notice = signal<string | null>(null);
  protected readonly status = computed(() => {
    const me = this.calling.userID();
    if (!me) return 'Not logged in.';
    const phase = this.calling.phase();
    const now = describePhase(phase, this.calling.currentCall());
    const last = this.calling.records().at(-1);
    return phase === 'idle' && last ? `${describeOutcome(last)} ${now}` : now;
  });
  /** An error that is an outcome (no camera, a call too large), in plain words instead of a banner. */
  protected readonly plainError = computed(() => {
    const error = this.calling.lastError();
    return (error && PLAIN_ERRORS[error.reason]) ?? null;
  });
  /** A fault during the call, in plain words with a hint (the dialer shows its own). */
  protected readonly error = computed(() => {
    const error = this.calling.lastError();
    return error && PLAIN_ERRORS[error.reason] === undefined ? callErrorText(this.#texts, error) : null;
  });

  constructor() {
    this.calling.kickedOut$.pipe(takeUntilDestroyed()).subscribe(() => {
      this.notice.set('You were signed out because this user signed in somewhere else.');
    });
    effect(() => {
      if (this.calling.userID()) untracked(() => this.notice.set(null));
    });
    effect(() => {
      if (!this.calling.incoming()) untracked(() => this.checkingIncoming.set(false));
    });
    this.#keepFocus();
    this.#endOnUnload();
  }

  protected logout(): void {
    this.calling.logout().catch(() => undefined);
  }

  /**
   * Keeps the keyboard focus useful as the page changes under it: when the element with the
   * focus went away (the call ended, the login form gone, a call answered), to the call's
   * controls, the dialer, or the login field. Focus that sits anywhere else is left alone.
   */
  #keepFocus(): void {
    effect(() => {
      const loggedIn = !!this.calling.userID();
      const inCall = this.inCall();
      this.calling.phase();
      afterNextRender(
        () => {
          const active = this.#document.activeElement;
          const lost = !active || active === this.#document.body;
          if (!lost) return;
          if (!loggedIn) this.login()?.focus();
          else if (inCall) this.#document.querySelector<HTMLElement>('ngx-call-controls button')?.focus();
          else this.dialer()?.focus();
        },
        { injector: this.#injector },
      );
    });
  }

  /**
   * Leaving the page declines a ringing call and cancels one being dialed or set up, at once (no
   * wait for a timeout). A connected call is left alone: a reload signs in again and core rejoins
   * it; a closed tab ends it for the others once the server's grace is over.
   */
  #endOnUnload(): void {
    const window = this.#document.defaultView;
    if (!window) return;
    const listener = () => {
      const phase = this.calling.phase();
      if (phase === 'ringing') this.calling.reject().catch(() => undefined);
      else if (phase === 'dialing' || phase === 'connecting') this.calling.hangup().catch(() => undefined);
    };
    window.addEventListener('pagehide', listener);
    inject(DestroyRef).onDestroy(() => window.removeEventListener('pagehide', listener));
  }
}
