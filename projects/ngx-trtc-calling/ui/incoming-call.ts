import { FocusTrapFactory, type FocusTrap, LiveAnnouncer } from '@angular/cdk/a11y';
import { createGlobalPositionStrategy, createOverlayRef, type OverlayRef } from '@angular/cdk/overlay';
import { TemplatePortal } from '@angular/cdk/portal';
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
  type TemplateRef,
  untracked,
  viewChild,
  ViewContainerRef,
} from '@angular/core';
import { CALLING_CONFIG, CallingService, type InvitedPayload } from 'ngx-trtc-calling';
import { CallAvatar } from './avatar';
import { CallAttention } from './call-attention';
import { CallIcon } from './icons';
import { CALL_RINGTONE, RingtonePlayback } from './ringtone';
import { CALL_UI_TEXTS } from './texts';
import { CALL_THEME } from './theme';
import { injectCallUserInfo } from './user-info';

/** Shortcut keys count only after the panel has been up this long (keys typed for elsewhere land first). */
export const INCOMING_SHORTCUT_DELAY_MS = 1000;

let nextID = 0;

/**
 * Carries the kit's theme (the `--_call-*` properties, which inherit) into the overlay, where the
 * dialog is outside `<ngx-call-incoming>`'s host.
 */
@Component({
  selector: 'ngx-call-incoming-theme',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: '<ng-content />',
  styles: [CALL_THEME, ':host { display: contents; }'],
})
class CallIncomingTheme {}

/**
 * The incoming-call screen: while a call rings for this user, a dialog over a backdrop that makes
 * the page behind inert (no click or key reaches it), with the caller's avatar and name, the call
 * type, a countdown to the ring timeout, Accept, Accept with audio only, and Decline. It rings
 * (`CALL_RINGTONE`) and, in a hidden tab, shows a notification and changes the tab title
 * (`requestNotificationPermission()` asks for the permission). On narrow screens it is a full-screen
 * sheet.
 *
 * Content inside the element shows in the dialog above the buttons (e.g. a device check before
 * answering).
 *
 * Answering takes a deliberate action: the focus lands on the dialog itself, never on Accept, so
 * an Enter typed for another field as the call arrives does nothing; the shortcuts (A accept,
 * D or Escape decline) work only while the dialog has the focus and only after it has been up for
 * a second.
 *
 * ```html
 * <ngx-call-incoming />
 * ```
 */
