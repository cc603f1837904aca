import { ERR } from './errors';
import type { RunningServer } from './server';
import { TestClient, closeAll, delay, startTestServer } from './test-client.test-util';

describe('privacy: groups', () => {
  let server: RunningServer;
  afterEach(closeAll);

  beforeEach(async () => {
    server = await startTestServer();
  });

  it('refuses a stranger’s group.join unless the group was created open', async () => {
    const [alice, mallory] = await TestClient.loginAll(server.url, ['alice', 'mallory']);
    await alice.ok({ t: 'group.create', groupID: 'closed', members: ['bob'] });
    await mallory.error({ t: 'group.join', groupID: 'closed' }, ERR.GROUP_CLOSED);
    // Not a member: he gets nothing sent to the group.
    await alice.sendMsg('closed', 'secret', 'GROUP');
    await delay(30);
    expect(mallory.messages()).toEqual([]);

    await alice.ok({ t: 'group.create', groupID: 'lobby', open: true });
    await mallory.ok({ t: 'group.join', groupID: 'lobby' });
    await alice.sendMsg('lobby', 'hello', 'GROUP');
    expect((await mallory.nextMsg('hello')).from).toBe('alice');
  });
});
