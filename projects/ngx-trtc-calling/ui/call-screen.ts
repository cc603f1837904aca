import { BreakpointObserver } from '@angular/cdk/layout';
import { LiveAnnouncer } from '@angular/cdk/a11y';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  Injector,
  input,
  PLATFORM_ID,
  untracked,
  type Signal,
} from '@angular/core';
import { isPlatformBrowser } from '@angular/common';
import { toSignal } from '@angular/core/rxjs-interop';
import { map } from 'rxjs';
import { ACTIVE_STATUSES, CallingService, type Participant } from 'ngx-trtc-calling';
import type { NetworkQuality } from 'ngx-trtc-calling/core';
import { CallConnectionBanner } from './connection-banner';
import { CallControls } from './call-controls';
import { CallTile } from './call-tile';
import { CallTimer } from './call-timer';
import { CallingScreenView } from './screen-share-view';
import { CALL_UI_TEXTS } from './texts';
import { CALL_THEME } from './theme';
import { injectCallUserNames } from './user-info';

/** A voice volume (0–100) above which a user counts as speaking. */
export const SPEAKING_THRESHOLD = 10;

/** The viewport width up to which the screen uses its phone layout. */
export const CALL_PHONE_BREAKPOINT = '(max-width: 480px)';

/** What one tile shows. */
interface TileModel {
  readonly userID: string;
  readonly local: boolean;
  readonly video: boolean;
  readonly muted: boolean;
  readonly cameraOff: boolean;
  readonly status: string;
}

/** Grid columns for `count` tiles: as square a grid as fits (1, 2, 3 or 4 columns; 1–2 on a phone). */
export function gridColumns(count: number, phone: boolean): number {
  if (phone) return count <= 2 ? 1 : 2;
  return count <= 1 ? 1 : count <= 4 ? 2 : count <= 9 ? 3 : 4;
}

/**
 * The screen of a call in progress, filling its container: for 1:1 the other person large with
 * your camera in a corner; for groups a grid; a remote screen share large with everyone in a
 * strip. Avatars stand in for video (audio calls, camera off, not joined yet); badges show muted,
 * camera off, speaking (`userVoiceVolume$`) and network quality (`networkQuality()`); the timer
 * runs from the moment someone joined. The controls bar and the connection banner come with it.
 * Renders nothing without a call, and nothing while an incoming call rings (`<ngx-call-incoming>`
 * handles that).
 *
 * ```html
 * <ngx-call-screen />
 * ```
 */
