import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  type ElementRef,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import type { Subscription } from 'rxjs';
import { CallingError, CallingService } from 'ngx-trtc-calling';
import type { DeviceCheck, DeviceCheckOptions, MediaPermissions } from 'ngx-trtc-calling/core';
import { CallIcon } from './icons';
import { callErrorText, CALL_UI_TEXTS, type CallUiErrorText } from './texts';
import { CALL_THEME } from './theme';

let nextID = 0;

/**
 * Camera preview, microphone meter, speaker test and the browser's permission for each, before
 * dialing or answering (`CallingService.startDeviceCheck`; nothing is sent anywhere). Opens the
 * devices once rendered in the browser, reopens them when another one is chosen, and releases
 * them (`stop()`) on Done and when it goes away.
 *
 * ```html
 * @if (checking()) {
 *   <ngx-call-device-check (done)="checking.set(false)" />
 * }
 * ```
 */
@Component({
  selector: 'ngx-call-device-check',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CallIcon],
  template: `
    <section class="ngx-call-device-check" [attr.aria-labelledby]="id + '-title'">
      <h2 class="ngx-call-device-check-title" [id]="id + '-title'">{{ texts.deviceCheck }}</h2>
      @if (video()) {
        <div class="ngx-call-preview" role="img" [attr.aria-label]="previewLabel()">
          <div #preview class="ngx-call-preview-video"></div>
          @if (!previewing()) {
            <ngx-call-icon name="cameraOff" class="ngx-call-preview-off" />
          }
        </div>
        <label class="ngx-call-field">
          <span>{{ texts.chooseCamera }}</span>
          <select class="ngx-call-camera-select" (change)="choose('cameraID', $event)">
            @for (device of devices().cameras; track device.deviceID) {
              <option [value]="device.deviceID" [selected]="device.deviceID === options().cameraID">
                {{ device.label || texts.defaultDevice }}
              </option>
            }
          </select>
        </label>
      }
      <label class="ngx-call-field">
        <span>{{ texts.chooseMicrophone }}</span>
        <select class="ngx-call-microphone-select" (change)="choose('microphoneID', $event)">
          @for (device of devices().microphones; track device.deviceID) {
            <option [value]="device.deviceID" [selected]="device.deviceID === options().microphoneID">
              {{ device.label || texts.defaultDevice }}
            </option>
          }
        </select>
      </label>
      <span class="ngx-call-meter-label" [id]="id + '-level'">{{ texts.microphoneLevel }}</span>
      <div
        class="ngx-call-meter"
        role="meter"
        aria-valuemin="0"
        aria-valuemax="100"
        [attr.aria-valuenow]="level()"
        [attr.aria-labelledby]="id + '-level'"
      >
        <div class="ngx-call-meter-fill" [style.inline-size.%]="level()"></div>
      </div>
      <div class="ngx-call-speaker-test">
        @if (devices().speakers.length) {
          <label class="ngx-call-field">
            <span>{{ texts.chooseSpeaker }}</span>
            <select class="ngx-call-speaker-select" (change)="chooseSpeaker($event)">
              @for (device of devices().speakers; track device.deviceID) {
                <option [value]="device.deviceID">{{ device.label || texts.defaultDevice }}</option>
              }
            </select>
          </label>
        }
        <button
          type="button"
          class="ngx-call-button ngx-call-test-tone"
          [disabled]="!check() || playing()"
          (click)="playTone()"
        >
          <ngx-call-icon name="speaker" />
          {{ playing() ? texts.playingTestTone : texts.testSpeaker }}
        </button>
      </div>
      <div class="ngx-call-permissions-status" role="status">
        <dl class="ngx-call-permissions">
          <div>
            <dt>{{ texts.permissionCamera }}</dt>
            <dd [attr.data-state]="permissions().camera">
              {{ texts.permissionStates[permissions().camera] }}
            </dd>
          </div>
          <div>
            <dt>{{ texts.permissionMicrophone }}</dt>
            <dd [attr.data-state]="permissions().microphone">
              {{ texts.permissionStates[permissions().microphone] }}
            </dd>
          </div>
        </dl>
      </div>
      @if (denied()) {
        <p class="ngx-call-hint">{{ texts.permissionDeniedHint }}</p>
      }
      @if (error(); as error) {
        <div class="ngx-call-error" role="alert">
          <p class="ngx-call-error-message">{{ error.message }}</p>
          <p class="ngx-call-hint">{{ error.hint }}</p>
        </div>
      }
      <button type="button" class="ngx-call-button ngx-call-done" (click)="finish()">
        {{ texts.stopDeviceCheck }}
      </button>
    </section>
  `,
  styles: [
    CALL_THEME,
    `
      :host {
        display: block;
      }
      .ngx-call-device-check {
        display: flex;
        flex-direction: column;
        gap: 0.75rem;
        padding: 1rem;
        border-radius: var(--_call-radius);
        background: var(--_call-bg);
        color: var(--_call-text);
      }
      .ngx-call-device-check-title {
        margin: 0;
        font-size: 1.125rem;
      }
      .ngx-call-preview {
        position: relative;
        align-self: center;
        inline-size: min(100%, calc(45vh * 16 / 9));
        aspect-ratio: 16 / 9;
        border-radius: var(--_call-radius);
        background: var(--_call-surface);
        overflow: hidden;
      }
      .ngx-call-preview-video ::ng-deep video {
        inline-size: 100%;
        block-size: 100%;
        object-fit: cover;
        transform: scaleX(-1);
      }
      .ngx-call-preview-video {
        position: absolute;
        inset: 0;
      }
      .ngx-call-preview-off {
        position: absolute;
        inset: 0;
        margin: auto;
        --ngx-call-icon-size: 3rem;
        color: var(--_call-text-muted);
      }
      .ngx-call-field {
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
        flex: 1;
      }
      select {
        min-block-size: 2.75rem;
        padding-inline: 0.5rem;
        border: 1px solid var(--_call-text-muted);
        border-radius: 0.5rem;
        background: var(--_call-surface);
        color: var(--_call-text);
        font: inherit;
      }
      .ngx-call-meter {
        block-size: 0.5rem;
        border-radius: 0.25rem;
        background: var(--_call-surface);
        overflow: hidden;
      }
      .ngx-call-meter-fill {
        block-size: 100%;
        background: var(--_call-accent);
        transition: inline-size 0.1s linear;
      }
      .ngx-call-speaker-test {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_call-gap);
        align-items: flex-end;
      }
      .ngx-call-button {
        display: inline-flex;
        gap: 0.5rem;
        align-items: center;
        justify-content: center;
        min-block-size: 2.75rem;
        padding-inline: 1rem;
        border: 0;
        border-radius: 1.5rem;
        background: var(--_call-control-bg);
        color: var(--_call-control-text);
        cursor: pointer;
        --ngx-call-icon-size: 1.25rem;
      }
      .ngx-call-done {
        align-self: flex-end;
        background: var(--_call-control-active-bg);
        color: var(--_call-control-active-text);
      }
      .ngx-call-permissions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
        margin: 0;
      }
      .ngx-call-permissions div {
        display: flex;
        gap: 0.25rem;
      }
      .ngx-call-permissions dt::after {
        content: ':';
      }
      .ngx-call-permissions dd {
        margin: 0;
        color: var(--_call-text-muted);
      }
      .ngx-call-hint,
      .ngx-call-error-message {
        margin: 0;
      }
      .ngx-call-error {
        padding: 0.5rem 0.75rem;
        border-radius: var(--_call-radius);
        background: var(--_call-warning-bg);
        color: var(--_call-warning-text);
      }
      .ngx-call-error-message {
        font-weight: 600;
      }
    `,
  ],
})
export class CallDeviceCheck {
  /** Open the camera for a preview (default true); false checks the microphone and speaker only. */
  readonly video = input(true);
  /** The user is done: the devices are released already. */
  readonly done = output<void>();

