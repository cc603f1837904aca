import { JanusClient, JanusError } from './janus-client';
import { JanusProcess } from './start-janus.test-util';

describe('JanusClient against a real Janus', () => {
  let janus: JanusProcess;
  beforeAll(async () => {
    janus = await JanusProcess.start();
  }, 20_000);
  afterAll(async () => {
    // Unset when Janus did not start (beforeAll failed).
    await (janus as JanusProcess | undefined)?.dispose();
  });

  it('answers VideoRoom requests, and a VideoRoom refusal is a JanusError with its code', async () => {
    const closed: string[] = [];
    const client = await JanusClient.connect(janus.url, {
      timeoutMs: 2000,
      keepaliveMs: 10_000,
      onClose: (r) => closed.push(r),
    });
    expect(await client.request({ request: 'exists', room: 777 })).toMatchObject({ exists: false });
    const refusal = await client
      .request({ request: 'destroy', room: 777, secret: 'x' })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(JanusError);
    expect(refusal).toMatchObject({ code: 426 });
    client.close();
    expect(closed).toEqual(['closed']);
    expect(client.open).toBe(false);
  });

  it('a hung instance (sockets open, no answers) fails the keepalive and ends the connection', async () => {
    const closed: string[] = [];
    const client = await JanusClient.connect(janus.url, {
      timeoutMs: 300,
      keepaliveMs: 200,
      onClose: (r) => closed.push(r),
    });
    janus.pause();
    try {
      const started = Date.now();
      while (!closed.length && Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 50));
      expect(closed).toEqual(['keepalive unanswered']);
      expect(client.open).toBe(false);
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      janus.resume();
    }
  });

  it('an unreachable URL rejects within the timeout', async () => {
    const started = Date.now();
    await expect(
      JanusClient.connect('ws://127.0.0.1:9', {
        timeoutMs: 500,
        keepaliveMs: 1000,
        onClose: () => undefined,
      }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
