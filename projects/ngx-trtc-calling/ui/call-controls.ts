import { BreakpointObserver } from '@angular/cdk/layout';
import { DOCUMENT } from '@angular/common';
import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  ElementRef,
  inject,
  input,
  signal,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { map } from 'rxjs';
import { CallingService } from 'ngx-trtc-calling';
import { CallDevicePicker } from './device-picker';
import { CallIcon } from './icons';
import { CALL_UI_TEXTS } from './texts';
import { CALL_THEME } from './theme';

/** The viewport width up to which the controls stack in rows (as `CALL_PHONE_BREAKPOINT`). */
const PHONE = '(max-width: 480px)';

/**
 * The buttons of a call: microphone, camera, audio↔video switch (1:1), screen share, device
 * pickers, full screen and picture-in-picture (only where the browser supports them), hang up.
 * Real `<button>`s whose accessible names say what a press does and flip with it
 * ("Mute microphone" → "Unmute microphone"), toggles with `aria-pressed`. Part of
 * `<ngx-call-screen>`; usable alone under any layout.
 *
 * ```html
 * <ngx-call-controls [fullscreenTarget]="stage" />
 * ```
 */
@Component({
  selector: 'ngx-call-controls',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CallDevicePicker, CallIcon],
  host: { '[class.ngx-call-phone]': 'phone()' },
  template: `
    @if (call(); as call) {
      <div class="ngx-call-controls" role="group" [attr.aria-label]="texts.controls">
        <span class="ngx-call-control-pair">
          <button
            type="button"
            class="ngx-call-control ngx-call-mic"
            [attr.aria-label]="muted() ? texts.unmute : texts.mute"
            [attr.aria-pressed]="muted()"
            (click)="toggleMic()"
          >
            <ngx-call-icon [name]="muted() ? 'micOff' : 'mic'" />
          </button>
          <ngx-call-device-picker kind="microphone" [iconless]="true" />
        </span>
        @if (call.callType === 2) {
          <span class="ngx-call-control-pair">
            <button
              type="button"
              class="ngx-call-control ngx-call-camera"
              [attr.aria-label]="cameraOn() ? texts.cameraTurnOff : texts.cameraTurnOn"
              [attr.aria-pressed]="!cameraOn()"
              (click)="toggleCamera()"
            >
              <ngx-call-icon [name]="cameraOn() ? 'camera' : 'cameraOff'" />
            </button>
            <ngx-call-device-picker kind="camera" [iconless]="true" />
          </span>
        }
        <ngx-call-device-picker kind="speaker" />
        @if (!call.isGroup) {
          <button
            type="button"
            class="ngx-call-control ngx-call-switch"
            [attr.aria-label]="call.callType === 2 ? texts.switchToAudio : texts.switchToVideo"
            [disabled]="!!call.pendingSwitch"
            (click)="switchType(call.callType)"
          >
            <ngx-call-icon [name]="call.callType === 2 ? 'phone' : 'camera'" />
          </button>
        }
        <button
          type="button"
          class="ngx-call-control ngx-call-share"
          [attr.aria-label]="sharing() ? texts.stopSharing : texts.shareScreen"
          [attr.aria-pressed]="sharing()"
          (click)="toggleShare()"
        >
          <ngx-call-icon [name]="sharing() ? 'screenShareStop' : 'screenShare'" />
        </button>
        @if (fullscreenSupported()) {
          <button
            type="button"
            class="ngx-call-control ngx-call-fullscreen"
            [attr.aria-label]="fullscreen() ? texts.exitFullscreen : texts.enterFullscreen"
            [attr.aria-pressed]="fullscreen()"
            (click)="toggleFullscreen()"
          >
            <ngx-call-icon [name]="fullscreen() ? 'fullscreenExit' : 'fullscreen'" />
          </button>
        }
        @if (pipSupported() && call.callType === 2) {
          <button
            type="button"
            class="ngx-call-control ngx-call-pip"
            [attr.aria-label]="pip() ? texts.exitPictureInPicture : texts.enterPictureInPicture"
            [attr.aria-pressed]="pip()"
            (click)="togglePip()"
          >
            <ngx-call-icon name="pictureInPicture" />
          </button>
        }
        <button
          type="button"
          class="ngx-call-control ngx-call-hangup"
          [attr.aria-label]="texts.hangUp"
          (click)="hangUp()"
        >
          <ngx-call-icon name="hangUp" />
        </button>
      </div>
    }
  `,
  styles: [
    CALL_THEME,
    `
      :host {
        display: block;
      }
      .ngx-call-controls {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_call-gap);
        align-items: center;
        justify-content: center;
        padding: 0.5rem;
      }
      .ngx-call-control-pair {
        display: inline-flex;
        gap: 2px;
      }
      .ngx-call-control {
        display: inline-flex;
        align-items: center;
        justify-content: center;
        inline-size: 3rem;
        block-size: 3rem;
        border: 0;
        border-radius: 50%;
        background: var(--_call-control-bg);
        color: var(--_call-control-text);
        cursor: pointer;
      }
      .ngx-call-control[aria-pressed='true'] {
        background: var(--_call-control-active-bg);
        color: var(--_call-control-active-text);
      }
      .ngx-call-hangup {
        inline-size: 4rem;
        border-radius: 1.5rem;
        background: var(--_call-danger-bg);
        color: var(--_call-danger-text);
      }
      :host(.ngx-call-phone) .ngx-call-controls {
        display: grid;
        grid-template-columns: repeat(4, auto);
        justify-content: space-evenly;
      }
      :host(.ngx-call-phone) .ngx-call-hangup {
        grid-column: 1 / -1;
        justify-self: center;
        inline-size: 100%;
        max-inline-size: 16rem;
      }
    `,
  ],
})
export class CallControls {
  /** What full screen shows: by default the enclosing `<ngx-call-screen>` (else the parent element). */
  readonly fullscreenTarget = input<HTMLElement | null>(null);