@Component({
  selector: 'ngx-call-incoming',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CallAvatar, CallIcon, CallIncomingTheme],
  template: `
    <ng-template #panel>
      <ngx-call-incoming-theme>
        @if (invitation(); as invite) {
          <div
            #dialog
            class="ngx-call-incoming"
            role="alertdialog"
            aria-modal="true"
            tabindex="-1"
            data-testid="incoming-call"
            [attr.data-call-type]="invite.inviteData.callType === 2 ? 'video' : 'audio'"
            [attr.aria-labelledby]="id + '-title'"
            [attr.aria-describedby]="id + '-hint'"
            (keydown)="keydown($event)"
          >
            <ngx-call-avatar size="lg" [userID]="invite.sponsor" [decorative]="true" />
            <h2 class="ngx-call-incoming-title" [id]="id + '-title'">{{ title() }}</h2>
            @if (others().length) {
              <p class="ngx-call-incoming-others">{{ others().join(', ') }}</p>
            }
            <p
              class="ngx-call-incoming-countdown"
              role="timer"
              aria-live="off"
              data-testid="incoming-countdown"
            >
              {{ texts.ringsFor(remaining()) }}
            </p>
            <p class="ngx-call-incoming-hint" [id]="id + '-hint'">{{ texts.shortcutsHint }}</p>
            <!-- The app's own content, e.g. a device check before answering. -->
            <ng-content />
            <div class="ngx-call-incoming-actions">
              <button
                type="button"
                class="ngx-call-decline"
                data-testid="incoming-decline"
                (click)="decline()"
              >
                <ngx-call-icon name="hangUp" />
                {{ texts.decline }}
              </button>
              @if (invite.inviteData.callType === 2) {
                <button
                  type="button"
                  class="ngx-call-accept-audio"
                  data-testid="incoming-accept-audio"
                  (click)="accept(true)"
                >
                  {{ texts.acceptAsAudio }}
                </button>
              }
              <button
                type="button"
                class="ngx-call-accept"
                data-testid="incoming-accept"
                (click)="accept(false)"
              >
                <ngx-call-icon name="phone" />
                {{ texts.accept }}
              </button>
            </div>
            @if (audioSource(); as src) {
              <audio #ringtone class="ngx-call-ringtone" data-testid="ringtone" loop [src]="src"></audio>
            }
          </div>
        }
      </ngx-call-incoming-theme>
    </ng-template>
  `,
  styles: [
    `
      .ngx-call-incoming button {
        font: inherit;
        font-weight: 600;
      }
      .ngx-call-incoming button:focus-visible {
        outline: 3px solid var(--_call-focus);
        outline-offset: 2px;
      }
      .ngx-call-incoming {
        box-sizing: border-box;
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: var(--_call-gap);
        inline-size: min(26rem, calc(100vw - 2rem));
        padding: 1.5rem;
        border-radius: var(--_call-radius);
        background: var(--_call-surface);
        color: var(--_call-text);
        text-align: center;
        box-shadow: 0 0.5rem 2rem rgb(0 0 0 / 45%);
      }
      .ngx-call-incoming:focus-visible {
        outline: 3px solid var(--_call-focus);
        outline-offset: 2px;
      }
      .ngx-call-incoming-title {
        margin: 0.5rem 0 0;
        font-size: 1.25rem;
      }
      .ngx-call-incoming p {
        margin: 0;
      }
      .ngx-call-incoming-countdown,
      .ngx-call-incoming-hint,
      .ngx-call-incoming-others {
        color: var(--_call-text-muted);
        font-size: 0.9rem;
      }
      .ngx-call-incoming-actions {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 0.75rem;
        inline-size: 100%;
        margin-block-start: 1rem;
      }
      .ngx-call-accept-audio {
        grid-column: 1 / -1;
        grid-row: 2;
      }
      .ngx-call-incoming-actions button {
        display: inline-flex;
        align-items: center;
        justify-content: center;
        gap: 0.4rem;
        min-block-size: 2.75rem;
        padding: 0.5rem 1rem;
        border: 0;
        border-radius: 999px;
        cursor: pointer;
      }
      .ngx-call-incoming-actions {
        --ngx-call-icon-size: 1.25rem;
      }
      .ngx-call-accept {
        background: var(--_call-success-bg);
        color: var(--_call-success-text);
      }
      .ngx-call-accept-audio {
        background: var(--_call-control-bg);
        color: var(--_call-control-text);
      }
      .ngx-call-decline {
        background: var(--_call-danger-bg);
        color: var(--_call-danger-text);
      }
      /* Phones: a full-screen sheet, buttons at thumb height, nothing half-covered behind it. */
      @media (max-width: 599px) {
        .ngx-call-incoming {
          inline-size: 100vw;
          block-size: 100dvh;
          justify-content: center;
          border-radius: 0;
        }
        .ngx-call-incoming-actions {
          margin-block-start: auto;
        }
      }
    `,
  ],
})
export class CallIncoming {
  readonly #service = inject(CallingService);
  readonly #injector = inject(Injector);
  readonly #document = inject(DOCUMENT);
  readonly #viewContainer = inject(ViewContainerRef);
  readonly #attention = inject(CallAttention);
  readonly #ringtone = inject(CALL_RINGTONE);
  readonly #ringSeconds = inject(CALLING_CONFIG, { optional: true })?.ringTimeout ?? 30;
  private readonly panel = viewChild.required<TemplateRef<unknown>>('panel');
  protected readonly texts = inject(CALL_UI_TEXTS);
  protected readonly id = `ngx-call-incoming-${nextID++}`;

