import { ERR } from '../errors';
import type { RunningServer } from '../server';
import { TestClient, closeAll, startTestServer } from '../test-client.test-util';
import { JanusClient } from './janus-client';
import { eventually } from './janus-peer.test-util';
import { JanusProcess } from './start-janus.test-util';

/** The `max_publishers` Janus gave a VideoRoom (private rooms are listed with the admin key). */
async function maxPublishers(url: string, room: number, adminKey: string): Promise<unknown> {
  const client = await JanusClient.connect(url, {
    timeoutMs: 2000,
    keepaliveMs: 10_000,
    onClose: () => undefined,
  });
  try {
    const list = (await client.request({ request: 'list', admin_key: adminKey }))['list'] as
      { room: number; max_publishers: number }[] | undefined;
    return list?.find((r) => r.room === room)?.max_publishers;
  } finally {
    client.close();
  }
}

describe('calling-server room size with Janus configured', () => {
  let janus: JanusProcess;
  beforeAll(async () => {
    janus = await JanusProcess.start();
  }, 20_000);
  afterAll(async () => {
    // Unset when Janus did not start (beforeAll failed).
    await (janus as JanusProcess | undefined)?.dispose();
  });
  afterEach(closeAll);

  it('lets a room grow past the mesh size to --max-peers-per-sfu-room (default 16), and sizes the VideoRoom to it', async () => {
    // The defaults of every limit: only the Janus instance is configured.
    const server: RunningServer = await startTestServer({
      sessionPolicy: 'multi',
      janusUrls: [`${janus.url}#j1@10`],
      janusAdminKey: janus.adminKey,
    });
    await eventually(async () => {
      const health = (await (await fetch(`${server.httpUrl}/healthz`)).json()) as {
        janus?: { up: boolean }[];
      };
      return health.janus?.[0]?.up === true;
    }, 5000);
    const names = Array.from({ length: 17 }, (_, i) => `user${i}`);
    const clients = await TestClient.loginAll(server.url, names);
    const [host, ...others] = clients;
    await host!.ok({ t: 'room.join', roomID: 4301 });
    await host!.invite(4301, ...names.slice(1));
    for (const client of others.slice(0, 15)) await client.ok({ t: 'room.join', roomID: 4301 });
    expect(await maxPublishers(janus.url, 4301, janus.adminKey)).toBe(16);
    await others[15]?.error({ t: 'room.join', roomID: 4301 }, ERR.ROOM_FULL);
  }, 30_000);
});
