import { Component, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { CALLING_ERROR_CODE, CallingError } from 'ngx-trtc-calling';
import {
  CallingTestingController,
  MockCallingService,
  provideCallingTesting,
  provideMockCalling,
} from 'ngx-trtc-calling/testing/angular';
import { CallDeviceCheck } from './device-check';

@Component({
  imports: [CallDeviceCheck],
  template: `
    @if (shown()) {
      <ngx-call-device-check [video]="video()" (done)="done = done + 1" />
    }
  `,
})
class Host {
  readonly shown = signal(true);
  readonly video = signal(true);
  done = 0;
}

describe('<ngx-call-device-check>', () => {
  let mock: MockCallingService;
  let fixture: ComponentFixture<Host>;
  let element: HTMLElement;

  function setup() {
    TestBed.configureTestingModule({
      providers: [
        provideMockCalling({
          devices: {
            cameras: [
              { deviceID: 'cam-1', kind: 'camera', label: 'Built-in camera' },
              { deviceID: 'cam-2', kind: 'camera', label: 'USB camera' },
            ],
            microphones: [{ deviceID: 'mic-1', kind: 'microphone', label: 'Headset' }],
            speakers: [
              { deviceID: 'spk-1', kind: 'speaker', label: 'Speakers' },
              { deviceID: 'spk-2', kind: 'speaker', label: 'Headphones' },
            ],
          },
        }),
      ],
    });
    mock = TestBed.inject(MockCallingService);
    fixture = TestBed.createComponent(Host);
    element = fixture.nativeElement;
  }

  const q = <T extends Element = HTMLElement>(selector: string) => element.querySelector<T>(selector);
  const starts = () => mock.calls.filter((c) => c.method === 'startDeviceCheck').map((c) => c.args[0]);

  beforeEach(() => setup());

  it('opens camera and microphone, and attaches the preview', async () => {
    await fixture.whenStable();
    expect(starts()).toEqual([{ video: true }]);
    expect(mock.deviceCheck?.previews).toEqual([q('.ngx-call-preview-video')]);
    expect(q('.ngx-call-preview')?.getAttribute('aria-label')).toBe('Camera preview');
    expect(q('h2')?.textContent).toContain('Check your camera and microphone');
  });

  it('the meter follows level$', async () => {
    await fixture.whenStable();
    const meter = q('[role="meter"]');
    expect(document.getElementById(meter?.getAttribute('aria-labelledby') ?? '')?.textContent).toBe(
      'Microphone level',
    );
    expect(meter?.getAttribute('aria-valuenow')).toBe('0');
    mock.deviceCheck?.setLevel(42.4);
    await fixture.whenStable();
    expect(meter?.getAttribute('aria-valuenow')).toBe('42');
    expect(q('.ngx-call-meter-fill')?.style.inlineSize).toBe('42%');
    mock.deviceCheck?.setLevel(7);
    await fixture.whenStable();
    expect(meter?.getAttribute('aria-valuenow')).toBe('7');
  });

  it('the speaker test plays the test tone on the chosen speaker', async () => {
    await fixture.whenStable();
    const play = q<HTMLButtonElement>('.ngx-call-test-tone');
    expect(play?.textContent).toContain('Play test sound');
    play?.click();
    await fixture.whenStable();
    const speaker = q<HTMLSelectElement>('.ngx-call-speaker-select');
    if (speaker) speaker.value = 'spk-2';
    speaker?.dispatchEvent(new Event('change'));
    play?.click();
    await fixture.whenStable();
    expect(mock.deviceCheck?.tones).toEqual([undefined, 'spk-2']);
    expect(play?.disabled).toBe(false);
  });

  it('shows "Playing…" and disables the button while the tone plays', async () => {
    await fixture.whenStable();
    let finish: () => void = () => undefined;
    jest
      .spyOn(mock.deviceCheck as NonNullable<MockCallingService['deviceCheck']>, 'playTestTone')
      .mockReturnValue(new Promise<void>((resolve) => (finish = resolve)));
    const play = q<HTMLButtonElement>('.ngx-call-test-tone');
    play?.click();
    await fixture.whenStable();
    expect(play?.textContent).toContain('Playing test sound…');
    expect(play?.disabled).toBe(true);
    finish();
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();
    expect(play?.textContent).toContain('Play test sound');
    expect(play?.disabled).toBe(false);
  });

  it('choosing another camera or microphone reopens the check with it, releasing the first', async () => {
    await fixture.whenStable();
    const first = mock.deviceCheck;
    const camera = q<HTMLSelectElement>('.ngx-call-camera-select');
    expect(Array.from(camera?.options ?? []).map((o) => o.text.trim())).toEqual([
      'Built-in camera',
      'USB camera',
    ]);
    if (camera) camera.value = 'cam-2';
    camera?.dispatchEvent(new Event('change'));
    await fixture.whenStable();
    expect(first?.stopped).toBe(true);
    expect(starts().at(-1)).toEqual({ video: true, cameraID: 'cam-2' });
    const microphone = q<HTMLSelectElement>('.ngx-call-microphone-select');
    microphone?.dispatchEvent(new Event('change'));
    await fixture.whenStable();
    expect(starts().at(-1)).toEqual({ video: true, cameraID: 'cam-2', microphoneID: 'mic-1' });
  });

  it('shows the permission state, with a hint when blocked', async () => {
    mock.setPermissions({ camera: 'granted', microphone: 'denied' });
    await fixture.whenStable();
    const states = Array.from(element.querySelectorAll('.ngx-call-permissions div')).map((d) =>
      Array.from(d.children).map((c) => c.textContent?.trim()),
    );
    expect(states).toEqual([
      ['Camera', 'allowed'],
      ['Microphone', 'blocked'],
    ]);
    expect(q('.ngx-call-permissions')?.closest('[role="status"]')).not.toBeNull();
    expect(q('.ngx-call-hint')?.textContent).toContain('Allow access in your browser');
  });

  it('a failure shows in plain words with a hint', async () => {
    jest
      .spyOn(mock, 'startDeviceCheck')
      .mockRejectedValueOnce(
        new CallingError(CALLING_ERROR_CODE.NOT_MEDIA_ACCESS, 'mediaAccessDenied', 'denied'),
      );
    await fixture.whenStable();
    const alert = q('[role="alert"]');
    expect(alert?.textContent).toContain('Your browser blocked the camera or microphone.');
    expect(alert?.textContent).toContain('allow access, then reload the page');
    expect(alert?.textContent).not.toContain('60005');
    expect(q('.ngx-call-preview')?.getAttribute('aria-label')).toBe('No camera preview');
  });

  it('without video: no preview, no camera', async () => {
    fixture.componentInstance.video.set(false);
    await fixture.whenStable();
    expect(starts()).toEqual([{ video: false }]);
    expect(q('.ngx-call-preview')).toBeNull();
    expect(q('.ngx-call-camera-select')).toBeNull();
  });

  it('Done releases the devices and tells the app', async () => {
    await fixture.whenStable();
    q<HTMLButtonElement>('.ngx-call-done')?.click();
    expect(mock.deviceCheck?.stopped).toBe(true);
    expect(fixture.componentInstance.done).toBe(1);
  });

  it('stops the check when it goes away', async () => {
    await fixture.whenStable();
    const check = mock.deviceCheck;
    fixture.componentInstance.shown.set(false);
    await fixture.whenStable();
    expect(check?.stopped).toBe(true);
  });

  it('stops a check that opens after it went away', async () => {
    fixture.detectChanges();
    fixture.componentInstance.shown.set(false);
    await fixture.whenStable();
    expect(starts()).toHaveLength(1);
    expect(mock.deviceCheck?.stopped).toBe(true);
  });
});

describe('<ngx-call-device-check> over a media engine without device checks', () => {
  it('says so in plain words (the engine rejects notSupported through CallingService)', async () => {
    TestBed.configureTestingModule({ providers: [provideCallingTesting()] });
    const controller = TestBed.inject(CallingTestingController);
    const fixture = TestBed.createComponent(CallDeviceCheck);
    await fixture.whenStable();
    await controller.flush();
    await fixture.whenStable();
    const alert = (fixture.nativeElement as HTMLElement).querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('This is not supported here.');
    expect(alert?.textContent).toContain('Use a recent version of Chrome, Edge, Firefox or Safari.');
  });
});
