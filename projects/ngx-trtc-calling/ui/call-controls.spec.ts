import { Component } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { ActiveCall } from 'ngx-trtc-calling';
import {
  mockActiveCall,
  MockCallingService,
  mockParticipant,
  provideMockCalling,
} from 'ngx-trtc-calling/testing/angular';
import { CallControls } from './call-controls';

@Component({
  imports: [CallControls],
  template: `<div class="stage"><ngx-call-controls /></div>`,
})
class Host {}

describe('<ngx-call-controls>', () => {
  let mock: MockCallingService;
  let fixture: ComponentFixture<Host>;
  let element: HTMLElement;

  async function setup(call: Partial<ActiveCall> | null = {}) {
    TestBed.configureTestingModule({
      providers: [
        provideMockCalling({
          state: { userID: 'me' },
          devices: {
            cameras: [
              { deviceID: 'cam-1', kind: 'camera', label: 'Built-in camera' },
              { deviceID: 'cam-2', kind: 'camera', label: 'USB camera' },
            ],
            microphones: [{ deviceID: 'mic-1', kind: 'microphone', label: '' }],
            speakers: [],
          },
        }),
      ],
    });
    mock = TestBed.inject(MockCallingService);
    if (call)
      mock.setState({
        phase: 'connected',
        call: mockActiveCall({ participants: [mockParticipant('bob')], ...call }),
      });
    fixture = TestBed.createComponent(Host);
    element = fixture.nativeElement;
    await fixture.whenStable();
  }

  const button = (selector: string) => element.querySelector<HTMLButtonElement>(`button${selector}`);
  const methods = () => mock.calls.map((c) => c.method);
  async function update(call: Partial<ActiveCall>) {
    mock.setState({ call: mockActiveCall({ participants: [mockParticipant('bob')], ...call }) });
    await fixture.whenStable();
  }

  afterEach(() => {
    for (const key of [
      'fullscreenEnabled',
      'fullscreenElement',
      'pictureInPictureEnabled',
      'pictureInPictureElement',
    ]) {
      delete (document as unknown as Record<string, unknown>)[key];
    }
    delete (HTMLElement.prototype as Partial<HTMLElement>).requestFullscreen;
  });

  it('renders nothing without a call', async () => {
    await setup(null);
    expect(element.querySelector('button')).toBeNull();
  });

  it('are real buttons in a labelled group', async () => {
    await setup();
    const group = element.querySelector('[role="group"]');
    expect(group?.getAttribute('aria-label')).toBe('Call controls');
    for (const b of Array.from(element.querySelectorAll('button'))) {
      expect(b.getAttribute('type')).toBe('button');
      expect(b.getAttribute('aria-label')).toBeTruthy();
    }
  });

  it('mute: label and pressed state flip with the microphone', async () => {
    await setup();
    const mic = button('.ngx-call-mic');
    expect(mic?.getAttribute('aria-label')).toBe('Mute microphone');
    expect(mic?.getAttribute('aria-pressed')).toBe('false');
    mic?.click();
    expect(mock.calls.at(-1)).toEqual({ method: 'setMicMute', args: [true] });
    await update({ micMuted: true });
    expect(mic?.getAttribute('aria-label')).toBe('Unmute microphone');
    expect(mic?.getAttribute('aria-pressed')).toBe('true');
    mic?.click();
    expect(mock.calls.at(-1)).toEqual({ method: 'setMicMute', args: [false] });
  });

  it('camera: label and pressed state flip; absent in an audio call', async () => {
    await setup();
    const camera = button('.ngx-call-camera');
    expect(camera?.getAttribute('aria-label')).toBe('Turn camera off');
    expect(camera?.getAttribute('aria-pressed')).toBe('false');
    camera?.click();
    expect(methods().at(-1)).toBe('closeCamera');
    await update({ cameraEnabled: false });
    expect(camera?.getAttribute('aria-label')).toBe('Turn camera on');
    expect(camera?.getAttribute('aria-pressed')).toBe('true');
    camera?.click();
    expect(methods().at(-1)).toBe('openCamera');
    await update({ callType: 1 });
    expect(button('.ngx-call-camera')).toBeNull();
  });

  it('switch audio↔video: label flips with the call type, disabled while asked, absent in groups', async () => {
    await setup();
    const toggle = () => button('.ngx-call-switch');
    expect(toggle()?.getAttribute('aria-label')).toBe('Switch to audio call');
    toggle()?.click();
    expect(methods().at(-1)).toBe('switchToAudioCall');
    await update({ callType: 1 });
    expect(toggle()?.getAttribute('aria-label')).toBe('Switch to video call');
    toggle()?.click();
    expect(methods().at(-1)).toBe('switchToVideoCall');
    await update({ callType: 1, pendingSwitch: { inviteID: 'sw', to: 'video' } });
    expect(toggle()?.disabled).toBe(true);
    await update({ isGroup: true });
    expect(toggle()).toBeNull();
  });

  it('screen share: label and pressed state flip with screenSharing()', async () => {
    await setup();
    const share = button('.ngx-call-share');
    expect(share?.getAttribute('aria-label')).toBe('Share your screen');
    expect(share?.getAttribute('aria-pressed')).toBe('false');
    share?.click();
    expect(methods().at(-1)).toBe('startScreenShare');
    mock.setScreenSharing(true);
    await fixture.whenStable();
    expect(share?.getAttribute('aria-label')).toBe('Stop sharing your screen');
    expect(share?.getAttribute('aria-pressed')).toBe('true');
    share?.click();
    expect(methods().at(-1)).toBe('stopScreenShare');
  });

  it('hang up calls hangup()', async () => {
    await setup();
    button('[aria-label="Hang up"]')?.click();
    expect(methods()).toEqual(['hangup']);
  });

  it('device pickers list the devices and switch to the one chosen', async () => {
    await setup();
    const trigger = button('[aria-label="Choose camera"]');
    expect(trigger?.getAttribute('aria-haspopup')).toBe('menu');
    // Beside the camera toggle, the picker is its arrow alone; the speaker's stands alone with its icon.
    expect(trigger?.querySelectorAll('ngx-call-icon')).toHaveLength(1);
    expect(button('[aria-label="Choose speaker"]')?.querySelectorAll('ngx-call-icon')).toHaveLength(2);
    trigger?.click();
    await fixture.whenStable();
    const items = Array.from(document.querySelectorAll<HTMLButtonElement>('[role="menuitemradio"]'));
    expect(items.map((i) => i.textContent?.trim())).toEqual(['Built-in camera', 'USB camera']);
    expect(items.map((i) => i.getAttribute('aria-checked'))).toEqual(['true', 'false']);
    items[1]?.click();
    expect(mock.calls.at(-1)).toEqual({
      method: 'switchDevice',
      args: [{ deviceType: 'video', deviceID: 'cam-2' }],
    });
    await fixture.whenStable();
    expect(document.querySelector('[role="menu"]')).toBeNull();

    button('[aria-label="Choose microphone"]')?.click();
    await fixture.whenStable();
    const mics = Array.from(document.querySelectorAll('[role="menuitemradio"]'));
    expect(mics.map((i) => i.textContent?.trim())).toEqual(['Default']);
    (mics[0] as HTMLElement).click();
    expect(mock.calls.at(-1)).toEqual({
      method: 'switchDevice',
      args: [{ deviceType: 'audio', deviceID: 'mic-1' }],
    });

    button('[aria-label="Choose speaker"]')?.click();
    await fixture.whenStable();
    expect(document.querySelector('[role="menu"]')?.textContent).toContain('No devices found');
  });

  it('full screen and picture-in-picture are absent where the browser lacks them', async () => {
    await setup();
    expect(button('.ngx-call-fullscreen')).toBeNull();
    expect(button('.ngx-call-pip')).toBeNull();
  });

  it('full screen: present where supported, shows the enclosing stage, label and pressed state flip', async () => {
    const requested: Element[] = [];
    Object.assign(document, { fullscreenEnabled: true });
    HTMLElement.prototype.requestFullscreen = function (this: HTMLElement) {
      requested.push(this);
      return Promise.resolve();
    };
    await setup();
    const fullscreen = button('.ngx-call-fullscreen');
    expect(fullscreen?.getAttribute('aria-label')).toBe('Full screen');
    fullscreen?.click();
    expect(requested).toEqual([element.querySelector('.stage')]);
    Object.assign(document, { fullscreenElement: element.querySelector('.stage') });
    document.dispatchEvent(new Event('fullscreenchange'));
    await fixture.whenStable();
    expect(fullscreen?.getAttribute('aria-label')).toBe('Exit full screen');
    expect(fullscreen?.getAttribute('aria-pressed')).toBe('true');
  });

  it('picture-in-picture: present where supported in video calls, label and pressed state flip', async () => {
    Object.assign(document, { pictureInPictureEnabled: true });
    await setup();
    const pip = button('.ngx-call-pip');
    expect(pip?.getAttribute('aria-label')).toBe('Picture in picture');
    Object.assign(document, { pictureInPictureElement: document.createElement('video') });
    document.dispatchEvent(new Event('enterpictureinpicture'));
    await fixture.whenStable();
    expect(pip?.getAttribute('aria-label')).toBe('Exit picture in picture');
    expect(pip?.getAttribute('aria-pressed')).toBe('true');
    await update({ callType: 1 });
    expect(button('.ngx-call-pip')).toBeNull();
  });

  it('steals no focus', async () => {
    const input = document.body.appendChild(document.createElement('input'));
    input.focus();
    await setup();
    expect(document.activeElement).toBe(input);
    input.remove();
  });
});
