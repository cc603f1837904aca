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

  it('lets members add members (group.add), nobody else, within the member limit', async () => {
    await closeAll();
    server = await startTestServer({ maxGroupMembers: 3 });
    const [alice, bob, carol, mallory] = await TestClient.loginAll(server.url, [
      'alice',
      'bob',
      'carol',
      'mallory',
    ]);
    await alice.ok({ t: 'group.create', groupID: 'team', members: ['bob'] });
    await mallory.error({ t: 'group.add', groupID: 'team', members: ['mallory'] }, ERR.NOT_A_MEMBER);
    await bob.ok({ t: 'group.add', groupID: 'team', members: ['carol', 'alice'] }); // alice is in already
    await carol.ok({ t: 'group.join', groupID: 'team' }); // a member: idempotent
    await alice.sendMsg('team', 'welcome', 'GROUP');
    expect((await carol.nextMsg('welcome')).from).toBe('alice');
    await carol.error({ t: 'group.add', groupID: 'team', members: ['mallory'] }, ERR.GROUP_FULL);
    await carol.error({ t: 'group.add', groupID: 'team', members: ['not ok'] }, ERR.INVALID_USER_ID);
    await carol.error({ t: 'group.add', groupID: 'nope', members: ['bob'] }, ERR.UNKNOWN_TARGET);
    await delay(30);
    expect(mallory.messages()).toEqual([]);
  });
});
