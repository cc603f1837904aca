import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestClient, closeAll, officialSig, startTestServer, TEST_APP } from './test-client.test-util';

describe('TLS', () => {
  afterEach(closeAll);

  it('serves https and wss with the configured certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calling-server-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const server = await startTestServer({ tlsCertFile: cert, tlsKeyFile: key });
    expect(server.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    expect(server.httpUrl).toMatch(/^https:/);
    const c = await TestClient.connect(server.url, { rejectUnauthorized: false });
    await c.ok({ t: 'login', SDKAppID: TEST_APP, userID: 'alice', userSig: officialSig('alice') });
    await expect(TestClient.connect(server.url.replace('wss:', 'ws:'))).rejects.toThrow();
  });

  it('refuses to start with unreadable TLS files', async () => {
    await expect(
      startTestServer({ tlsCertFile: '/nonexistent/c.pem', tlsKeyFile: '/nonexistent/k.pem' }),
    ).rejects.toThrow(/cannot read TLS files/);
  });
});
