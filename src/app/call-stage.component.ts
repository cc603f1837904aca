import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  type ElementRef,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import {
  ACTIVE_STATUSES,
  CallingLocalView,
  CallingRemoteView,
  CallingService,
  type Participant,
} from 'ngx-trtc-calling';
import { callKind, formatDuration, PARTICIPANT_STATUSES } from './format';

/** What a tile says about a participant's media: "muted", "video off". */
function mediaNotes(p: Participant, video: boolean): string[] {
  if (p.status !== 'joined') return [PARTICIPANT_STATUSES[p.status]];
  const notes: string[] = [];
  if (!p.audioAvailable) notes.push('muted');
  if (video && !p.videoAvailable) notes.push('video off');
  return notes;
}

/** The call in progress: local and remote video tiles, the call's controls. */
@Component({
  selector: 'app-call-stage',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CallingLocalView, CallingRemoteView],
  template: `
    @if (calling.currentCall(); as call) {
      <section
        class="stage"
        aria-labelledby="stage-heading"
        data-testid="call-stage"
        [attr.data-call-type]="kind()"
        [attr.data-phase]="calling.phase()"
      >
        <h2 id="stage-heading" #heading tabindex="-1">
          {{ title() }}
          @if (call.connectedAt !== null) {
            <span class="elapsed" data-testid="elapsed"
              ><span class="visually-hidden">, connected for </span>{{ elapsed() }}</span
            >
          }
        </h2>
        <ul class="tiles" aria-label="Participants">
          <li>
            <figure class="tile local" data-testid="local-tile">
              <div class="video" callingLocalView data-testid="local-video"></div>
              @if (!calling.cameraEnabled()) {
                <div class="placeholder" aria-hidden="true">
                  {{ kind() === 'video' ? 'camera off' : 'audio only' }}
                </div>
              }
              <figcaption>
                <span class="name">You ({{ calling.userID() }})</span>
                @if (calling.micMuted()) {
                  <span class="badge" data-testid="self-muted-badge">muted</span>
                }
                @if (kind() === 'video' && !calling.cameraEnabled()) {
                  <span class="badge" data-testid="self-video-off-badge">camera off</span>
                }
              </figcaption>
            </figure>
          </li>
          @for (p of present(); track p.userID) {
            <li>
              <figure
                class="tile"
                data-testid="remote-tile"
                [attr.data-user]="p.userID"
                [attr.data-status]="p.status"
                [attr.data-audio]="p.audioAvailable"
                [attr.data-video]="p.videoAvailable"
              >
                <div class="video" [callingRemoteView]="p.userID"></div>
                @if (p.status !== 'joined' || kind() === 'audio' || !p.videoAvailable) {
                  <div class="placeholder" aria-hidden="true">{{ p.userID.charAt(0).toUpperCase() }}</div>
                }
                <figcaption>
                  <span class="name">{{ p.userID }}</span>
                  @for (note of notes(p); track $index) {
                    <span
                      class="badge"
                      [attr.data-testid]="
                        note === 'muted'
                          ? 'muted-badge'
                          : note === 'video off'
                            ? 'video-off-badge'
                            : 'status-badge'
                      "
                      >{{ note }}</span
                    >
                  }
                </figcaption>
              </figure>
            </li>
          }
        </ul>
        @if (gone().length) {
          <p class="gone" data-testid="not-in-call">
            Not in the call:
            @for (p of gone(); track p.userID; let last = $last) {
              {{ p.userID }} ({{ status(p) }}){{ last ? '' : ', ' }}
            }
          </p>
        }

        @if (call.switchRequest; as request) {
          <div
            class="switch-request"
            role="group"
            aria-labelledby="switch-request-text"
            data-testid="switch-request"
          >
            <p id="switch-request-text" aria-live="polite">
              {{ request.from }} asks to switch to {{ request.to === 'video' ? 'a video' : 'an audio' }} call.
            </p>
            <button type="button" data-testid="accept-switch" (click)="answerSwitch(true)">
              Switch to {{ request.to }}
            </button>
            <button type="button" class="secondary" data-testid="reject-switch" (click)="answerSwitch(false)">
              Stay on {{ kind() }}
            </button>
          </div>
        }

        <div class="controls" role="group" aria-label="Call controls">
          <button
            type="button"
            class="toggle"
            data-testid="toggle-mic"
            [attr.aria-pressed]="calling.micMuted()"
            (click)="toggleMic()"
          >
            Mute microphone
          </button>
          <button
            type="button"
            class="toggle"
            data-testid="toggle-camera"
            [attr.aria-pressed]="kind() === 'video' && !calling.cameraEnabled()"
            [disabled]="kind() !== 'video'"
            [attr.aria-busy]="cameraBusy() || null"
            (click)="toggleCamera()"
          >
            Turn camera off
          </button>
          @if (!call.isGroup) {
            <button
              type="button"
              class="secondary"
              data-testid="switch-call-type"
              [disabled]="calling.phase() !== 'connected'"
              [attr.aria-disabled]="call.pendingSwitch !== null || switching() || null"
              (click)="switchType()"
            >
              {{
                call.pendingSwitch || switching()
                  ? 'Switching…'
                  : kind() === 'video'
                    ? 'Switch to audio call'
                    : 'Switch to video call'
              }}
            </button>
          }
          <button type="button" class="danger" data-testid="hangup" (click)="hangup()">
            {{ calling.phase() === 'dialing' && call.connectedAt === null ? 'Cancel call' : 'Hang up' }}
          </button>
        </div>
      </section>
    }
  `,
})
export class CallStageComponent {
  protected readonly calling = inject(CallingService);
  protected readonly kind = computed(() => callKind(this.calling.currentCall()?.callType ?? 2));
  /** Participants ringing, joining or in the call: one tile each. */
  protected readonly present = computed(() =>
    this.calling.participants().filter((p) => ACTIVE_STATUSES.includes(p.status)),
  );
  /** Participants who declined, left, … */
  protected readonly gone = computed(() =>
    this.calling.participants().filter((p) => !ACTIVE_STATUSES.includes(p.status)),
  );
  protected readonly title = computed(() => {
    const call = this.calling.currentCall();
    if (!call) return '';
    const what = `${this.kind() === 'video' ? 'Video' : 'Audio'}${call.isGroup ? ' group' : ''} call`;
    return call.direction === 'incoming' ? `${what} from ${call.inviter}` : what;
  });
  private readonly heading = viewChild<ElementRef<HTMLElement>>('heading');
  protected readonly switching = signal(false);
  protected readonly cameraBusy = signal(false);
  readonly #now = signal(Date.now());
  protected readonly elapsed = computed(() => {
    const since = this.calling.currentCall()?.connectedAt;
    return since == null ? '' : formatDuration((this.#now() - since) / 1000);
  });

  constructor() {
    const tick = setInterval(() => this.#now.set(Date.now()), 1000);
    inject(DestroyRef).onDestroy(() => clearInterval(tick));
  }

  /** Moves focus to the call's heading (screen readers then read what call this is). */
  focus(): void {
    this.heading()?.nativeElement.focus();
  }

  protected notes(p: Participant): string[] {
    return mediaNotes(p, this.kind() === 'video');
  }

  protected status(p: Participant): string {
    return PARTICIPANT_STATUSES[p.status];
  }

  protected toggleMic(): void {
    this.calling.setMicMute(!this.calling.micMuted()).catch(() => undefined);
  }

  protected async toggleCamera(): Promise<void> {
    // Not disabled while busy: a disabled button would drop the keyboard focus.
    if (this.cameraBusy()) return;
    this.cameraBusy.set(true);
    try {
      await (this.calling.cameraEnabled() ? this.calling.closeCamera() : this.calling.openCamera());
    } catch {
      // Shown from lastError.
    } finally {
      this.cameraBusy.set(false);
    }
  }

  protected async switchType(): Promise<void> {
    if (this.switching() || this.calling.currentCall()?.pendingSwitch) return;
    this.switching.set(true);
    try {
      await (this.kind() === 'video' ? this.calling.switchToAudioCall() : this.calling.switchToVideoCall());
    } catch {
      // Shown from lastError.
    } finally {
      this.switching.set(false);
    }
  }

  /** Answers the peer's request to switch: the call switches only when this user agrees. */
  protected answerSwitch(accept: boolean): void {
    (accept ? this.calling.acceptSwitch() : this.calling.rejectSwitch()).catch(() => undefined);
  }

  protected hangup(): void {
    this.calling.hangup().catch(() => undefined);
  }
}
