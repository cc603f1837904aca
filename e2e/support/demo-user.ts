/**
 * One user on the demo app (`src/`), driven through its UI the way a person would: the login
 * form, the dialer, the library's incoming-call panel, the call controls. Selectors are the
 * demo's `data-testid`s and accessible roles/names.
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

  /** Logs in through the form (UserSig from the dev server). */
  async login(): Promise<void> {
    await this.page.getByLabel('Your user ID').fill(this.name);
    await this.page.getByRole('button', { name: 'Log in' }).click();
    await expect(this.page.getByTestId('logged-in-as')).toHaveText(this.name);
    await this.expectPhase('idle');
  }

  // ---- placing and answering calls -------------------------------------------------------

  /** Calls one user or several (a group call), audio or video, optionally into an IM group. */
  async call(
    callees: string | readonly string[],
    options: { type?: 'audio' | 'video'; groupID?: string } = {},
  ): Promise<void> {
    const list = typeof callees === 'string' ? callees : callees.join(', ');
    await this.page.getByLabel('Call user ID(s)').fill(list);
    await this.page.getByLabel('Group ID').fill(options.groupID ?? '');
    await this.page.getByTestId(options.type === 'audio' ? 'call-type-audio' : 'call-type-video').check();
    await this.page.getByTestId('call').click();
  }

  /** The library's incoming-call panel (in a CDK overlay). */
  incomingPanel(): Locator {
    return this.page.getByRole('alertdialog');
  }

  async accept(): Promise<void> {
    await this.incomingPanel()
      .getByRole('button', { name: /^Accept/ })
      .click();
  }

  async reject(): Promise<void> {
    await this.incomingPanel()
      .getByRole('button', { name: /^Decline/ })
      .click();
  }

  /** Hangs up (or cancels while dialing). */
  async hangup(): Promise<void> {
    await this.page.getByTestId('hangup').click();
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

  stage(): Locator {
    return this.page.getByTestId('call-stage');
  }

  remoteTile(userID: string): Locator {
    return this.page.locator(`[data-testid="remote-tile"][data-user="${userID}"]`);
  }

  remoteTiles(): Locator {
    return this.page.getByTestId('remote-tile');
  }

  localTile(): Locator {
    return this.page.getByTestId('local-tile');
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

  /** The error banner, shown for faults only (never for how a call ended). */
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
    await expect(tile, `${this.name} has a tile for ${userID}`).toHaveAttribute('data-status', 'joined', {
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
