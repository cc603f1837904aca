import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestBed } from '@angular/core/testing';
import { SILENT_LOGGER } from 'ngx-trtc-calling/core';
import * as tencentEntry from 'ngx-trtc-calling/tencent';
import { VirtualClock, VirtualNetwork } from 'ngx-trtc-calling/testing';
import { CallingService, provideCalling, withCallingOptions } from 'ngx-trtc-calling';
import {
  CALLING_TENCENT_LOADER,
  type TencentAdapters,
  type TencentCloudOptions,
  withTencentCloud,
} from './with-tencent-cloud';

describe('withTencentCloud', () => {
  it('does not load the Tencent entry until the service first needs the backend', async () => {
    // A virtual network stands in for Tencent IM and TRTC; only the loader is faked.
    const clock = new VirtualClock();
    const network = new VirtualNetwork({ scheduler: clock.scheduler });
    const adapters: TencentAdapters = {
      timSignaling: jest.fn(() => network.signaling()),
      trtcMedia: jest.fn(() => network.media()),
    };
    const load = jest.fn(async () => adapters);
    const tim = { fake: 'TIM instance' } as unknown as TencentCloudOptions['tim'];
    const TRTC = { fake: 'trtc-js-sdk' } as unknown as TencentCloudOptions['TRTC'];
    TestBed.configureTestingModule({
      providers: [
        provideCalling(
          withTencentCloud({ SDKAppID: 1400000042, tim, TRTC }),
          withCallingOptions({ scheduler: clock.scheduler, logger: SILENT_LOGGER }),
        ),
        { provide: CALLING_TENCENT_LOADER, useValue: load },
      ],
    });
    const settle = async <T>(work: Promise<T>) => (await Promise.all([work, clock.advance(10)]))[0];

    const calling = TestBed.inject(CallingService);
    const phases: string[] = [];
    calling.phase$.subscribe((p) => phases.push(p));
    await clock.advance(10);
    expect(load).not.toHaveBeenCalled();
    expect(phases).toEqual(['idle']);

    await settle(calling.login({ userID: 'alice', userSig: 'sig' }));
    expect(load).toHaveBeenCalledTimes(1);
    expect(adapters.timSignaling).toHaveBeenCalledWith({ SDKAppID: 1400000042, tim });
    expect(adapters.trtcMedia).toHaveBeenCalledWith({ SDKAppID: 1400000042, TRTC });
    expect(calling.userID()).toBe('alice');

    await settle(calling.getCameras());
    TestBed.resetTestingModule();
    await clock.advance(1_000);
    expect(clock.pending()).toBe(0);
    network.destroy();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads ngx-trtc-calling/tencent by default, on first use', async () => {
    const timSignaling = jest.spyOn(tencentEntry, 'timSignaling').mockImplementation(() => {
      throw new Error('stop here: loaded');
    });
    TestBed.configureTestingModule({
      providers: [
        provideCalling(
          withTencentCloud({ SDKAppID: 1400000042 }),
          withCallingOptions({ logger: SILENT_LOGGER }),
        ),
      ],
    });
    const calling = TestBed.inject(CallingService);
    expect(timSignaling).not.toHaveBeenCalled();
    await expect(calling.calling()).rejects.toThrow('stop here: loaded');
    expect(timSignaling).toHaveBeenCalledWith({ SDKAppID: 1400000042 });
    timSignaling.mockRestore();
  });

  it('reaches the Tencent entry only through import(), and the primary entry not at all', () => {
    const sourcesOf = (dir: string) =>
      (readdirSync(dir, { recursive: true }) as string[])
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('\n');
    const here = sourcesOf(__dirname);
    expect(here).toContain("import('ngx-trtc-calling/tencent')");
    expect(here.match(/^import (?!type ).*from 'ngx-trtc-calling\/tencent'/gm) ?? []).toEqual([]);
    // The primary entry is bundled as one file: any import() there would give every app a Tencent chunk.
    expect(sourcesOf(join(__dirname, '..', '..', 'src'))).not.toContain('ngx-trtc-calling/tencent');
  });
});
