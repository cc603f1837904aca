// Acceptance check of the built package: a plain Node ESM script imports `ngx-trtc-calling/core`,
// `ngx-trtc-calling/testing` and `ngx-trtc-calling/wire` from dist/ (through a node_modules
// link, as an app would) and runs a call between two Calling instances on one VirtualNetwork,
// in real time. Needs `ng build ngx-trtc-calling` first.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'ngx-trtc-calling-smoke-'));
mkdirSync(join(dir, 'node_modules'));
symlinkSync(join(root, 'dist', 'ngx-trtc-calling'), join(dir, 'node_modules', 'ngx-trtc-calling'), 'dir');
// The app's own dependencies: rxjs (a peer dependency of the library).
symlinkSync(join(root, 'node_modules', 'rxjs'), join(dir, 'node_modules', 'rxjs'), 'dir');
writeFileSync(
  join(dir, 'smoke.mjs'),
  `
import { firstValueFrom, filter } from 'rxjs';
import { Calling, SILENT_LOGGER } from 'ngx-trtc-calling/core';
import { VirtualNetwork } from 'ngx-trtc-calling/testing';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';

const network = new VirtualNetwork({ latency: 5 });
const client = (userID) => {
  const calling = new Calling({ SDKAppID: DEV_SDK_APP_ID, signaling: network.signaling(), media: network.media(), logger: SILENT_LOGGER });
  return { calling, login: () => calling.login({ userID, userSig: 'sig-' + userID }) };
};
const phase = (c, p) => firstValueFrom(c.phase$.pipe(filter((x) => x === p)));
const alice = client('alice');
const bob = client('bob');
await Promise.all([alice.login(), bob.login()]);
const invited = firstValueFrom(bob.calling.invited$);
await alice.calling.call({ userID: 'bob', type: 2 });
const invitation = await invited;
if (invitation.sponsor !== 'alice') throw new Error('unexpected sponsor ' + invitation.sponsor);
await bob.calling.accept();
await Promise.all([phase(alice.calling, 'connected'), phase(bob.calling, 'connected')]);
const ended = firstValueFrom(bob.calling.callEnd$);
await alice.calling.hangup();
const end = await ended;
if (end.reason !== 'remoteHangup' || end.userID !== 'alice') throw new Error('unexpected end ' + JSON.stringify(end));
await phase(bob.calling, 'idle');
const [record] = alice.calling.callRecords;
if (record.endReason !== 'hangup' || record.participants[0].status !== 'joined') throw new Error('unexpected record ' + JSON.stringify(record));
await Promise.all([alice.calling.destroy(), bob.calling.destroy()]);
network.destroy();
if (network.liveTracks() !== 0) throw new Error('tracks left running');
console.log('package smoke: a call between two Calling instances over the built package works');
`,
);
const result = spawnSync(process.execPath, ['smoke.mjs'], { cwd: dir, stdio: 'inherit', timeout: 60_000 });
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