  readonly #service = inject(CallingService);
  protected readonly texts = inject(CALL_UI_TEXTS);
  protected readonly id = `ngx-call-device-check-${nextID++}`;
  protected readonly devices = this.#service.devices;
  private readonly preview = viewChild<ElementRef<HTMLElement>>('preview');

  /** The devices the check opens (none chosen: the defaults). */
  protected readonly options = signal<{ cameraID?: string; microphoneID?: string }>({});
  protected readonly check = signal<DeviceCheck | null>(null);
  protected readonly level = signal(0);
  protected readonly playing = signal(false);
  protected readonly previewing = signal(false);
  protected readonly permissions = signal<MediaPermissions>({ camera: 'unknown', microphone: 'unknown' });
  protected readonly error = signal<CallUiErrorText | null>(null);
  protected readonly denied = computed(() => {
    const { camera, microphone } = this.permissions();
    return microphone === 'denied' || (this.video() && camera === 'denied');
  });
  protected readonly previewLabel = computed(() =>
    this.previewing() ? this.texts.cameraPreview : this.texts.noCameraPreview,
  );
  #speaker: string | undefined;
  #level: Subscription | undefined;
  #generation = 0;
  #destroyed = false;

  constructor() {
    afterNextRender(() => void this.#start());
    inject(DestroyRef).onDestroy(() => {
      this.#destroyed = true;
      this.#stop();
    });
  }

  protected choose(key: 'cameraID' | 'microphoneID', event: Event): void {
    const deviceID = (event.target as HTMLSelectElement).value;
    this.options.update((options) => ({ ...options, [key]: deviceID }));
    void this.#start();
  }

  protected chooseSpeaker(event: Event): void {
    this.#speaker = (event.target as HTMLSelectElement).value;
  }

  protected async playTone(): Promise<void> {
    const check = this.check();
    if (!check) return;
    this.playing.set(true);
    try {
      await check.playTestTone(this.#speaker);
    } catch (error) {
      this.#fail(error);
    } finally {
      this.playing.set(false);
    }
  }

  protected finish(): void {
    this.#stop();
    this.done.emit();
  }

  /** (Re)opens the devices; a later start or the component's end wins over an earlier one. */
  async #start(): Promise<void> {
    this.#stop();
    const generation = ++this.#generation;
    this.error.set(null);
    const options: DeviceCheckOptions = { video: this.video(), ...this.options() };
    let check: DeviceCheck | null = null;
    try {
      check = await this.#service.startDeviceCheck(options);
    } catch (error) {
      this.#fail(error);
    }
    if (generation !== this.#generation || this.#destroyed) {
      check?.stop();
      return;
    }
    if (check) {
      this.check.set(check);
      this.#level = check.level$.subscribe((level) => this.level.set(Math.round(level)));
      const target = this.preview()?.nativeElement;
      if (target && this.video()) {
        check.attachPreview(target);
        this.previewing.set(true);
      }
    }
    await this.#readPermissions();
  }

  async #readPermissions(): Promise<void> {
    try {
      const permissions = await this.#service.getPermissions();
      if (!this.#destroyed) this.permissions.set(permissions);
    } catch {
      // The browser cannot tell (no Permissions API): the states stay `unknown`.
    }
  }

  #fail(error: unknown): void {
    const reason = error instanceof CallingError ? error.reason : 'mediaFailed';
    this.error.set(callErrorText(this.texts, { reason }));
  }

  #stop(): void {
    this.#generation++;
    this.#level?.unsubscribe();
    this.#level = undefined;
    this.check()?.stop();
    this.check.set(null);
    this.level.set(0);
    this.previewing.set(false);
  }
}
