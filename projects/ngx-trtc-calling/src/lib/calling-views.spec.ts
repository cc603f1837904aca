import { Component, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { VirtualMediaEngine } from 'ngx-trtc-calling/testing';
import { CallingTestingController, provideCallingTesting } from 'ngx-trtc-calling/testing/angular';
import { CallingLocalView } from './calling-local-view';
import { CallingRemoteView } from './calling-remote-view';
import { CallingService } from './calling-service';

@Component({
  imports: [CallingLocalView, CallingRemoteView],
  template: `
    @if (showLocal()) {
      <video class="local" callingLocalView></video>
    }
    <video class="remote" [callingRemoteView]="peer()"></video>
  `,
})
class Views {
  readonly showLocal = signal(true);
  readonly peer = signal<string | null>('bob');
}

describe('view directives', () => {
  let calling: CallingService;
  let controller: CallingTestingController;
  let fixture: ComponentFixture<Views>;
  let local: HTMLElement;
  let remote: HTMLElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: [provideCallingTesting()] });
    calling = TestBed.inject(CallingService);
    controller = TestBed.inject(CallingTestingController);
    fixture = TestBed.createComponent(Views);
    await fixture.whenStable();
    local = fixture.nativeElement.querySelector('.local');
    remote = fixture.nativeElement.querySelector('.remote');
    await controller.flush(calling.login({ userID: 'alice', userSig: 'sig' }));
  });

  /** Lets the network, the service's promises and change detection settle. */
  async function settle(work?: Promise<unknown>): Promise<void> {
    await controller.flush(work);
    await controller.flush();
    await fixture.whenStable();
  }

  function media(): VirtualMediaEngine {
    return controller.media!;
  }

  it('attach nothing and create no Calling before a call', async () => {
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({ providers: [provideCallingTesting()] });
    const controller = TestBed.inject(CallingTestingController);
    const fixture = TestBed.createComponent(Views);
    await fixture.whenStable();
    await controller.flush();
    expect(controller.media).toBeUndefined();
  });

  it('callingLocalView shows the local camera while a call is active', async () => {
    const bob = await controller.createPeer('bob');
    expect(media().attachments.local).toBeUndefined();

    await settle(calling.call({ userID: 'bob', type: 2 }));
    expect(calling.phase()).toBe('dialing');
    expect(media().attachments.local).toBe(local);

    await settle(bob.accept());
    expect(calling.phase()).toBe('connected');
    expect(media().attachments.local).toBe(local);

    await settle(calling.hangup());
    expect(media().attachments.local).toBeUndefined();
  });

  it('callingLocalView does not attach while an invitation only rings', async () => {
    const bob = await controller.createPeer('bob');
    await settle(bob.call({ userID: 'alice', type: 2 }));
    expect(calling.phase()).toBe('ringing');
    expect(media().attachments.local).toBeUndefined();
    await settle(calling.accept());
    expect(media().attachments.local).toBe(local);
  });

  it('callingLocalView detaches when its element goes away', async () => {
    const bob = await controller.createPeer('bob');
    await settle(calling.call({ userID: 'bob', type: 2 }));
    await settle(bob.accept());
    const detachLocal = jest.spyOn(media(), 'detachLocal');

    fixture.componentInstance.showLocal.set(false);
    await settle();
    expect(detachLocal).toHaveBeenCalledTimes(1);
    expect(media().attachments.local).toBeUndefined();
  });

  it('callingRemoteView attaches a user when they enter and detaches when they leave', async () => {
    const bob = await controller.createPeer('bob');
    await settle(calling.call({ userID: 'bob', type: 2 }));
    expect(media().attachments.remote.size).toBe(0); // bob has not entered yet
    const detachRemote = jest.spyOn(media(), 'detachRemote');

    await settle(bob.accept());
    expect(media().attachments.remote.get('bob')).toBe(remote);

    await settle(bob.hangup());
    expect(calling.phase()).toBe('idle');
    expect(detachRemote).toHaveBeenCalledWith('bob');
    expect(media().attachments.remote.size).toBe(0);
  });

  it('callingRemoteView follows its input and a group call’s comings and goings', async () => {
    const bob = await controller.createPeer('bob');
    const carol = await controller.createPeer('carol');
    await settle(calling.groupCall({ userIDList: ['bob', 'carol'], type: 2 }));
    await settle(bob.accept());
    await settle(carol.accept());
    expect(calling.participants().map((p) => p.status)).toEqual(['joined', 'joined']);
    expect([...media().attachments.remote.keys()]).toEqual(['bob']);
    const detachRemote = jest.spyOn(media(), 'detachRemote');

    fixture.componentInstance.peer.set('carol');
    await settle();
    expect(detachRemote).toHaveBeenLastCalledWith('bob');
    expect([...media().attachments.remote]).toEqual([['carol', remote]]);

    await settle(carol.hangup()); // carol leaves; bob stays
    expect(calling.phase()).toBe('connected');
    expect(detachRemote).toHaveBeenLastCalledWith('carol');
    expect(media().attachments.remote.size).toBe(0);

    fixture.componentInstance.peer.set('bob');
    await settle();
    expect([...media().attachments.remote]).toEqual([['bob', remote]]);

    fixture.componentInstance.peer.set(null);
    await settle();
    expect(detachRemote).toHaveBeenLastCalledWith('bob');
    expect(media().attachments.remote.size).toBe(0);
  });

  it('both directives detach when the view is destroyed mid-call', async () => {
    const bob = await controller.createPeer('bob');
    await settle(calling.call({ userID: 'bob', type: 2 }));
    await settle(bob.accept());
    expect(media().attachments.local).toBe(local);
    expect(media().attachments.remote.get('bob')).toBe(remote);
    const detachRemote = jest.spyOn(media(), 'detachRemote');

    fixture.destroy();
    await settle();
    expect(media().attachments.local).toBeUndefined();
    expect(detachRemote).toHaveBeenCalledWith('bob');
    expect(media().attachments.remote.size).toBe(0);
    expect(calling.phase()).toBe('connected'); // the call itself goes on
  });
});