@Component({
  selector: 'ngx-call-screen',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CallConnectionBanner, CallControls, CallTile, CallTimer, CallingScreenView],
  host: {
    '[class.ngx-call-screen-active]': '!!call()',
    '[class.ngx-call-phone]': 'phone()',
  },
  template: `
    @if (call(); as call) {
      <section class="ngx-call-screen" [attr.aria-label]="texts.callScreen" [attr.data-layout]="layout()">
        <header class="ngx-call-header">
          <span class="ngx-call-title">{{ title() }}</span>
          @if (call.connectedAt !== null) {
            <ngx-call-timer [since]="call.connectedAt" />
          }
        </header>
        @if (showBanner()) {
          <ngx-call-connection-banner />
        }
        @switch (layout()) {
          @case ('screenShare') {
            <div class="ngx-call-stage">
              <div
                class="ngx-call-screen-share ngx-call-pip-source"
                role="img"
                [attr.aria-label]="texts.screenOf(sharerName())"
                [callingScreenView]="sharer()"
              ></div>
            </div>
            <div class="ngx-call-strip">
              @for (tile of tiles(); track tile.userID) {
                <ngx-call-tile
                  [userID]="tile.userID"
                  [local]="tile.local"
                  [video]="tile.video"
                  [muted]="tile.muted"
                  [cameraOff]="tile.cameraOff"
                  [status]="tile.status"
                  [speaking]="speaking(tile.userID)"
                  [quality]="quality(tile.userID)"
                  [compact]="true"
                />
              }
            </div>
          }
          @case ('oneToOne') {
            <div class="ngx-call-stage">
              @if (remote(); as tile) {
                <ngx-call-tile
                  class="ngx-call-main ngx-call-pip-source"
                  [userID]="tile.userID"
                  [video]="tile.video"
                  [muted]="tile.muted"
                  [cameraOff]="tile.cameraOff"
                  [status]="tile.status"
                  [speaking]="speaking(tile.userID)"
                  [quality]="quality(tile.userID)"
                />
              }
              @if (self(); as tile) {
                <ngx-call-tile
                  class="ngx-call-self"
                  [userID]="tile.userID"
                  [local]="true"
                  [video]="tile.video"
                  [muted]="tile.muted"
                  [cameraOff]="tile.cameraOff"
                  [speaking]="speaking(tile.userID)"
                  [quality]="quality(tile.userID)"
                  [compact]="true"
                />
              }
            </div>
          }
          @default {
            <div
              class="ngx-call-grid"
              [style.--_call-cols]="columns()"
              [style.--_call-rows]="rows()"
              [attr.data-columns]="columns()"
            >
              @for (tile of tiles(); track tile.userID) {
                <ngx-call-tile
                  [userID]="tile.userID"
                  [local]="tile.local"
                  [video]="tile.video"
                  [muted]="tile.muted"
                  [cameraOff]="tile.cameraOff"
                  [status]="tile.status"
                  [speaking]="speaking(tile.userID)"
                  [quality]="quality(tile.userID)"
                />
              }
            </div>
          }
        }
        @if (service.screenSharing()) {
          <p class="ngx-call-sharing-notice">{{ texts.yourScreen }}</p>
        }
        @if (call.switchRequest; as request) {
          <div class="ngx-call-switch-request" role="group" [attr.aria-label]="switchText()">
            <span>{{ switchText() }}</span>
            <button type="button" class="ngx-call-switch-accept" (click)="answerSwitch(true)">
              {{ texts.acceptSwitch }}
            </button>
            <button type="button" class="ngx-call-switch-decline" (click)="answerSwitch(false)">
              {{ texts.declineSwitch }}
            </button>
          </div>
        }
        <ngx-call-controls />
      </section>
    }
  `,
  styles: [
    CALL_THEME,
    `
      :host {
        display: block;
        inline-size: 100%;
        block-size: 100%;
        min-block-size: 0;
      }
      :host(:not(.ngx-call-screen-active)) {
        display: none;
      }
      .ngx-call-screen {
        display: flex;
        flex-direction: column;
        gap: var(--_call-gap);
        inline-size: 100%;
        block-size: 100%;
        padding: var(--_call-gap);
        box-sizing: border-box;
        background: var(--_call-bg);
        color: var(--_call-text);
      }
      .ngx-call-header {
        display: flex;
        gap: var(--_call-gap);
        justify-content: space-between;
        align-items: center;
        padding-inline: 0.25rem;
      }
      .ngx-call-title {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .ngx-call-stage {
        position: relative;
        flex: 1;
        min-block-size: 0;
        display: flex;
        align-items: center;
        justify-content: center;
      }
      .ngx-call-main,
      .ngx-call-screen-share {
        inline-size: 100%;
        block-size: 100%;
        max-block-size: 100%;
      }
      .ngx-call-screen-share {
        border-radius: var(--_call-radius);
        background: #000;
        overflow: hidden;
      }
      .ngx-call-screen-share ::ng-deep video {
        inline-size: 100%;
        block-size: 100%;
        object-fit: contain;
      }
      .ngx-call-self {
        position: absolute;
        inset-inline-end: 0.75rem;
        inset-block-end: 0.75rem;
        inline-size: clamp(7rem, 22%, 16rem);
        aspect-ratio: 4 / 3;
        box-shadow: 0 0.25rem 1rem rgb(0 0 0 / 45%);
      }
      /*
       * Every tile fits the grid, however many there are: a tile is as wide as a column may be,
       * or as wide as a 16:9 tile of a row's height, whichever is less. The grid never scrolls
       * (a scrolling region would need a keyboard stop of its own).
       */
      .ngx-call-grid {
        flex: 1;
        min-block-size: 0;
        container-type: size;
        display: grid;
        grid-template-columns: repeat(var(--_call-cols, 2), auto);
        grid-auto-rows: auto;
        justify-content: center;
        align-content: center;
        gap: var(--_call-gap);
        overflow: hidden;
      }
      .ngx-call-grid ngx-call-tile {
        inline-size: min(
          (100cqi - (var(--_call-cols, 2) - 1) * var(--_call-gap)) / var(--_call-cols, 2),
          (100cqb - (var(--_call-rows, 1) - 1) * var(--_call-gap)) / var(--_call-rows, 1) * 16 / 9
        );
      }
      .ngx-call-grid ngx-call-tile,
      .ngx-call-strip ngx-call-tile {
        aspect-ratio: 16 / 9;
      }
      .ngx-call-strip {
        display: flex;
        gap: var(--_call-gap);
        overflow-x: auto;
      }
      .ngx-call-strip ngx-call-tile {
        flex: none;
        inline-size: 10rem;
      }
      .ngx-call-sharing-notice,
      .ngx-call-switch-request {
        margin: 0;
        padding: 0.5rem 0.75rem;
        border-radius: var(--_call-radius);
        background: var(--_call-surface);
      }
      .ngx-call-switch-request {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_call-gap);
        align-items: center;
      }
      .ngx-call-switch-request span {
        flex: 1;
      }
      .ngx-call-switch-request button {
        min-block-size: 2.75rem;
        padding-inline: 1rem;
        border: 0;
        border-radius: 1.5rem;
        background: var(--_call-control-bg);
        color: var(--_call-control-text);
        cursor: pointer;
      }
      .ngx-call-switch-request .ngx-call-switch-accept {
        background: var(--_call-success-bg);
        color: var(--_call-success-text);
      }
      :host(.ngx-call-phone) .ngx-call-screen {
        padding: 0.25rem;
      }
      :host(.ngx-call-phone) .ngx-call-self {
        inline-size: 6rem;
        aspect-ratio: 3 / 4;
      }
    `,
  ],
})
export class CallScreen {
  /** Show the connection banner ("Reconnecting…") inside the screen (default true). */
  readonly showBanner = input(true);

