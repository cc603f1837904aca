import { ChangeDetectionStrategy, Component, computed, input, type InputSignal } from '@angular/core';

const MIC = [
  'M12 2a3 3 0 0 1 3 3v6a3 3 0 0 1-6 0V5a3 3 0 0 1 3-3z',
  'M19 10v1a7 7 0 0 1-14 0v-1',
  'M12 18v4',
  'M8 22h8',
];
const CAMERA = ['M3 7h12v10H3z', 'M15 10l6-3v10l-6-3'];
const MONITOR = ['M3 4h18v12H3z', 'M8 20h8', 'M12 16v4'];

/**
 * The kit's icons: inline SVG paths on a 24×24 grid, drawn with `currentColor` strokes, so they
 * need no icon font, no network and follow the text colour of their button.
 */
export const CALL_ICONS = {
  mic: MIC,
  micOff: [...MIC, 'M3 3l18 18'],
  camera: CAMERA,
  cameraOff: [...CAMERA, 'M2 3l20 18'],
  phone: ['M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2z'],
  hangUp: ['M3 15c5-4.7 13-4.7 18 0l-2.2 3.2-3.8-1.4v-2.6a10 10 0 0 0-6 0v2.6L5.2 18.2z'],
  screenShare: [...MONITOR, 'M12 13V7', 'M9 10l3-3 3 3'],
  screenShareStop: [...MONITOR, 'M9 7l6 6', 'M15 7l-6 6'],
  fullscreen: ['M3 9V3h6', 'M21 9V3h-6', 'M3 15v6h6', 'M21 15v6h-6'],
  fullscreenExit: ['M9 3v6H3', 'M15 3v6h6', 'M9 21v-6H3', 'M15 21v-6h6'],
  pictureInPicture: ['M3 5h18v14H3z', 'M12 12h6v4h-6z'],
  speaker: ['M4 9h4l5-4v14l-5-4H4z', 'M16 9a4 4 0 0 1 0 6', 'M19 6a8 8 0 0 1 0 12'],
  chevronDown: ['M6 9l6 6 6-6'],
  check: ['M5 12l5 5 9-10'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
  warning: ['M12 3l10 18H2z', 'M12 10v5', 'M12 18v.01'],
} as const satisfies Record<string, readonly string[]>;

/** The name of one of the kit's icons. */
export type CallIconName = keyof typeof CALL_ICONS;

/**
 * One of the kit's icons, decorative (hidden from screen readers: the button it sits in carries
 * the label).
 *
 * ```html
 * <button type="button" aria-label="Mute"><ngx-call-icon name="mic" /></button>
 * ```
 */
@Component({
  selector: 'ngx-call-icon',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <svg
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
    >
      @for (d of paths(); track $index) {
        <path [attr.d]="d" />
      }
    </svg>
  `,
  styles: `
    :host {
      display: inline-flex;
      inline-size: var(--ngx-call-icon-size, 1.5rem);
      block-size: var(--ngx-call-icon-size, 1.5rem);
    }
    svg {
      inline-size: 100%;
      block-size: 100%;
    }
  `,
})
export class CallIcon {
  /** Which icon. */
  readonly name: InputSignal<CallIconName> = input.required<CallIconName>();
  protected readonly paths = computed<readonly string[]>(() => CALL_ICONS[this.name()]);
}