  readonly #service = inject(CallingService);
  readonly #document = inject(DOCUMENT);
  readonly #element: HTMLElement = inject(ElementRef).nativeElement;
  protected readonly texts = inject(CALL_UI_TEXTS);

  protected readonly phone = toSignal(
    inject(BreakpointObserver)
      .observe(PHONE)
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  protected readonly call = this.#service.currentCall;
  protected readonly muted = this.#service.micMuted;
  protected readonly cameraOn = this.#service.cameraEnabled;
  protected readonly sharing = this.#service.screenSharing;
  /** Known only in the browser, after the first render (false on the server). */
  protected readonly fullscreenSupported = signal(false);
  protected readonly pipSupported = signal(false);
  protected readonly fullscreen = signal(false);
  protected readonly pip = signal(false);
  readonly #target = computed(
    () => this.fullscreenTarget() ?? this.#element.closest('ngx-call-screen') ?? this.#element.parentElement,
  );

  constructor() {
    const doc = this.#document;
    const sync = () => {
      this.fullscreen.set(!!doc.fullscreenElement);
      this.pip.set(!!doc.pictureInPictureElement);
    };
    afterNextRender(() => {
      this.fullscreenSupported.set(
        doc.fullscreenEnabled !== false && typeof this.#element.requestFullscreen === 'function',
      );
      this.pipSupported.set(doc.pictureInPictureEnabled === true);
      sync();
      // Both bubble to the document, whichever element entered or left.
      for (const type of ['fullscreenchange', 'enterpictureinpicture', 'leavepictureinpicture']) {
        doc.addEventListener(type, sync);
      }
    });
    inject(DestroyRef).onDestroy(() => {
      for (const type of ['fullscreenchange', 'enterpictureinpicture', 'leavepictureinpicture']) {
        doc.removeEventListener(type, sync);
      }
    });
  }

  // A failed action is in service.lastError (shown by the app or an error banner); the buttons
  // follow the state, so nothing to undo here.
  protected toggleMic(): void {
    this.#service.setMicMute(!this.muted()).catch(() => undefined);
  }

  protected toggleCamera(): void {
    (this.cameraOn() ? this.#service.closeCamera() : this.#service.openCamera()).catch(() => undefined);
  }

  protected switchType(callType: 1 | 2): void {
    (callType === 2 ? this.#service.switchToAudioCall() : this.#service.switchToVideoCall()).catch(
      () => undefined,
    );
  }

  protected toggleShare(): void {
    (this.sharing() ? this.#service.stopScreenShare() : this.#service.startScreenShare()).catch(
      () => undefined,
    );
  }

  protected hangUp(): void {
    this.#service.hangup().catch(() => undefined);
  }

  protected toggleFullscreen(): void {
    const doc = this.#document;
    // Rejected (no user gesture, iframe without allowfullscreen): the button keeps its state.
    if (doc.fullscreenElement) void doc.exitFullscreen().catch(() => undefined);
    else
      void this.#target()
        ?.requestFullscreen()
        .catch(() => undefined);
  }

  protected togglePip(): void {
    const doc = this.#document;
    if (doc.pictureInPictureElement) {
      void doc.exitPictureInPicture().catch(() => undefined);
      return;
    }
    // The large remote video (or the shared screen), else any remote video of the call.
    const target = this.#target();
    const video =
      target?.querySelector<HTMLVideoElement>('.ngx-call-pip-source video') ??
      target?.querySelector<HTMLVideoElement>('ngx-call-tile:not(.ngx-call-tile-local) video');
    void video?.requestPictureInPicture().catch(() => undefined);
  }
}
