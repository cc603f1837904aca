import { LiveAnnouncer } from '@angular/cdk/a11y';
import { TestBed } from '@angular/core/testing';

/** Records announcements instead of writing to a live region. */
export class FakeAnnouncer {
  readonly messages: string[] = [];
  announce(message: string): Promise<void> {
    this.messages.push(message);
    return Promise.resolve();
  }
  clear(): void {
    // nothing to clear
  }
}

/** The provider that puts a `FakeAnnouncer` in place of the CDK's live announcer. */
export const fakeAnnouncerProvider = { provide: LiveAnnouncer, useClass: FakeAnnouncer };

/** The test module's announcer (after `fakeAnnouncerProvider` was provided). */
export const injectFakeAnnouncer = (): FakeAnnouncer =>
  TestBed.inject(LiveAnnouncer) as unknown as FakeAnnouncer;
