import { CdkTrapFocus, LiveAnnouncer } from '@angular/cdk/a11y';
import { createGlobalPositionStrategy, createOverlayRef, type OverlayRef } from '@angular/cdk/overlay';
import { TemplatePortal } from '@angular/cdk/portal';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  effect,
  inject,
  Injector,
  type TemplateRef,
  untracked,
  viewChild,
  ViewContainerRef,
} from '@angular/core';
import type { InvitedPayload } from 'ngx-trtc-calling/core';
import { CallingService } from './calling-service';

let nextID = 0;

/** "video call from alice", "audio group call from alice". */
function describe(invitation: InvitedPayload): string {
  const kind = invitation.inviteData.callType === 2 ? 'video' : 'audio';
  const group = invitation.isFromGroup || invitation.userIDList.length > 1 ? ' group' : '';
  return `${kind}${group} call from ${invitation.sponsor}`;
}

/**
 * The incoming-call panel: while an invitation rings for us, shows who calls (audio or video,
 * group or not) in a CDK overlay, traps focus in it, announces it to screen readers, and
 * offers Accept and Decline (Escape). The focus lands on the title, never on Accept, and Enter on
 * the panel does nothing: an Enter typed for another field as the call arrives must not answer
 * it (with the camera on). It closes by itself when the invitation ends:
 * answered here or on another device, cancelled, or timed out.
 *
 * ```html
 * <calling-incoming-call />
 * ```
 *
 * Optional: an app may build its own panel on `CallingService.incoming()`, or use the UI kit's
 * `<ngx-call-incoming>` (`ngx-trtc-calling/ui`: caller avatar, countdown, ringtone, backdrop).
 */
@Component({
  selector: 'calling-incoming-call',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CdkTrapFocus],
  template: `
    <ng-template #panel>
      @if (incoming(); as invitation) {
        <div
          class="calling-incoming-call"
          role="alertdialog"
          aria-modal="true"
          tabindex="-1"
          [attr.aria-labelledby]="id + '-title'"
          [attr.aria-describedby]="id + '-hint'"
          cdkTrapFocus
          [cdkTrapFocusAutoCapture]="true"
          (keydown)="keydown($event)"
        >
          <p class="calling-incoming-call-title" [id]="id + '-title'" tabindex="-1" cdkFocusInitial>
            Incoming {{ describe(invitation) }}
          </p>
          @if (invitation.userIDList.length > 1) {
            <p class="calling-incoming-call-invitees">With {{ invitation.userIDList.join(', ') }}</p>
          }
          <p class="calling-incoming-call-hint" [id]="id + '-hint'">
            Tab to Accept or Decline, Escape to decline.
          </p>
          <div class="calling-incoming-call-actions">
            <button
              type="button"
              class="calling-incoming-call-accept"
              [attr.aria-label]="'Accept ' + describe(invitation)"
              (click)="accept()"
            >
              Accept
            </button>
            <button
              type="button"
              class="calling-incoming-call-reject"
              [attr.aria-label]="'Decline ' + describe(invitation)"
              (click)="reject()"
            >
              Decline
            </button>
          </div>
        </div>
      }
    </ng-template>
  `,
  styles: `
    .calling-incoming-call {
      min-width: 16rem;
      padding: 1rem;
      border-radius: 0.5rem;
      background: #fff;
      color: #111;
      box-shadow: 0 0.25rem 1rem rgb(0 0 0 / 30%);
      font: inherit;
    }
    .calling-incoming-call-actions {
      display: flex;
      gap: 0.5rem;
      justify-content: flex-end;
    }
  `,
})
export class CallingIncomingCall {
  readonly #service = inject(CallingService);
  readonly #injector = inject(Injector);
  readonly #viewContainer = inject(ViewContainerRef);
  private readonly panel = viewChild.required<TemplateRef<unknown>>('panel');
  #overlay: OverlayRef | null = null;

  /** The ringing invitation, or `null`. */
  protected readonly incoming = this.#service.incoming;
  protected readonly id = `calling-incoming-call-${nextID++}`;
  protected readonly describe = describe;

  constructor() {
    effect(() => {
      const invitation = this.incoming();
      untracked(() => (invitation ? this.#open(invitation) : this.#close()));
    });
    inject(DestroyRef).onDestroy(() => this.#close());
  }

  protected accept(): void {
    // A failure is in service.lastError; the panel closes or stays with the state.
    this.#service.accept().catch(() => undefined);
  }

  protected reject(): void {
    this.#service.reject().catch(() => undefined);
  }

  protected keydown(event: KeyboardEvent): void {
    // Escape only: answering takes Accept itself (a click, or Enter/Space once it is focused).
    if (event.key === 'Escape') {
      event.preventDefault();
      this.reject();
    }
  }

  #open(invitation: InvitedPayload): void {
    if (!this.#overlay) {
      const injector = this.#injector;
      this.#overlay = createOverlayRef(injector, {
        positionStrategy: createGlobalPositionStrategy(injector).centerHorizontally().top('1rem'),
        panelClass: 'calling-incoming-call-pane',
      });
      this.#overlay.attach(new TemplatePortal(this.panel(), this.#viewContainer));
    }
    // Looked up here, not injected: LiveAnnouncer adds its live region to the document as it is
    // constructed, which a page that never rings (or a server render) should not get.
    void this.#injector.get(LiveAnnouncer).announce(`Incoming ${describe(invitation)}`, 'assertive');
  }

  #close(): void {
    this.#overlay?.dispose();
    this.#overlay = null;
  }
}
