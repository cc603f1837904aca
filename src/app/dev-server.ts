import { inject, Injectable } from '@angular/core';
import { CallingTransportError, webSocketSignaling } from 'ngx-trtc-calling/webrtc';
import { WIRE_ERROR } from 'ngx-trtc-calling/wire';
import { DEMO_CONFIG } from './runtime-config';

/**
 * What the demo asks of a calling-server in `--dev` mode, beside calling itself: test UserSigs
 * (`GET /dev/usersig`) and IM groups for group calls with a groupID.
 *
 * A real app gets UserSigs from its own backend and manages its groups there.
 */
@Injectable({ providedIn: 'root' })
export class DevServer {
  readonly #config = inject(DEMO_CONFIG);

  /** A test UserSig for `userID`. */
  async userSig(userID: string): Promise<string> {
    const url = `${this.#config.httpUrl}/dev/usersig?userID=${encodeURIComponent(userID)}`;
    let response: Response;
    try {
      response = await fetch(url);
    } catch {
      throw new Error(`cannot reach the calling-server at ${this.#config.httpUrl}; is it running?`);
    }
    const body = (await response.json().catch(() => ({}))) as { userSig?: string; error?: string };
    if (!response.ok || !body.userSig) {
      throw new Error(`no UserSig for ${userID}: ${body.error ?? `HTTP ${response.status}`}`);
    }
    return body.userSig;
  }

  /**
   * Makes sure IM group `groupID` exists with `members` in it, so that a group call can be sent
   * to it. `CallingService` keeps its signaling channel to itself, so a short-lived helper
   * session does it (under its own throw-away userID: a second login of the caller would kick
   * the caller's own session on a server with the `single` session policy). An existing group
   * is used as it is.
   */
  async ensureGroup(groupID: string, members: readonly string[]): Promise<void> {
    const helper = `demo-groups-${Math.random().toString(36).slice(2, 10)}`;
    const signaling = webSocketSignaling({ url: this.#config.serverUrl, SDKAppID: this.#config.sdkAppID });
    try {
      await signaling.login({ userID: helper, userSig: await this.userSig(helper) });
      try {
        await signaling.createGroup(groupID, members);
      } catch (error) {
        const exists = error instanceof CallingTransportError && error.code === WIRE_ERROR.GROUP_EXISTS;
        if (!exists) throw error;
      }
      // The group lives on with the members; the helper leaves it.
      await signaling.leaveGroup(groupID).catch(() => undefined);
      await signaling.logout().catch(() => undefined);
    } finally {
      signaling.destroy();
    }
  }
}
