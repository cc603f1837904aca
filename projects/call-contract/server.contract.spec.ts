import { callContract } from './call-contract';
import { serverEnv, type ServerEnv } from './server-env';

// Real sockets and real time: the ring timeout is 2 s, and a scenario takes up to a few seconds.
jest.setTimeout(30_000);

callContract('calling-server + webSocketSignaling', () => serverEnv());

/** The env's own outage machinery, so that the reconnect scenarios above test what they claim. */
describe('serverEnv outages', () => {
  let env: ServerEnv;
  afterEach(() => env.teardown());

  const gauge = (name: string) =>
    Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(env.server.metrics.render())?.[1]);

  it('disconnect drops every session of the user until reconnect brings them back', async () => {
    env = await serverEnv();
    await env.client('alice');
    const phone = await env.client('bob');
    const laptop = await env.client('bob');
    expect(gauge('calling_sessions')).toBe(3);

    await env.disconnect('bob');
    // Not in a room (media is virtual here), so the server ends the sessions at once, no grace.
    await env.until(() => gauge('calling_sessions') === 1, 'the server noticed', 2_000);
    await env.wait(1_000); // several back-off periods: the reconnect attempts are held
    expect([phone.signaling.state.status, laptop.signaling.state.status]).toEqual(['notReady', 'notReady']);
    expect(gauge('calling_sessions')).toBe(1);
    expect(gauge('calling_connections')).toBe(1);

    await env.reconnect('bob');
    expect([phone.signaling.state.status, laptop.signaling.state.status]).toEqual(['ready', 'ready']);
    expect(gauge('calling_sessions')).toBe(3);
  });
});
