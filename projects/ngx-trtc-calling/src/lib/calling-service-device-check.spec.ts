import { PLATFORM_ID } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Subject, asyncScheduler } from 'rxjs';
import { CALLING_ERROR_CODE, type DeviceCheck } from 'ngx-trtc-calling/core';
import { VirtualNetwork } from 'ngx-trtc-calling/testing';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';
import { CallingService } from './calling-service';
import { provideCalling, withCallingBackend } from './provide-calling';

/** `startDeviceCheck` and `getPermissions` on `CallingService`: delegated in the browser, refused on the server. */
describe('CallingService device check', () => {
  let network: VirtualNetwork;
  beforeEach(() => {
    network = new VirtualNetwork({ scheduler: asyncScheduler });
  });
  afterEach(() => {
    TestBed.resetTestingModule();
    network.destroy();
  });

  function setUp(platform: 'browser' | 'server') {
    const media = network.media();
    const level$ = new Subject<number>();
    let stops = 0;
    const check: DeviceCheck = {
      level$,
      attachPreview: () => undefined,
      playTestTone: () => Promise.resolve(),
      stop: () => void stops++,
    };
    media.startDeviceCheck = async () => check;
    media.getPermissions = async () => ({ camera: 'granted', microphone: 'denied' });
    TestBed.configureTestingModule({
      providers: [
        provideCalling(
          withCallingBackend(() => ({
            create: async () => ({ signaling: network.signaling(), media, SDKAppID: DEV_SDK_APP_ID }),
          })),
        ),
        { provide: PLATFORM_ID, useValue: platform },
      ],
    });
    return { calling: TestBed.inject(CallingService), stops: () => stops };
  }

  it('delegates to the backend’s media engine, before any login, and destroy stops the check', async () => {
    const { calling, stops } = setUp('browser');
    const check = await calling.startDeviceCheck({ video: false });
    expect(check.level$).toBeDefined();
    await expect(calling.getPermissions()).resolves.toEqual({ camera: 'granted', microphone: 'denied' });
    TestBed.resetTestingModule();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(stops()).toBe(1);
  });

  it('rejects NOT_SUPPORT on the server', async () => {
    const { calling } = setUp('server');
    await expect(calling.startDeviceCheck()).rejects.toMatchObject({ code: CALLING_ERROR_CODE.NOT_SUPPORT });
    await expect(calling.getPermissions()).rejects.toMatchObject({ code: CALLING_ERROR_CODE.NOT_SUPPORT });
  });
});
