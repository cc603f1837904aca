// A client process of the scale benchmark: holds its share of the idle logged-in sessions.
// IPC: {cmd:'open', url, ids, localAddress?} → {opened, ms}; {cmd:'close'} → closes every socket
// and exits.
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { devApp, openSessions } from './common.mjs';

const app = devApp(await import(pathToFileURL(process.env.BENCH_SERVER_BUNDLE).href));
let clients = [];

process.on('message', async (m) => {
  try {
    if (m.cmd === 'open') {
      const t0 = performance.now();
      clients = await openSessions(m.url, m.ids, {
        app,
        concurrency: m.concurrency ?? 50,
        localAddress: m.localAddress,
      });
      process.send({ id: m.id, ok: true, result: { opened: clients.length, ms: performance.now() - t0 } });
    } else if (m.cmd === 'close') {
      for (const c of clients) c.close();
      clients = [];
      process.send({ id: m.id, ok: true, result: {} }, () => process.exit(0));
    }
  } catch (e) {
    process.send({ id: m.id, ok: false, error: String(e?.stack ?? e) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