  protected readonly service = inject(CallingService);
  protected readonly texts = inject(CALL_UI_TEXTS);
  readonly #injector = inject(Injector);
  readonly #browser = isPlatformBrowser(inject(PLATFORM_ID));

  protected readonly phone = toSignal(
    inject(BreakpointObserver)
      .observe(CALL_PHONE_BREAKPOINT)
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  /** The call, except while it rings for us: the incoming-call screen has that. */
  protected readonly call = computed(() =>
    this.service.phase() === 'ringing' ? null : this.service.currentCall(),
  );

  readonly #remotes = computed<readonly TileModel[]>(() => {
    const call = this.call();
    if (!call) return [];
    return call.participants
      .filter((p) => ACTIVE_STATUSES.includes(p.status))
      .map((p) => this.#remoteTile(p, call.callType === 2));
  });
  protected readonly self = computed<TileModel | null>(() => {
    const call = this.call();
    if (!call) return null;
    const video = call.callType === 2;
    return {
      userID: this.service.userID() ?? '',
      local: true,
      video: this.service.cameraEnabled(),
      muted: this.service.micMuted(),
      cameraOff: video && !this.service.cameraEnabled(),
      status: '',
    };
  });
  protected readonly remote = computed(() => this.#remotes()[0] ?? null);
  protected readonly tiles = computed(() => {
    const self = this.self();
    return self ? [...this.#remotes(), self] : this.#remotes();
  });
  protected readonly sharer = computed(() => this.service.remoteScreenShares()[0] ?? null);
  protected readonly layout: Signal<'oneToOne' | 'grid' | 'screenShare'> = computed(() => {
    const call = this.call();
    if (this.sharer()) return 'screenShare';
    return call && !call.isGroup && this.#remotes().length <= 1 ? 'oneToOne' : 'grid';
  });
  protected readonly columns = computed(() => gridColumns(this.tiles().length, this.phone()));
  protected readonly rows = computed(() => Math.max(1, Math.ceil(this.tiles().length / this.columns())));

  /** The latest volumes, with the call they were heard in: the next call starts with nobody speaking. */
  readonly #volumes = toSignal(
    this.service.userVoiceVolume$.pipe(
      map(({ volumeMap }) => ({ callID: this.service.currentCall()?.callID ?? null, volumeMap })),
    ),
    { initialValue: { callID: null, volumeMap: [] } },
  );
  readonly #qualities = this.service.networkQuality;

  /** Display names of everyone in the call, for titles and announcements. */
  readonly #names = injectCallUserNames(() => [
    ...(this.call()?.participants.map((p) => p.userID) ?? []),
    ...this.service.remoteScreenShares(),
  ]);
  protected readonly title = computed(() => {
    const remotes = this.#remotes();
    const names = remotes.map((t) => this.#nameOf(t.userID));
    const call = this.call();
    const kind = call?.callType === 2 ? this.texts.videoCall : this.texts.audioCall;
    return names.length ? `${names.join(', ')} · ${kind}` : kind;
  });
  protected readonly sharerName = computed(() => {
    const sharer = this.sharer();
    return sharer ? this.#nameOf(sharer) : '';
  });
  protected readonly switchText = computed(() => {
    const request = this.call()?.switchRequest;
    return request ? this.texts.switchAsked(this.#nameOf(request.from), request.to) : '';
  });

  constructor() {
    this.#announceChanges();
  }

  protected speaking(userID: string): boolean {
    const { callID, volumeMap } = this.#volumes();
    if (callID !== this.call()?.callID) return false;
    return volumeMap.some((v) => v.userId === userID && v.audioVolume > SPEAKING_THRESHOLD);
  }

  protected quality(userID: string): NetworkQuality {
    return this.#qualities().find((q) => q.userID === userID)?.quality ?? 0;
  }

  protected answerSwitch(accept: boolean): void {
    // A failure is in service.lastError; the request stays or goes with the state.
    (accept ? this.service.acceptSwitch() : this.service.rejectSwitch()).catch(() => undefined);
  }

  #remoteTile(p: Participant, videoCall: boolean): TileModel {
    const joined = p.status === 'joined';
    return {
      userID: p.userID,
      local: false,
      video: videoCall && joined && p.videoAvailable,
      muted: joined && !p.audioAvailable,
      cameraOff: videoCall && joined && !p.videoAvailable,
      status: joined ? '' : p.status === 'accepted' ? this.texts.connecting : this.texts.ringing,
    };
  }

  #nameOf(userID: string): string {
    return this.#names().get(userID) ?? userID;
  }

  /** Joins, leaves, screen shares and switch questions, said politely to screen readers. */
  #announceChanges(): void {
    let joined = new Set<string>();
    let sharer: string | null = null;
    let switchAsked: string | null = null;
    effect(() => {
      const call = this.call();
      const nowJoined = new Set(call?.participants.filter((p) => p.status === 'joined').map((p) => p.userID));
      const nowSharer = this.sharer();
      const nowSwitch = call?.switchRequest?.inviteID ?? null;
      untracked(() => {
        const messages: string[] = [];
        for (const id of nowJoined) if (!joined.has(id)) messages.push(this.texts.joined(this.#nameOf(id)));
        if (call)
          for (const id of joined) if (!nowJoined.has(id)) messages.push(this.texts.left(this.#nameOf(id)));
        if (nowSharer && nowSharer !== sharer)
          messages.push(this.texts.startedSharing(this.#nameOf(nowSharer)));
        if (nowSwitch && nowSwitch !== switchAsked) messages.push(this.switchText());
        [joined, sharer, switchAsked] = [nowJoined, nowSharer, nowSwitch];
        // Looked up here: LiveAnnouncer adds its live region as it is constructed, which a
        // page without a call (or a server render) should not get.
        if (messages.length && this.#browser)
          void this.#injector.get(LiveAnnouncer).announce(messages.join('. '), 'polite');
      });
    });
  }
}
