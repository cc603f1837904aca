import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  CallingService,
  DEFAULT_VIDEO_PROFILE,
  type MediaDevice,
  VIDEO_PROFILES,
  type VideoProfileName,
} from 'ngx-trtc-calling';

const QUALITIES = Object.keys(VIDEO_PROFILES) as VideoProfileName[];

/** "Camera 2" when the browser hides labels (no permission yet). */
function labelOf(device: MediaDevice, index: number): string {
  return device.label || `${device.kind === 'camera' ? 'Camera' : 'Microphone'} ${index + 1}`;
}

/**
 * Video quality, camera and microphone. The pickers follow the `devices` signal, so a device
 * plugged in or out shows up or disappears while the page is open; the choice applies to the
 * running call and is remembered for the next ones.
 */
@Component({
  selector: 'app-device-settings',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card settings-card" aria-labelledby="settings-heading">
      <h2 id="settings-heading">Camera and microphone</h2>
      <div class="settings">
        <div class="field">
          <label for="quality">Video quality</label>
          <select id="quality" data-testid="quality" (change)="setQuality($event)">
            @for (q of qualities; track q) {
              <option [value]="q" [selected]="q === quality()">{{ q }} ({{ size(q) }})</option>
            }
          </select>
        </div>
        <div class="field">
          <label for="camera">Camera</label>
          <select
            id="camera"
            data-testid="camera-select"
            [disabled]="!cameras().length"
            (change)="switchDevice('video', $event)"
          >
            @for (d of cameras(); track d.deviceID; let i = $index) {
              <option [value]="d.deviceID" [selected]="d.deviceID === camera()">{{ label(d, i) }}</option>
            } @empty {
              <option value="">No camera found</option>
            }
          </select>
        </div>
        <div class="field">
          <label for="microphone">Microphone</label>
          <select
            id="microphone"
            data-testid="microphone-select"
            [disabled]="!microphones().length"
            (change)="switchDevice('audio', $event)"
          >
            @for (d of microphones(); track d.deviceID; let i = $index) {
              <option [value]="d.deviceID" [selected]="d.deviceID === microphone()">{{ label(d, i) }}</option>
            } @empty {
              <option value="">No microphone found</option>
            }
          </select>
        </div>
      </div>
    </section>
  `,
})
export class DeviceSettingsComponent {
  readonly #calling = inject(CallingService);
  protected readonly qualities = QUALITIES;
  protected readonly quality = signal<VideoProfileName>(DEFAULT_VIDEO_PROFILE);
  protected readonly cameras = computed(() => this.#calling.devices().cameras);
  protected readonly microphones = computed(() => this.#calling.devices().microphones);
  /** The devices chosen here (or by a fallback after an unplug); `null`: the default one. */
  readonly #chosen = signal<{ camera: string | null; microphone: string | null }>({
    camera: null,
    microphone: null,
  });
  /** The camera shown as selected: the chosen one while present, else the first (the default). */
  protected readonly camera = computed(() => pick(this.cameras(), this.#chosen().camera));
  protected readonly microphone = computed(() => pick(this.microphones(), this.#chosen().microphone));
  protected readonly label = labelOf;

  constructor() {
    this.#calling.deviceFallback$.pipe(takeUntilDestroyed()).subscribe(({ kind, to }) => {
      if (kind === 'camera') this.#chosen.update((c) => ({ ...c, camera: to ?? null }));
      if (kind === 'microphone') this.#chosen.update((c) => ({ ...c, microphone: to ?? null }));
    });
  }

  protected size(q: VideoProfileName): string {
    const { width, height } = VIDEO_PROFILES[q];
    return `${width}×${height}`;
  }

  protected setQuality(event: Event): void {
    const q = (event.target as HTMLSelectElement).value as VideoProfileName;
    this.quality.set(q);
    this.#calling.setVideoQuality(q).catch(() => undefined);
  }

  protected switchDevice(deviceType: 'audio' | 'video', event: Event): void {
    const deviceID = (event.target as HTMLSelectElement).value;
    if (!deviceID) return;
    const kind = deviceType === 'video' ? 'camera' : 'microphone';
    this.#chosen.update((c) => ({ ...c, [kind]: deviceID }));
    this.#calling.switchDevice({ deviceType, deviceID }).catch(() => undefined);
  }
}

function pick(devices: readonly MediaDevice[], chosen: string | null): string {
  return devices.some((d) => d.deviceID === chosen) ? chosen! : (devices[0]?.deviceID ?? '');
}
