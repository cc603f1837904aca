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
import { CallingIncomingCall, CallingService, type CallPhase } from 'ngx-trtc-calling';
import { CallHistoryComponent } from './call-history.component';
import { CallStageComponent } from './call-stage.component';
import { DeviceSettingsComponent } from './device-settings.component';
import { DialerComponent } from './dialer.component';
import { EventLogComponent } from './event-log.component';
import { describeOutcome, describePhase, PLAIN_ERRORS } from './format';
import { DEMO_CONFIG } from './runtime-config';
import { SessionPanelComponent } from './session-panel.component';

/** Phases with a call on screen (ringing shows the incoming-call panel instead). */
const ON_STAGE: readonly CallPhase[] = ['dialing', 'connecting', 'connected'];

/** The demo: log in, call, answer, talk, and watch the library's events and records. */
@Component({
  selector: 'app-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    CallingIncomingCall,
    CallHistoryComponent,
    CallStageComponent,
    DeviceSettingsComponent,
    DialerComponent,
    EventLogComponent,
    SessionPanelComponent,
  ],
  template: `
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="top">
      <h1>ngx-trtc-calling demo</h1>
      <app-session-panel />
    </header>
    <main id="main" tabindex="-1">
      <p class="status" role="status" data-testid="status" [attr.data-phase]="calling.phase()">
        {{ status() }}
      </p>
      @if (notice(); as text) {
        <p class="notice" role="alert" data-testid="notice">{{ text }}</p>
      }
      @if (plainError(); as text) {
        <p class="notice" role="status" data-testid="outcome-notice">{{ text }}</p>
      }
      @if (error(); as error) {
        <div class="error" role="alert" data-testid="error">
          <p>
            <strong>{{ error.reason }}</strong> ({{ error.code }}): {{ error.message }}
          </p>
          <button
            type="button"
            class="secondary small"
            data-testid="dismiss-error"
            (click)="calling.clearError()"
          >
            Dismiss
          </button>
        </div>
      }

      <div class="layout">
        <div class="primary">
          @if (calling.userID()) {
            @if (onStage()) {
              <app-call-stage />
            }
            <app-dialer />
            <app-device-settings />
          } @else {
            <p class="intro">
              Log in with any user ID, then open this page in a second window, log in as someone else, and
              call each other. Server: <code data-testid="server-url">{{ config.serverUrl }}</code>, ring
              timeout {{ config.ringTimeout }} s.
            </p>
          }
        </div>
        <div class="side">
          <app-event-log />
          <app-call-history />
        </div>
      </div>
    </main>
    <calling-incoming-call />
  `,
})
export class AppComponent {
  protected readonly calling = inject(CallingService);
  protected readonly config = inject(DEMO_CONFIG);
  readonly #document = inject(DOCUMENT);
  readonly #injector = inject(Injector);
  private readonly session = viewChild(SessionPanelComponent);
  private readonly stage = viewChild(CallStageComponent);
  private readonly dialer = viewChild(DialerComponent);
  protected readonly onStage = computed(() => ON_STAGE.includes(this.calling.phase()));
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
  /** A fault worth the error banner: anything that is not an outcome told in plain words. */
  protected readonly error = computed(() => {
    const error = this.calling.lastError();
    return error && PLAIN_ERRORS[error.reason] === undefined ? error : null;
  });

  constructor() {
    this.calling.kickedOut$.pipe(takeUntilDestroyed()).subscribe(({ reason }) => {
      this.notice.set(`You were logged out by the server (${reason}).`);
    });
    effect(() => {
      if (this.calling.userID()) untracked(() => this.notice.set(null));
    });
    this.#keepFocus();
    this.#hangUpOnUnload();
  }

  /**
   * Keeps the keyboard focus useful as the page changes under it:
   * - an invitation accepted from the incoming-call panel: to the call (the panel would hand the
   *   focus back to where it was before it opened);
   * - otherwise, when the element with the focus went away (the panel declined, the hang-up
   *   button or the login form gone): to the call, the dialer, or the login field.
   * Focus that sits anywhere else is left alone.
   */
  #keepFocus(): void {
    let previous: CallPhase = 'idle';
    effect(() => {
      const phase = this.calling.phase();
      const loggedIn = !!this.calling.userID();
      const stage = this.onStage();
      const accepted = previous === 'ringing' && stage;
      previous = phase;
      afterNextRender(
        () => {
          const active = this.#document.activeElement;
          const lost = !active || active === this.#document.body;
          if (!lost && !accepted) return;
          if (!loggedIn) this.session()?.focus();
          else if (stage) this.stage()?.focus();
          else this.dialer()?.focus();
        },
        { injector: this.#injector },
      );
    });
  }

  /** Reloading or closing the tab ends the call for the others at once (no wait for a timeout). */
  #hangUpOnUnload(): void {
    const window = this.#document.defaultView;
    if (!window) return;
    const listener = () => {
      const phase = this.calling.phase();
      if (phase === 'ringing') this.calling.reject().catch(() => undefined);
      else if (phase !== 'idle') this.calling.hangup().catch(() => undefined);
    };
    window.addEventListener('pagehide', listener);
    inject(DestroyRef).onDestroy(() => window.removeEventListener('pagehide', listener));
  }
}
