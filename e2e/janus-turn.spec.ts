/**
 * A room on Janus under `iceTransportPolicy: 'relay'`: the SFU's peer connections (publisher and
 * subscription) get the TURN credentials the calling-server issues and the app's policy, as the
 * mesh's links do, so the media reaches Janus only through this spec's coturn. A calling-server
 * started here with one real Janus (`--sfu-threshold 0`: every room on it) and `--turn-secret`.
 */
import { networkInterfaces } from 'node:os';
import { startServer, type RunningServer } from '../projects/calling-server/src';
import { JanusProcess } from '../projects/calling-server/src/janus/start-janus.test-util';
import { expect, test, type UserPage } from './fixtures';
import { smallVideoUser } from './support/harness-call';
import { startCoturn, type Coturn } from './support/coturn';

const SECRET = 'e2e-janus-turn-secret';

let coturn: Coturn;
let janus: JanusProcess;
let server: RunningServer;

test.describe.configure({ timeout: 120_000 });

test.beforeAll(async () => {
  // Janus takes no loopback candidate (it offers this host's interface address): the relays are
  // on that address too, so that Janus can answer them.
  coturn = await startCoturn({ secret: SECRET, relayIp: interfaceAddress() });
  janus = await JanusProcess.start({ adminKey: 'e2e-admin' });
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dev: true,
    logLevel: 'error',
    shutdownGraceMs: 200,
    janusUrls: [`${janus.url}#janus-a`],
    sfuThreshold: 0,
    janusAdminKey: 'e2e-admin',
    turnSecret: SECRET,
    turnUrls: [coturn.url],
  });
});

test.afterAll(async () => {
  await server?.close();
  await janus?.dispose();
  await coturn?.stop();
});

// eslint-disable-next-line no-empty-pattern
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus)
    await testInfo.attach('coturn.log', { body: coturn.log().slice(-20_000), contentType: 'text/plain' });
});

/** This host's first IPv4 interface address (the one Janus offers). */
function interfaceAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
  if (!address) throw new Error('no IPv4 interface address besides loopback');
  return address;
}

/** The harness on this spec's server with relay only, logged in as `userID`, small video. */
async function relayUser(
  newUserPage: (name: string, url?: string) => Promise<UserPage>,
  staticBaseURL: string,
  userID: string,
): Promise<UserPage> {
  const query = new URLSearchParams({ ws: server.url, http: server.httpUrl, relay: '1' });
  return smallVideoUser(newUserPage, `${staticBaseURL}/harness/?${query}`, userID);
}

const framesDecoded = async (user: UserPage) =>
  (await user.page.evaluate(() => window.harness.rtcStats())).framesDecoded;

test('a relay-only call on Janus: publisher and subscription connect through coturn, frames both ways', async ({
  newUserPage,
  servers,
}) => {
  const alice = await relayUser(newUserPage, servers.staticBaseURL, 'alice');
  const bob = await relayUser(newUserPage, servers.staticBaseURL, 'bob');
  await alice.page.evaluate(() => window.harness.groupCall(['bob'], 2));
  await expect
    .poll(() => bob.page.evaluate(() => window.harness.phase()), { message: 'bob rings' })
    .toBe('ringing');
  await bob.page.evaluate(() => window.harness.accept());
  for (const user of [alice, bob]) {
    await expect
      .poll(() => user.page.evaluate(() => window.harness.phase()), {
        message: `${user.name} connected`,
        timeout: 30_000,
      })
      .toBe('connected');
  }
  for (const user of [alice, bob]) {
    expect(
      user.console.some((line) => line.includes(' media on janus-a')),
      `${user.name}'s media is on Janus`,
    ).toBe(true);
    const before = await framesDecoded(user);
    await expect
      .poll(() => framesDecoded(user), { message: `${user.name} decodes the other's video`, timeout: 30_000 })
      .toBeGreaterThan(before + 10);
    const stats = await user.page.evaluate(() => window.harness.rtcStats());
    expect(stats.open, `${user.name}: the publisher and the subscription`).toBe(2);
    // Our side of each selected pair is a TURN relay candidate; Janus' side its host address.
    const pairs = await user.page.evaluate(() => window.harness.selectedCandidatePairs());
    expect(pairs, `${user.name}'s selected candidate pairs`).toEqual(['relay/host', 'relay/host']);
    expect(await user.page.evaluate(() => window.harness.errors())).toEqual([]);
  }
  await alice.page.evaluate(() => window.harness.hangup());
});
