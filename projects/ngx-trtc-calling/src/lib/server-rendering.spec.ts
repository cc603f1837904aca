import { Component, inject, PLATFORM_ID } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { CallingError } from 'ngx-trtc-calling/core';
import { CallingLocalView } from './calling-local-view';
import { CallingRemoteView } from './calling-remote-view';
import { CallingService } from './calling-service';
import { CallingIncomingCall } from './incoming-call';
import { provideCalling, withCallingBackend } from './provide-calling';

@Component({
  imports: [CallingLocalView, CallingRemoteView, CallingIncomingCall],
  template: `
    <p>
      {{ calling.phase() }} {{ calling.participants().length }} {{ calling.incoming() ? 'ringing' : 'quiet' }}
    </p>
    <video callingLocalView></video>
    <video callingRemoteView="bob"></video>
    <calling-incoming-call />
  `,
})
class CallPage {
  readonly calling = inject(CallingService);
}

describe('on the server (PLATFORM_ID "server")', () => {
  it('renders the views and the panel without a backend, a Calling or an overlay', async () => {
    let backends = 0;
    TestBed.configureTestingModule({
      providers: [
        provideCalling(
          withCallingBackend(() => {
            backends++;
            return { create: () => Promise.reject(new Error('never on the server')) };
          }),
        ),
        { provide: PLATFORM_ID, useValue: 'server' },
      ],
    });
    const fixture = TestBed.createComponent(CallPage);
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('p').textContent.trim()).toBe('idle 0 quiet');
    expect(backends).toBe(0);
    await expect(fixture.componentInstance.calling.calling()).rejects.toBeInstanceOf(CallingError);
    expect(document.querySelector('.cdk-overlay-container')).toBeNull();
    expect(document.querySelector('.cdk-live-announcer-element')).toBeNull();
    fixture.destroy();
  });
});