  /** The ringing invitation, or `null`. */
  protected readonly invitation = this.#service.incoming;
  readonly #sponsor = computed(() => this.invitation()?.sponsor ?? '');
  protected readonly caller = injectCallUserInfo(() => this.#sponsor());
  protected readonly title = computed(() => {
    const invite = this.invitation();
    if (!invite) return '';
    const name = this.caller().displayName || invite.sponsor;
    const type = invite.inviteData.callType === 2 ? this.texts.videoCall : this.texts.audioCall;
    const others = this.others().length;
    return others || invite.isFromGroup
      ? this.texts.incomingGroupCall(name, type, others)
      : this.texts.incomingCall(name, type);
  });
  /** The other invitees of a group call (not the caller, not this user). */
  protected readonly others = computed(() => {
    const invite = this.invitation();
    const self = this.#service.userID();
    return invite ? invite.userIDList.filter((id) => id !== self && id !== invite.sponsor) : [];
  });
  protected readonly remaining = signal(this.#ringSeconds);
  protected readonly audioSource = signal<string | null>(null);

  #overlay: OverlayRef | null = null;
  #trap: FocusTrap | null = null;
  #returnFocus: HTMLElement | null = null;
  #playback: RingtonePlayback | null = null;
  #made: Element[] = [];
  #openedAt = 0;
  #tick: ReturnType<typeof setInterval> | null = null;

  constructor() {
    effect(() => {
      const invitation = this.invitation();
      untracked(() => (invitation ? this.#open(invitation) : this.#close()));
    });
    effect(() => {
      // The title follows the caller's display name once the resolver answers.
      const title = this.title();
      const invitation = this.invitation();
      if (invitation) untracked(() => this.#ringAttention(invitation, title));
    });
    inject(DestroyRef).onDestroy(() => this.#close());
  }

  protected accept(audioOnly: boolean): void {
    const video = this.invitation()?.inviteData.callType === 2;
    // The camera goes off before answering, so it is never opened (not opened, then closed).
    // A failure is in the service's lastError; the panel closes with the invitation.
    const cameraOff = audioOnly && video ? this.#service.closeCamera() : Promise.resolve();
    cameraOff.then(() => this.#service.accept()).catch(() => undefined);
  }

  protected decline(): void {
    this.#service.reject().catch(() => undefined);
  }

  protected keydown(event: KeyboardEvent): void {
    if (event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target instanceof HTMLButtonElement && (event.key === 'Enter' || event.key === ' ')) return;
    const armed = Date.now() - this.#openedAt >= INCOMING_SHORTCUT_DELAY_MS;
    const key = event.key.toLowerCase();
    if (!armed || !['a', 'd', 'escape'].includes(key)) return;
    event.preventDefault();
    if (key === 'a') this.accept(false);
    else this.decline();
  }

  #open(invitation: InvitedPayload): void {
    if (this.#overlay) return;
    const injector = this.#injector;
    this.#openedAt = Date.now();
    this.#returnFocus = this.#document.activeElement as HTMLElement | null;
    this.remaining.set(this.#ringSeconds);
    this.#tick = setInterval(() => {
      const left = this.#ringSeconds - Math.floor((Date.now() - this.#openedAt) / 1000);
      this.remaining.set(Math.max(0, left));
    }, 1000);
    this.audioSource.set(RingtonePlayback.urlOf(this.#ringtone));
    this.#overlay = createOverlayRef(injector, {
      hasBackdrop: true,
      backdropClass: ['cdk-overlay-dark-backdrop', 'ngx-call-incoming-backdrop'],
      panelClass: 'ngx-call-incoming-pane',
      positionStrategy: createGlobalPositionStrategy(injector).centerHorizontally().centerVertically(),
    });
    this.#overlay.attach(new TemplatePortal(this.panel(), this.#viewContainer));
    this.#makePageInert();
    afterNextRender(
      () => {
        const pane = this.#overlay?.overlayElement;
        const dialog = pane?.querySelector<HTMLElement>('.ngx-call-incoming');
        if (!pane || !dialog) return;
        this.#trap = this.#injector.get(FocusTrapFactory).create(pane);
        dialog.focus();
        this.#playback = new RingtonePlayback(
          this.#ringtone,
          pane.querySelector('audio') ?? undefined,
          this.#document,
        );
        this.#playback.start();
      },
      { injector },
    );
    // Looked up here, not injected: LiveAnnouncer adds its live region to the document as it is
    // constructed, which a page that never rings (or a server render) should not get.
    void injector.get(LiveAnnouncer).announce(this.title() || invitation.sponsor, 'assertive');
  }

  #ringAttention(invitation: InvitedPayload, title: string): void {
    const name = this.caller().displayName || invitation.sponsor;
    const type = invitation.inviteData.callType === 2 ? this.texts.videoCall : this.texts.audioCall;
    this.#attention.ring({
      tabTitle: this.texts.ringingTitle(name),
      notificationTitle: this.texts.notificationTitle(name, type) || title,
      notificationBody: this.texts.notificationBody,
      tag: `ngx-call-${invitation.inviteID}`,
    });
  }

  /**
   * Makes everything beside the overlay inert: the backdrop stops the pointer, `inert` the keyboard
   * and assistive technology (a live region stays, so announcements are still read).
   */
  #makePageInert(): void {
    const container = this.#overlay?.hostElement.parentElement;
    const body = this.#document.body;
    for (const child of Array.from(body.children)) {
      if (child === container || child.hasAttribute('inert')) continue;
      if (child.hasAttribute('aria-live') || child.classList.contains('cdk-live-announcer-element')) continue;
      if (child.tagName === 'SCRIPT' || child.tagName === 'STYLE') continue;
      child.setAttribute('inert', '');
      this.#made.push(child);
    }
  }

  #close(): void {
    if (this.#tick) clearInterval(this.#tick);
    this.#tick = null;
    this.#playback?.stop();
    this.#playback = null;
    this.#attention.stop();
    for (const element of this.#made) element.removeAttribute('inert');
    this.#made = [];
    this.#trap?.destroy();
    this.#trap = null;
    this.#overlay?.dispose();
    this.#overlay = null;
    const back = this.#returnFocus;
    this.#returnFocus = null;
    // Back where the user was, unless the page moved on (the call screen takes the focus itself).
    if (back?.isConnected && this.#document.activeElement === this.#document.body) back.focus();
  }
}
