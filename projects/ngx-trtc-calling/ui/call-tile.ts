import { ChangeDetectionStrategy, Component, computed, inject, input, type Signal } from '@angular/core';
import { CallingLocalView, CallingRemoteView } from 'ngx-trtc-calling';
import type { NetworkQuality } from 'ngx-trtc-calling/core';
import { CallAvatar } from './avatar';
import { CallIcon } from './icons';
import { CALL_UI_TEXTS } from './texts';
import { CALL_THEME } from './theme';
import { injectCallUserInfo } from './user-info';

/** Bars of the quality badge per TRTC quality (0 unknown … 6 disconnected). */
const QUALITY_BARS: Readonly<Record<NetworkQuality, number>> = { 0: 0, 1: 4, 2: 3, 3: 2, 4: 1, 5: 1, 6: 0 };

/** How a quality reads at a glance: `good` (excellent, good), `fair`, `poor` (poor and worse). */
export function qualityLevel(quality: NetworkQuality): 'unknown' | 'good' | 'fair' | 'poor' {
  if (quality === 0) return 'unknown';
  return quality <= 2 ? 'good' : quality === 3 ? 'fair' : 'poor';
}

/**
 * One person in the call screen: their video, or their avatar when there is no video (an audio
 * call, camera off, not in the room yet), with name, muted, camera-off, speaking and network
 * quality badges. Used by `<ngx-call-screen>`; usable alone for custom layouts.
 */
