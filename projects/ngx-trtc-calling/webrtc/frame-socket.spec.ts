import { parseServerFrame } from './frame-socket';

describe('parseServerFrame', () => {
  const message = { id: 'm1', seq: 1, from: 'bob', conversationType: 'C2C', to: 'alice', data: 'x', time: 1 };

  it.each([
    { t: 'ok', id: 1, result: {} },
    { t: 'error', id: 2, code: 4000, message: 'bad' },
    { t: 'error', code: 4000, message: 'no id' },
    { t: 'msg', message },
    { t: 'kicked', reason: 'multipleAccount' },
    { t: 'peer', roomID: 1, event: 'joined', peer: { userID: 'a', peerID: 'p' } },
    {
      t: 'rtc',
      roomID: 1,
      from: { userID: 'a', peerID: 'p' },
      payload: { kind: 'media', audio: true, video: true },
    },
    { t: 'pong', id: 3, time: 4 },
  ])('accepts %j', (frame) => {
    expect(parseServerFrame(JSON.stringify(frame))).toEqual(frame);
  });

  it.each([
    ['binary', new Uint8Array([1])],
    ['not JSON', '{'],
    ['null', 'null'],
    ['an array', '[]'],
    ['an unknown type', '{"t":"login","id":1}'],
    ['ok without id', '{"t":"ok","result":{}}'],
    ['msg without seq', JSON.stringify({ t: 'msg', message: { ...message, seq: undefined } })],
    ['peer with a bad event', '{"t":"peer","roomID":1,"event":"x","peer":{"userID":"a","peerID":"p"}}'],
    ['rtc without payload', '{"t":"rtc","roomID":1,"from":{"userID":"a","peerID":"p"}}'],
  ])('rejects %s', (_name, raw) => {
    expect(parseServerFrame(raw)).toBeUndefined();
  });
});
