// Typings for Tencent's `tls-sig-api-v2` (it ships none); only what the tests use. Imported by file:
// its package.json names `main` twice, and jest's resolver takes the first, which does not exist.
declare module 'tls-sig-api-v2/TLSSigAPIv2.js' {
  export class Api {
    constructor(sdkappid: number, key: string);
    /** A UserSig for `userid`, valid `expire` seconds from now. */
    genUserSig(userid: string, expire: number): string;
    /** A PrivateMapKey-style sig carrying a userbuf. */
    genPrivateMapKey(userid: string, expire: number, roomid: number, privilegeMap: number): string;
  }
}
