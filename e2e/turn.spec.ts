/**
 * TURN in real Chromium: a coturn of this spec's own (`support/coturn.ts`, TURN REST credentials)
 * and calling-servers started here with the TURN flags, both on 127.0.0.1 with ephemeral ports;
 * the harness pages use `iceTransportPolicy: 'relay'` (`?relay=1`), so media can only flow
 * through coturn.
 *
 * - a relayed call moves frames both ways, and each side's selected candidate pair is relay/relay;
 * - credentials coturn refuses (a wrong secret; an expired credential) or a TURN server that does
 *   not answer end the call with a typed error (TURN_FAILED 4956, `mediaFailed`/`connectionFailed`)
 *   within a bounded time, not a hang;
 * - coturn killed and restarted mid-call: the links restart ICE with fresh credentials, frames
 *   flow again, and `mediaConnection$` went `reconnecting` then `connected`.
 */
import { createHmac } from 'node:crypto';
import type { Page } from '@playwright/test';
import { startServer, type RunningServer, type ServerOptions } from '../projects/calling-server/src';
import { expect, test, type UserPage } from './fixtures';
import { connect, phaseOf } from './support/harness-call';
import { startCoturn, type Coturn } from './support/coturn';

const SECRET = 'e2e-turn-shared-secret';
const TURN_FAILED = 4956;

let coturn: Coturn;
const servers: RunningServer[] = [];

test.beforeAll(async () => {
  coturn = await startCoturn({ secret: SECRET });
});

test.afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await coturn?.stop();
});

// eslint-disable-next-line no-empty-pattern
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus)
    await testInfo.attach('coturn.log', { body: coturn.log().slice(-20_000), contentType: 'text/plain' });
});

/** A dev calling-server issuing credentials for the spec's coturn. */
async function turnServer(options: ServerOptions = {}): Promise<RunningServer> {
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dev: true,
    logLevel: 'error',
    shutdownGraceMs: 200,
    turnSecret: SECRET,
    turnUrls: [coturn.url],
    ...options,
  });
  servers.push(server);
  return server;
}

const framesDecoded = async (page: Page) =>
  (await page.evaluate(() => window.harness.rtcStats())).framesDecoded;

/** Both users on `server`'s harness with relay only, logged in. */
async function relayPair(
  newUserPage: (name: string, url?: string) => Promise<UserPage>,
  staticBaseURL: string,
  server: RunningServer,
  iceServers: RTCIceServer[] = [],
  connectTimeout?: number,
): Promise<[UserPage, UserPage]> {
  const query = new URLSearchParams({
    ws: server.url,
    http: server.httpUrl,
    relay: '1',
    ice: JSON.stringify(iceServers),
  });
  if (connectTimeout !== undefined) query.set('connectTimeout', String(connectTimeout));
  const users: UserPage[] = [];
  for (const name of ['alice', 'bob']) {
    const user = await newUserPage(name, `${staticBaseURL}/harness/?${query}`);
    await user.page.waitForFunction(() => typeof window.harness === 'object', undefined, { timeout: 15_000 });
    await user.page.evaluate((id) => window.harness.login(id), name);
    users.push(user);
  }
  return users as [UserPage, UserPage];
}

/** Alice and bob relay-only on a server of their own with coturn's credentials, in a connected call. */
async function relayCall(
  newUserPage: (name: string, url?: string) => Promise<UserPage>,
  staticBaseURL: string,
): Promise<[UserPage, UserPage]> {
  const users = await relayPair(newUserPage, staticBaseURL, await turnServer());
  await connect(...users, { timeout: 15_000 });
  return users;
}

/** Frames from the other browser keep being decoded (sampled `within` ms apart at most). */
async function expectFramesFlow(user: UserPage, within = 15_000): Promise<void> {
  const before = await framesDecoded(user.page);
  await expect
    .poll(() => framesDecoded(user.page), {
      message: `${user.name} decodes the peer's video`,
      timeout: within,
    })
    .toBeGreaterThan(before + 10);
}

test('a relay-only call moves frames both ways through coturn (relay/relay candidate pairs)', async ({
  newUserPage,
  servers: e2e,
}) => {
  const [alice, bob] = await relayCall(newUserPage, e2e.staticBaseURL);
  for (const user of [alice, bob]) {
    await expect
      .poll(() => user.page.evaluate(() => window.harness.rtcStats().then((s) => s.states)), {
        message: `${user.name}'s peer connection is up`,
        timeout: 15_000,
      })
      .toEqual(['connected']);
    await expectFramesFlow(user);
    expect(await user.page.evaluate(() => window.harness.selectedCandidatePairs())).toEqual(['relay/relay']);
    expect(await user.page.evaluate(() => window.harness.errors())).toEqual([]);
  }
  await alice.page.evaluate(() => window.harness.hangup());
  for (const user of [alice, bob])
    await expect.poll(() => phaseOf(user.page), { message: `${user.name} idle` }).toBe('idle');
});

