/**
 * One user on the demo app (`src/`), driven through its UI the way a person would: the sign-in
 * screen, the dialer, the UI kit's incoming and outgoing screens, call screen and controls.
 * Selectors are accessible roles and names first, the demo's `data-testid`s and the kit's
 * element names where a role does not single an element out.
 */
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';
import type { UserPage } from '../fixtures';

/** What a `<video>` element shows. */
export interface VideoSample {
  readonly videoWidth: number;
  readonly videoHeight: number;
  readonly currentTime: number;
  readonly paused: boolean;
  /** Frames the element has presented so far (`getVideoPlaybackQuality`). */
  readonly frames: number;
  /** The track's `deviceId` (a received track gets a made-up one). */
  readonly deviceId: string;
  /** Whether the track comes from one of this page's own cameras (not from a peer). */
  readonly captured: boolean;
}

export type Phase = 'idle' | 'dialing' | 'ringing' | 'connecting' | 'connected';

/** How long WebRTC gets to show the first frames on a busy 2-core machine. */
const MEDIA_TIMEOUT = 30_000;

export class DemoUser {
  readonly name: string;
  readonly page: Page;

  constructor(readonly user: UserPage) {
    this.name = user.name;
    this.page = user.page;
  }

  // ---- session ---------------------------------------------------------------------------

  /** Logs in through the sign-in screen (UserSig from the dev server). */
  async login(): Promise<void> {
    await this.page.getByLabel('Your user ID').fill(this.name);
    await this.page.getByRole('button', { name: 'Log in' }).click();
    await expect(this.page.getByTestId('logged-in-as')).toHaveText(this.name);
    await this.expectPhase('idle');
  }

  // ---- placing and answering calls -------------------------------------------------------

  /**
   * Calls one user (the dialer's User ID field and its Video/Audio call buttons) or several (the
   * group call picker, optionally into an IM group).
   */
  async call(
    callees: string | readonly string[],
    options: { type?: 'audio' | 'video'; groupID?: string } = {},
  ): Promise<void> {
    const type = options.type ?? 'video';
    if (typeof callees === 'string' && !options.groupID) {
      await this.page.getByLabel('User ID', { exact: true }).fill(callees);
      await this.page.getByTestId(type === 'audio' ? 'call-audio' : 'call-video').click();
      return;
    }
    const list = typeof callees === 'string' ? [callees] : callees;
    const picker = this.page.getByTestId('group-picker');
    if ((await picker.getAttribute('open')) === null) await picker.locator('summary').click();
    for (const userID of list) {
      await this.page.getByLabel('Add a person').fill(userID);
      await this.page.getByTestId('group-add').click();
    }
    await this.page.getByLabel('IM group ID').fill(options.groupID ?? '');
    await this.page.getByTestId(type === 'audio' ? 'group-call-audio' : 'group-call-video').click();
  }

  /** The kit's incoming-call screen (a dialog in a CDK overlay). */
  incomingPanel(): Locator {
    return this.page.getByRole('alertdialog');
  }

  async accept(): Promise<void> {
    await this.incomingPanel().getByRole('button', { name: 'Accept', exact: true }).click();
  }

  async reject(): Promise<void> {
    await this.incomingPanel().getByRole('button', { name: 'Decline' }).click();
  }

  /** The kit's outgoing-call screen (ringing, then how an unanswered call ended). */
  outgoing(): Locator {
    return this.page.getByTestId('outgoing-call');
  }

  /** Cancels the call while it rings (the outgoing screen's Cancel). */
  async cancel(): Promise<void> {
    await this.outgoing().getByRole('button', { name: 'Cancel' }).click();
  }

  /** Hangs up from the call screen's controls. */
  async hangup(): Promise<void> {
    await this.controls().getByRole('button', { name: 'Hang up' }).click();
  }

  /** The call screen's controls bar. */
  controls(): Locator {
    return this.page.getByRole('group', { name: 'Call controls' });
  }

  // ---- state -----------------------------------------------------------------------------

  status(): Locator {
    return this.page.getByTestId('status');
  }

  async expectPhase(phase: Phase, timeout?: number): Promise<void> {
    await expect(this.status(), `${this.name} is ${phase}`).toHaveAttribute('data-phase', phase, {
      ...(timeout ? { timeout } : {}),
    });
  }

  /** The kit's call screen, while a call is up. */
  stage(): Locator {
    return this.page.locator('ngx-call-screen section.ngx-call-screen');
  }

  /** The tile of `userID` on the call screen (its name is the userID: the demo has no resolver). */
  remoteTile(userID: string): Locator {
    return this.remoteTiles().filter({
      has: this.page.locator('.ngx-call-tile-name', { hasText: new RegExp(`^\\s*${userID}\\s*$`) }),
    });
  }

  remoteTiles(): Locator {
    return this.page.locator('ngx-call-tile:not(.ngx-call-tile-local)');
  }

  localTile(): Locator {
    return this.page.locator('ngx-call-tile.ngx-call-tile-local');
  }

  /** The muted badge of a tile. */
  mutedBadge(tile: Locator): Locator {
    return tile.locator('.ngx-call-badge-muted');
  }

  /** The camera-off badge of a tile. */
  cameraOffBadge(tile: Locator): Locator {
    return tile.locator('.ngx-call-badge-camera-off');
  }

