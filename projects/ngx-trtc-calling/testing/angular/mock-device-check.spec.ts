import { MockDeviceCheck } from './mock-device-check';

describe('MockDeviceCheck', () => {
  it('reports the level the test sets, records previews and tones, and completes on stop', async () => {
    const check = new MockDeviceCheck();
    const levels: number[] = [];
    let completed = false;
    check.level$.subscribe({ next: (l) => levels.push(l), complete: () => (completed = true) });
    check.setLevel(42);
    check.attachPreview('preview');
    await check.playTestTone('speaker-2');
    check.stop();
    check.setLevel(99);
    expect(levels).toEqual([0, 42]);
    expect(check.previews).toEqual(['preview']);
    expect(check.tones).toEqual(['speaker-2']);
    expect(check.stopped).toBe(true);
    expect(completed).toBe(true);
  });
});
