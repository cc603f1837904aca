import { CdkMenu, CdkMenuItemRadio, CdkMenuTrigger } from '@angular/cdk/menu';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  signal,
  type Signal,
} from '@angular/core';
import { CallingService, type MediaDevice } from 'ngx-trtc-calling';
import { type CallIconName, CallIcon } from './icons';
import { CALL_UI_TEXTS } from './texts';
import { CALL_THEME } from './theme';

/** Which device a picker chooses. */
export type CallDeviceKind = 'camera' | 'microphone' | 'speaker';

const KINDS = {
  camera: { list: 'cameras', deviceType: 'video', icon: 'camera', label: 'chooseCamera' },
  microphone: { list: 'microphones', deviceType: 'audio', icon: 'mic', label: 'chooseMicrophone' },
  speaker: { list: 'speakers', deviceType: 'speaker', icon: 'speaker', label: 'chooseSpeaker' },
} as const satisfies Record<
  CallDeviceKind,
  { list: string; deviceType: string; icon: CallIconName; label: string }
>;

/**
 * A menu button listing the cameras, microphones or speakers (`devices()`); choosing one calls
 * `switchDevice`. A CDK menu: arrow keys move, Enter or Space chooses, Escape closes and gives
 * focus back to the button.
 *
 * ```html
 * <ngx-call-device-picker kind="microphone" />
 * ```
 */
@Component({
  selector: 'ngx-call-device-picker',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CdkMenu, CdkMenuItemRadio, CdkMenuTrigger, CallIcon],
  template: `
    <button
      type="button"
      class="ngx-call-device-trigger"
      [attr.aria-label]="label()"
      [cdkMenuTriggerFor]="menu"
    >
      @if (!iconless()) {
        <ngx-call-icon [name]="icon()" />
      }
      <ngx-call-icon class="ngx-call-chevron" name="chevronDown" />
    </button>
    <ng-template #menu>
      <div class="ngx-call-device-menu" cdkMenu [attr.aria-label]="label()">
        @for (device of devices(); track device.deviceID; let first = $first) {
          <button
            type="button"
            class="ngx-call-device-option"
            cdkMenuItemRadio
            [cdkMenuItemChecked]="chosen() === device.deviceID || (!chosen() && first)"
            (cdkMenuItemTriggered)="choose(device)"
          >
            <ngx-call-icon name="check" class="ngx-call-device-check" />
            {{ device.label || texts.defaultDevice }}
          </button>
        } @empty {
          <p class="ngx-call-device-empty">{{ texts.noDevices }}</p>
        }
      </div>
    </ng-template>
  `,
  styles: [
    CALL_THEME,
    `
      :host {
        display: inline-flex;
      }
      .ngx-call-device-trigger {
        display: inline-flex;
        align-items: center;
        min-block-size: 3rem;
        padding-inline: 0.5rem;
        border: 0;
        border-radius: 1.5rem;
        background: var(--_call-control-bg);
        color: var(--_call-control-text);
        cursor: pointer;
      }
      .ngx-call-chevron {
        --ngx-call-icon-size: 1rem;
      }
      .ngx-call-device-menu {
        display: flex;
        flex-direction: column;
        min-inline-size: 14rem;
        max-inline-size: min(24rem, 90vw);
        padding: 0.25rem;
        border-radius: var(--ngx-call-radius, 0.75rem);
        background: var(--ngx-call-surface, #262b33);
        color: var(--ngx-call-text, #f5f7fa);
        box-shadow: 0 0.25rem 1rem rgb(0 0 0 / 45%);
      }
      .ngx-call-device-option {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        min-block-size: 2.75rem;
        padding-inline: 0.75rem;
        border: 0;
        border-radius: 0.5rem;
        background: transparent;
        color: inherit;
        text-align: start;
        cursor: pointer;
      }
      .ngx-call-device-option:hover,
      .ngx-call-device-option:focus {
        background: var(--ngx-call-control-bg, #3c424c);
      }
      .ngx-call-device-option:focus-visible {
        outline: 3px solid var(--ngx-call-focus, #8ab4f8);
      }
      .ngx-call-device-check {
        --ngx-call-icon-size: 1rem;
        visibility: hidden;
      }
      .ngx-call-device-option[aria-checked='true'] .ngx-call-device-check {
        visibility: visible;
      }
      .ngx-call-device-empty {
        margin: 0;
        padding: 0.75rem;
      }
    `,
  ],
})
export class CallDevicePicker {
  /** Cameras, microphones or speakers. */
  readonly kind = input.required<CallDeviceKind>();
  /** Only the menu arrow, for a picker beside its device's own toggle (the microphone's, the camera's). */
  readonly iconless = input(false);

  readonly #service = inject(CallingService);
  protected readonly texts = inject(CALL_UI_TEXTS);
  protected readonly devices = computed(() => this.#service.devices()[KINDS[this.kind()].list]);
  protected readonly icon: Signal<CallIconName> = computed(() => KINDS[this.kind()].icon);
  protected readonly label = computed(() => this.texts[KINDS[this.kind()].label]);
  /** The device last chosen here; until then the first, which is what the engine opens by default. */
  protected readonly chosen = signal<string | null>(null);

  protected choose(device: MediaDevice): void {
    this.chosen.set(device.deviceID);
    // A failure is in service.lastError.
    this.#service
      .switchDevice({ deviceType: KINDS[this.kind()].deviceType, deviceID: device.deviceID })
      .catch(() => undefined);
  }
}