/** A credential coturn's secret signed, which expired an hour ago (`<expiry>:<userID>`). */
function expiredCredential(): RTCIceServer[] {
  const username = `${Math.floor(Date.now() / 1000) - 3600}:anyone`;
  const credential = createHmac('sha1', SECRET).update(username).digest('base64');
  return [{ urls: coturn.url, username, credential }];
}

interface RefusedCase {
  readonly what: string;
  readonly server: ServerOptions;
  readonly own?: () => RTCIceServer[];
  /** The pages' `connectTimeout`, when the case waits for it. */
  readonly connectTimeout?: number;
  /** How long after Accept both sides must be idle, ms. */
  readonly bound: number;
}

const REFUSED: readonly RefusedCase[] = [
  // coturn answers 401 at once: gathering ends without a candidate, each attempt fails at once.
  { what: 'a wrong secret', server: { turnSecret: 'not-the-coturn-secret' }, bound: 10_000 },
  {
    what: 'an expired credential',
    // A server that issues no TURN, and the app's own credential, signed right but expired.
    server: { turnSecret: undefined, turnUrls: undefined },
    own: expiredCredential,
    bound: 10_000,
  },
  {
    // Nothing listens there (UDP port 9, discard): the allocation requests go unanswered, so each
    // of the 3 attempts (2 ICE restarts) ends at its connect timeout: 3 × 3 s here.
    what: 'an unreachable TURN server',
    server: { turnUrls: ['turn:127.0.0.1:9?transport=udp'] },
    connectTimeout: 3_000,
    bound: 15_000,
  },
];

for (const { what, server: serverOptions, own, connectTimeout, bound } of REFUSED) {
  test(`relay-only with ${what}: the call ends with TURN_FAILED within ${bound / 1000} s, not a hang`, async ({
    newUserPage,
    servers: e2e,
  }) => {
    const server = await turnServer(serverOptions);
    const [alice, bob] = await relayPair(
      newUserPage,
      e2e.staticBaseURL,
      server,
      own?.() ?? [],
      connectTimeout,
    );
    await alice.page.evaluate(() => window.harness.call('bob', 2));
    await expect.poll(() => phaseOf(bob.page), { message: 'bob rings', timeout: 15_000 }).toBe('ringing');
    const accepted = Date.now();
    await bob.page.evaluate(() => window.harness.accept()).catch(() => undefined);
    for (const user of [alice, bob]) {
      await expect
        .poll(() => phaseOf(user.page), { message: `${user.name}'s call ends`, timeout: bound })
        .toBe('idle');
    }
    const elapsed = Date.now() - accepted;
    expect(elapsed, 'bounded').toBeLessThan(bound);
    // At least one side saw its links fail for want of a TURN allocation (the other may end on
    // that side's hang-up notice first), and nothing is left open.
    const errors = [
      ...(await alice.page.evaluate(() => window.harness.errors())),
      ...(await bob.page.evaluate(() => window.harness.errors())),
    ];
    expect(errors.join('\n')).toContain(`"code":${TURN_FAILED}`);
    expect(errors.join('\n')).toMatch(/no TURN allocation/);
    const ends = [];
    for (const user of [alice, bob])
      for (const event of await user.page.evaluate(() => window.harness.events()))
        if (event.type === 'onCallEnd') ends.push(event.payload);
    expect(ends).toContainEqual(
      expect.objectContaining({ reason: 'mediaFailed', cause: 'connectionFailed' }),
    );
    for (const user of [alice, bob]) {
      await expect
        .poll(() => user.page.evaluate(() => window.harness.rtcStats().then((s) => s.open)), {
          message: `${user.name} closed its peer connections`,
          timeout: 5_000,
        })
        .toBe(0);
    }
    test
      .info()
      .annotations.push({ type: 'turn-failed', description: `${what}: idle ${elapsed} ms after accept` });
  });
}

test('coturn restarted mid-call: ICE restarts, frames flow again, reconnecting then connected', async ({
  newUserPage,
  servers: e2e,
}) => {
  const [alice, bob] = await relayCall(newUserPage, e2e.staticBaseURL);
  for (const user of [alice, bob]) await expectFramesFlow(user);

  await coturn.restart();
  const restarted = Date.now();
  for (const user of [alice, bob]) {
    await expect
      .poll(() => user.page.evaluate(() => window.harness.mediaConnection()), {
        message: `${user.name}: reconnecting, then connected`,
        timeout: 30_000,
      })
      .toEqual(['connected', 'reconnecting', 'connected']);
  }
  const recovered = Date.now() - restarted;
  for (const user of [alice, bob]) {
    await expectFramesFlow(user, 10_000);
    expect(await phaseOf(user.page)).toBe('connected');
    expect(await user.page.evaluate(() => window.harness.selectedCandidatePairs())).toEqual(['relay/relay']);
  }
  test.info().annotations.push({
    type: 'ice-restart',
    description: `recovered ${recovered} ms after coturn restarted`,
  });
  await alice.page.evaluate(() => window.harness.hangup());
  for (const user of [alice, bob])
    await expect.poll(() => phaseOf(user.page), { message: `${user.name} idle` }).toBe('idle');
});