@Component({
  selector: 'ngx-call-tile',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CallAvatar, CallIcon, CallingLocalView, CallingRemoteView],
  host: {
    role: 'group',
    '[attr.aria-label]': 'label()',
    '[class.ngx-call-tile-speaking]': 'speaking()',
    '[class.ngx-call-tile-local]': 'local()',
    '[class.ngx-call-tile-video]': 'video()',
  },
  template: `
    @if (video()) {
      @if (local()) {
        <div class="ngx-call-tile-media ngx-call-tile-mirror" callingLocalView></div>
      } @else {
        <div class="ngx-call-tile-media" [callingRemoteView]="userID()"></div>
      }
    } @else {
      <div class="ngx-call-tile-placeholder">
        <ngx-call-avatar [userID]="userID()" [size]="compact() ? 'md' : 'lg'" [decorative]="true" />
        @if (status()) {
          <span class="ngx-call-tile-status">{{ status() }}</span>
        }
      </div>
    }
    <div class="ngx-call-tile-footer">
      <span class="ngx-call-tile-name">{{ name() }}</span>
      @if (muted()) {
        <span class="ngx-call-badge ngx-call-badge-muted" role="img" [attr.aria-label]="texts.muted">
          <ngx-call-icon name="micOff" />
        </span>
      }
      @if (cameraOff()) {
        <span class="ngx-call-badge ngx-call-badge-camera-off" role="img" [attr.aria-label]="texts.cameraOff">
          <ngx-call-icon name="cameraOff" />
        </span>
      }
      @if (speaking()) {
        <span class="ngx-call-badge ngx-call-badge-speaking" role="img" [attr.aria-label]="texts.speaking">
          <span class="ngx-call-speaking-bars" aria-hidden="true"><i></i><i></i><i></i></span>
        </span>
      }
      @if (quality() > 0) {
        <span
          class="ngx-call-badge ngx-call-quality"
          role="img"
          [attr.data-level]="level()"
          [attr.data-bars]="bars()"
          [attr.aria-label]="texts.networkQualityOf(name(), texts.networkQuality[quality()])"
        >
          @for (bar of [1, 2, 3, 4]; track bar) {
            <i aria-hidden="true" [class.on]="bar <= bars()"></i>
          }
        </span>
      }
    </div>
  `,
  styles: [
    CALL_THEME,
    `
      :host {
        position: relative;
        display: block;
        overflow: hidden;
        container-type: size;
        border-radius: var(--_call-radius);
        background: var(--_call-surface);
        color: var(--_call-text);
        outline: 3px solid transparent;
        outline-offset: -3px;
        transition: outline-color 0.15s;
      }
      :host(.ngx-call-tile-speaking) {
        outline-color: var(--_call-accent);
      }
      .ngx-call-tile-media,
      .ngx-call-tile-placeholder {
        position: absolute;
        inset: 0;
      }
      .ngx-call-tile-media ::ng-deep video {
        inline-size: 100%;
        block-size: 100%;
        object-fit: var(--ngx-call-video-fit, cover);
      }
      .ngx-call-tile-mirror ::ng-deep video {
        transform: scaleX(-1);
      }
      .ngx-call-tile-placeholder {
        padding-block-end: 2.25rem;
        display: flex;
        flex-direction: column;
        gap: var(--_call-gap);
        align-items: center;
        justify-content: center;
      }
      /* The avatar grows with the tile, and still fits a small one above its name. */
      .ngx-call-tile-placeholder ngx-call-avatar {
        --ngx-call-avatar-size: clamp(2rem, 38cqmin, 7rem);
      }
      .ngx-call-tile-status {
        color: var(--_call-text-muted);
      }
      .ngx-call-tile-footer {
        position: absolute;
        inset-inline: 0.5rem;
        inset-block-end: 0.5rem;
        display: flex;
        gap: 0.25rem;
        align-items: center;
      }
      .ngx-call-tile-name,
      .ngx-call-badge {
        display: inline-flex;
        align-items: center;
        gap: 2px;
        padding: 0.125rem 0.5rem;
        border-radius: 1rem;
        background: var(--_call-badge-bg);
        color: var(--_call-badge-text);
        --ngx-call-icon-size: 1rem;
      }
      .ngx-call-tile-name {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        min-inline-size: 0;
      }
      .ngx-call-badge-muted,
      .ngx-call-badge-camera-off {
        padding-inline: 0.3rem;
      }
      .ngx-call-speaking-bars,
      .ngx-call-quality {
        block-size: 1rem;
        align-items: flex-end;
      }
      .ngx-call-speaking-bars {
        display: inline-flex;
        gap: 2px;
      }
      .ngx-call-speaking-bars i {
        inline-size: 3px;
        block-size: 60%;
        background: var(--_call-accent);
        animation: ngx-call-speak 0.9s ease-in-out infinite alternate;
      }
      .ngx-call-speaking-bars i:nth-child(2) {
        animation-delay: 0.3s;
      }
      @keyframes ngx-call-speak {
        to {
          block-size: 100%;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .ngx-call-speaking-bars i {
          animation: none;
        }
      }
      .ngx-call-quality i {
        inline-size: 3px;
        background: currentColor;
        opacity: 0.35;
      }
      .ngx-call-quality i.on {
        opacity: 1;
      }
      .ngx-call-quality i:nth-child(1) {
        block-size: 25%;
      }
      .ngx-call-quality i:nth-child(2) {
        block-size: 50%;
      }
      .ngx-call-quality i:nth-child(3) {
        block-size: 75%;
      }
      .ngx-call-quality i:nth-child(4) {
        block-size: 100%;
      }
    `,
  ],
})
export class CallTile {
  /** Whose tile. */
  readonly userID = input.required<string>();
  /** The local user's own tile (their camera, labelled "You"). */
  readonly local = input(false);
  /** Show their video (else their avatar). */
  readonly video = input(false);
  readonly muted = input(false);
  readonly cameraOff = input(false);
  readonly speaking = input(false);
  /** TRTC network quality, 0 (unknown: no badge) to 6. */
  readonly quality = input<NetworkQuality>(0);
  /** A line under the avatar, e.g. "Ringing…". */
  readonly status = input('');
  /** A small tile (self-view, strip): a smaller avatar. */
  readonly compact = input(false);

  protected readonly texts = inject(CALL_UI_TEXTS);
  readonly #info = injectCallUserInfo(() => this.userID());
  protected readonly name = computed(() => (this.local() ? this.texts.you : this.#info().displayName));
  /** What the tile shows: their video, or (as an avatar) the person. */
  protected readonly label = computed(() => {
    if (this.local()) return this.texts.selfView;
    return this.video() ? this.texts.videoOf(this.name()) : this.name();
  });
  protected readonly bars = computed(() => QUALITY_BARS[this.quality()]);
  protected readonly level: Signal<'unknown' | 'good' | 'fair' | 'poor'> = computed(() =>
    qualityLevel(this.quality()),
  );
}