  /** The outcomes of this session's calls, newest first (`CallRecord.endReason`). */
  async endReasons(): Promise<string[]> {
    return this.page
      .getByTestId('call-record')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-reason') ?? ''));
  }

  /** Waits until the newest call record has `reason`. */
  async expectLastCall(reason: string | RegExp): Promise<void> {
    await expect(this.page.getByTestId('call-record').first(), `${this.name}'s last call`).toHaveAttribute(
      'data-reason',
      reason,
    );
  }

  /** Waits until the status line tells how the last call ended with `text` (plain words). */
  async expectOutcome(text: string | RegExp): Promise<void> {
    await expect(this.status(), `${this.name}'s outcome`).toContainText(text);
  }

  /** The error message (plain words and a hint), shown for faults only (never for how a call ended). */
  errorBanner(): Locator {
    return this.page.getByTestId('error');
  }

  /** The browser refuses the camera from now on (getUserMedia with video fails as a blocked permission). */
  async blockCamera(): Promise<void> {
    await this.failCamera('NotAllowedError');
  }

  /** The camera is gone from now on (getUserMedia with video fails as with no camera plugged in). */
  async removeCamera(): Promise<void> {
    await this.failCamera('NotFoundError');
  }

  private async failCamera(name: 'NotAllowedError' | 'NotFoundError'): Promise<void> {
    await this.page.evaluate((errorName) => {
      const devices = navigator.mediaDevices;
      const open = devices.getUserMedia.bind(devices);
      devices.getUserMedia = (constraints?: MediaStreamConstraints) =>
        constraints?.video ? Promise.reject(new DOMException(errorName, errorName)) : open(constraints);
    }, name);
  }

  /** Event types in the live log, newest first. */
  async eventTypes(): Promise<string[]> {
    return this.page
      .getByTestId('event-log-item')
      .evaluateAll((items) => items.map((i) => i.getAttribute('data-type') ?? ''));
  }

  /** Uncaught errors, unhandled rejections and console errors of the page. */
  pageErrors(): string[] {
    return this.user.console.filter((line) => line.startsWith('[pageerror]') || line.startsWith('[error]'));
  }

  // ---- media -----------------------------------------------------------------------------

  /** What the `<video>` inside `tile` shows. */
  async sample(tile: Locator): Promise<VideoSample> {
    return tile.locator('video').evaluate(async (v: HTMLVideoElement) => {
      const track = (v.srcObject as MediaStream | null)?.getVideoTracks()[0];
      const deviceId = track?.getSettings().deviceId ?? '';
      const cameras = (await navigator.mediaDevices.enumerateDevices()).filter(
        (d) => d.kind === 'videoinput',
      );
      return {
        videoWidth: v.videoWidth,
        videoHeight: v.videoHeight,
        currentTime: v.currentTime,
        paused: v.paused,
        frames: v.getVideoPlaybackQuality().totalVideoFrames,
        deviceId,
        captured: cameras.some((d) => d.deviceId === deviceId),
      };
    });
  }

  /** Waits until `tile` plays real frames: a decoded size, then time and frames advancing. */
  async expectPlaying(tile: Locator, what: string): Promise<VideoSample> {
    await expect
      .poll(async () => (await this.sample(tile)).videoWidth, {
        message: `${this.name}: ${what} has a size`,
        timeout: MEDIA_TIMEOUT,
      })
      .toBeGreaterThan(0);
    const first = await this.sample(tile);
    await expect
      .poll(async () => (await this.sample(tile)).currentTime, { message: `${this.name}: ${what} advances` })
      .toBeGreaterThan(first.currentTime);
    await expect
      .poll(async () => (await this.sample(tile)).frames, {
        message: `${this.name}: ${what} shows new frames`,
      })
      .toBeGreaterThan(first.frames);
    const last = await this.sample(tile);
    expect(last.paused, `${this.name}: ${what} is not paused`).toBe(false);
    return last;
  }

  /** Waits until the remote tile of `userID` plays frames received from the peer. */
  async expectRemoteVideo(userID: string): Promise<VideoSample> {
    const tile = this.remoteTile(userID);
    await expect(tile.locator('video'), `${this.name} has a video for ${userID}`).toHaveCount(1, {
      timeout: MEDIA_TIMEOUT,
    });
    const sample = await this.expectPlaying(tile, `${userID}'s video`);
    // Every context's fake camera shows the same pattern: make sure this is not our own camera.
    expect(sample.captured, `${this.name}: ${userID}'s video comes from the peer`).toBe(false);
    return sample;
  }
}

/** Keeps a screenshot of `user`'s page with the test's artifacts. */
export async function keepScreenshot(user: DemoUser, testInfo: TestInfo, name: string): Promise<string> {
  const path = testInfo.outputPath(`${user.name}-${name}.png`);
  await testInfo.attach(`${user.name}-${name}.png`, {
    body: await user.page.screenshot({ path }),
    contentType: 'image/png',
  });
  return path;
}

/** No uncaught error and no console error on any page. */
export function expectNoPageErrors(...users: DemoUser[]): void {
  for (const user of users) expect(user.pageErrors(), `${user.name}'s page errors`).toEqual([]);
}
