import { Api } from 'tls-sig-api-v2/TLSSigAPIv2.js';
import { deflateSync } from 'node:zlib';
import { ERR } from './errors';
import { DEV_SECRET_KEY, decodeUserSig, genUserSig, verifyUserSig } from './usersig';

const KEY = 'unit-test-key';
const APP = 1400012345;
const NOW = 1_800_000_000_000;

function tencentEscape(b64: string): string {
  return b64.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}
function encodeDoc(doc: unknown): string {
  return tencentEscape(deflateSync(Buffer.from(JSON.stringify(doc))).toString('base64'));
}

describe('UserSig', () => {
  afterEach(() => jest.restoreAllMocks());

  it('signs byte-for-byte like the official tls-sig-api-v2', () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    const official = new Api(APP, KEY).genUserSig('alice', 86400);
    expect(
      genUserSig({ sdkAppID: APP, secretKey: KEY, userID: 'alice', expireSeconds: 86400, now: NOW }),
    ).toBe(official);
  });

  it('verifies official UserSigs and PrivateMapKey-style sigs with a userbuf', () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    const api = new Api(APP, KEY);
    const plain = verifyUserSig(api.genUserSig('bob_1', 600), {
      sdkAppID: APP,
      secretKey: KEY,
      userID: 'bob_1',
      now: NOW,
    });
    expect(plain).toEqual({
      ok: true,
      claims: { identifier: 'bob_1', sdkAppID: APP, time: NOW / 1000, expire: 600 },
      expiresAt: NOW + 600_000,
    });
    const withBuf = api.genPrivateMapKey('bob_1', 600, 1234, 255);
    expect(decodeUserSig(withBuf)?.userbuf).toEqual(expect.any(String));
    expect(verifyUserSig(withBuf, { sdkAppID: APP, secretKey: KEY, userID: 'bob_1', now: NOW }).ok).toBe(
      true,
    );
  });

  it('refuses each kind of bad UserSig with its own code', () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    const v = (sig: string, userID = 'alice', now = NOW) =>
      verifyUserSig(sig, { sdkAppID: APP, secretKey: KEY, userID, now, maxLength: 1000 });
    const code = (r: ReturnType<typeof v>) => (r.ok ? 'ok' : r.code);
    const good = new Api(APP, KEY).genUserSig('alice', 60);
    expect(code(v(good))).toBe('ok');
    expect(code(v(new Api(APP, 'other-key').genUserSig('alice', 60)))).toBe(ERR.USERSIG_INVALID);
    expect(code(v(good, 'mallory'))).toBe(ERR.USERSIG_USER_MISMATCH);
    expect(code(v(new Api(APP + 1, KEY).genUserSig('alice', 60)))).toBe(ERR.SDKAPPID_MISMATCH);
    expect(code(v(good, 'alice', NOW + 60_000))).toBe(ERR.USERSIG_EXPIRED);
    expect(code(v(good, 'alice', NOW + 59_999))).toBe('ok');
    expect(code(v(''))).toBe(ERR.USERSIG_INVALID);
    expect(code(v('garbage!'))).toBe(ERR.USERSIG_INVALID);
    expect(code(v('eJyrVkrLz1eyUkpKLFKqBQAdxgQT'))).toBe(ERR.USERSIG_INVALID); // deflated {"foo":"bar"}-like
    expect(code(v('A'.repeat(1001)))).toBe(ERR.USERSIG_INVALID);
    expect(code(v(good.slice(0, -8)))).toBe(ERR.USERSIG_INVALID); // truncated
  });

  it('refuses well-signed documents with a wrong version, types or identifier', () => {
    const sign = (doc: Record<string, unknown>) => {
      const sig = genUserSig({ sdkAppID: APP, secretKey: KEY, userID: 'x', now: NOW, expireSeconds: 60 });
      const base = decodeUserSig(sig)!;
      return { ...doc, 'TLS.sig': base.sig };
    };
    const base = {
      'TLS.ver': '2.0',
      'TLS.identifier': 'x',
      'TLS.sdkappid': APP,
      'TLS.time': NOW / 1000,
      'TLS.expire': 60,
    };
    const v = (doc: unknown, userID = 'x') =>
      verifyUserSig(encodeDoc(doc), { sdkAppID: APP, secretKey: KEY, userID, now: NOW });
    expect(v(sign(base)).ok).toBe(true);
    expect(v(sign({ ...base, 'TLS.ver': '1.0' }))).toMatchObject({ ok: false, code: ERR.USERSIG_INVALID });
    expect(v(sign({ ...base, 'TLS.time': String(NOW / 1000) }))).toMatchObject({
      ok: false,
      code: ERR.USERSIG_INVALID,
    });
    expect(v([1, 2, 3])).toMatchObject({ ok: false, code: ERR.USERSIG_INVALID });
    // A correctly signed identifier that is not a valid userID is refused as invalid.
    const bad = genUserSig({ sdkAppID: APP, secretKey: KEY, userID: 'no spaces', now: NOW });
    expect(
      verifyUserSig(bad, { sdkAppID: APP, secretKey: KEY, userID: 'no spaces', now: NOW }),
    ).toMatchObject({
      ok: false,
      code: ERR.USERSIG_INVALID,
    });
  });

  it('refuses a valid UserSig altered in any way that still decodes (malleability)', () => {
    const good = genUserSig({ sdkAppID: APP, secretKey: KEY, userID: 'alice', now: NOW, expireSeconds: 60 });
    const v = (sig: string) =>
      verifyUserSig(sig, { sdkAppID: APP, secretKey: KEY, userID: 'alice', now: NOW });
    expect(v(good).ok).toBe(true);
    const raw = Buffer.from(good.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='), 'base64');
    // Bytes after the zlib stream: inflate ignores them, the signature still verifies.
    for (const tail of [Buffer.from([0]), Buffer.from('trailing bytes'), raw]) {
      expect(v(tencentEscape(Buffer.concat([raw, tail]).toString('base64')))).toMatchObject({
        ok: false,
        code: ERR.USERSIG_INVALID,
      });
    }
    // Non-canonical base64 of the same bytes: plain alphabet, missing padding, stray padding bits.
    const plain = raw.toString('base64');
    const variants = [plain, tencentEscape(plain).replace(/_+$/, ''), `${good}_`];
    const last = plain.replace(/=+$/, '').slice(-1);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const sibling = alphabet[(alphabet.indexOf(last) ^ 1) % 64]!;
    const padded = plain.replace(/=+$/, '');
    if (padded.length % 4 !== 0)
      variants.push(tencentEscape(`${padded.slice(0, -1)}${sibling}${plain.slice(padded.length)}`));
    for (const sig of variants) {
      if (sig === good) continue;
      expect(v(sig)).toMatchObject({ ok: false, code: ERR.USERSIG_INVALID });
    }
  });

  it('refuses documents that are not exactly the TLS v2 form (extra or missing fields, wrong types)', () => {
    const claims = {
      'TLS.ver': '2.0',
      'TLS.identifier': 'x',
      'TLS.sdkappid': APP,
      'TLS.time': NOW / 1000,
      'TLS.expire': 60,
    };
    const sig = decodeUserSig(
      genUserSig({ sdkAppID: APP, secretKey: KEY, userID: 'x', now: NOW, expireSeconds: 60 }),
    )!.sig;
    const v = (doc: Record<string, unknown>) =>
      verifyUserSig(encodeDoc(doc), { sdkAppID: APP, secretKey: KEY, userID: 'x', now: NOW });
    expect(v({ ...claims, 'TLS.sig': sig }).ok).toBe(true);
    const bad: Record<string, unknown>[] = [
      { ...claims, 'TLS.sig': sig, 'TLS.extra': 1 },
      { ...claims, 'TLS.sig': sig, admin: true },
      { ...claims, 'TLS.sig': `${sig}AAAA` },
      { ...claims, 'TLS.sig': sig, 'TLS.expire': -60 },
      { ...claims, 'TLS.sig': sig, 'TLS.ver': 2 },
    ];
    for (const doc of bad) expect(v(doc)).toMatchObject({ ok: false, code: ERR.USERSIG_INVALID });
  });

  it('never throws on hostile input', () => {
    const inputs = ['*'.repeat(50), '-_-_', 'eJw_', '\u0000', '😀', 'eJzLSM3JyQcABiwCFQ__'];
    for (const s of inputs) {
      expect(() => verifyUserSig(s, { sdkAppID: APP, secretKey: DEV_SECRET_KEY, userID: 'a' })).not.toThrow();
      expect(verifyUserSig(s, { sdkAppID: APP, secretKey: DEV_SECRET_KEY, userID: 'a' }).ok).toBe(false);
    }
  });
});
