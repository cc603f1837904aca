/**
 * The UI kit's incoming-call screen in the demo, in real Chromium: an answer needs a deliberate
 * action (an Enter typed for another field as the call arrives does not answer; the focus lands
 * on the dialog, never on Accept; shortcuts only while it has focus), the page behind is inert
 * (a click on Log out does nothing), the ringtone plays and stops (and waits for a gesture where
 * autoplay is refused), and a hidden tab gets a notification and a changed title.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { DemoUser, expectNoPageErrors } from './support/demo-user';
import { RECORD_RINGTONE, ringtoneLog } from './support/ringtone-log';

/** What the focused element is: its test ID, id or role. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const a = document.activeElement;
    return a?.getAttribute('data-testid') ?? a?.id ?? a?.getAttribute('role') ?? a?.tagName ?? '';
  });

test('an Enter typed for another field as the call arrives does not answer; focus on the dialog; the page behind is inert', async ({
  openDemo,
}) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');
  const field = bob.page.getByLabel('User ID', { exact: true });
  await field.click();
  await field.pressSequentially('car');

  await alice.call('bob');
  await expect(bob.incomingPanel()).toBeVisible();
  await expect
    .poll(() => focused(bob.page), { message: 'the focus is on the dialog itself' })
    .toBe('incoming-call');
  await bob.page.keyboard.press('Enter');
  await bob.page.keyboard.type('ol');
  await bob.page.keyboard.press('Enter');
  await bob.expectPhase('ringing');
  await expect(bob.incomingPanel()).toBeVisible();
  await expect(bob.incomingPanel().getByRole('button', { name: 'Accept', exact: true })).not.toBeFocused();

  // The page behind: inert for keyboard and screen readers, and the backdrop takes the pointer.
  await expect(bob.page.locator('app-root')).toHaveAttribute('inert', '');
  const logout = await bob.page.getByTestId('logout').boundingBox();
  if (!logout) throw new Error('no Log out button');
  await bob.page.mouse.click(logout.x + logout.width / 2, logout.y + logout.height / 2);
  await expect(bob.page.getByTestId('logged-in-as')).toHaveText('bob');
  await bob.expectPhase('ringing');
  await expect(bob.incomingPanel()).toBeVisible();
  // Tab stays in the dialog.
  for (let i = 0; i < 5; i++) {
    await bob.page.keyboard.press('Tab');
    expect(await bob.page.evaluate(() => !!document.activeElement?.closest('[role="alertdialog"]'))).toBe(
      true,
    );
  }

  // A deliberate answer: Tab to Accept, then Enter.
  await bob.incomingPanel().getByRole('button', { name: 'Accept', exact: true }).focus();
  await bob.page.keyboard.press('Enter');
  await expect(bob.incomingPanel()).toHaveCount(0);
  await bob.expectPhase('connected');
  await expect(bob.page.locator('app-root')).not.toHaveAttribute('inert', '');
  await expect(field, 'the dialer went away with the call').toHaveCount(0);
  // The focus went on to the call's controls, not to <body>.
  await expect
    .poll(() => bob.page.evaluate(() => !!document.activeElement?.closest('ngx-call-controls')))
    .toBe(true);

  await bob.hangup();
  await alice.expectPhase('idle');
  expectNoPageErrors(alice, bob);
});

test('shortcuts while the dialog has the focus: D declines, A accepts (after a second)', async ({
  openDemo,
}) => {
  const alice = await openDemo('alice');
  const bob = await openDemo('bob');

  await alice.call('bob', { type: 'audio' });
  await expect(bob.incomingPanel()).toContainText('alice is calling you (audio call)');
  await expect(bob.incomingPanel()).toContainText(/Rings for \d+ more seconds/);
  await expect.poll(() => focused(bob.page)).toBe('incoming-call');
  await bob.page.waitForTimeout(1100);
  await bob.page.keyboard.press('d');
  await expect(bob.incomingPanel()).toHaveCount(0);
  await alice.expectLastCall('rejected');
  await expect.poll(() => focused(bob.page), { message: 'focus back on the dialer' }).toBe('callee');

  await alice.page.getByRole('button', { name: 'Close' }).click();
  await alice.call('bob');
  await expect(bob.incomingPanel()).toBeVisible();
  await bob.page.waitForTimeout(1100);
  await bob.incomingPanel().press('a');
  await bob.expectPhase('connected');
  await alice.expectPhase('connected');
  await alice.hangup();
  await bob.expectPhase('idle');
  expectNoPageErrors(alice, bob);
});

test('the ringtone plays while it rings and stops on answer, decline and cancel', async ({
  newUserPage,
  demoUrl,
  openDemo,
}) => {
  const alice = await openDemo('alice');
  const user = await newUserPage('bob');
  await user.page.addInitScript(RECORD_RINGTONE, false);
  await user.page.goto(demoUrl());
  const bob = new DemoUser(user);
  await bob.login();

  for (const [end, action] of [
    ['answer', () => bob.accept()],
    ['decline', () => bob.reject()],
    ['cancel', () => alice.cancel()],
  ] as const) {
    await alice.call('bob', { type: 'audio' });
    const ringtone = bob.page.getByTestId('ringtone');
    await expect(ringtone).toHaveAttribute('loop', '');
    await expect
      .poll(() => ringtone.evaluate((a: HTMLAudioElement) => !a.paused && a.currentTime > 0), {
        message: `rings before ${end}`,
      })
      .toBe(true);
    await expect.poll(() => ringtoneLog(bob.page)).toEqual(['play']);
    await action();
    await expect(bob.incomingPanel()).toHaveCount(0);
    await expect
      .poll(() => ringtoneLog(bob.page), { message: `stopped on ${end}` })
      .toEqual(['play', 'pause']);
    await bob.page.evaluate(() => ((window as unknown as { ringtoneLog: string[] }).ringtoneLog.length = 0));
    if (end === 'answer') {
      await bob.hangup();
    } else {
      await alice.outgoing().getByRole('button', { name: 'Close' }).click();
    }
    await alice.expectPhase('idle');
  }
  expectNoPageErrors(alice, bob);
});

test('a hidden tab: permission asked at sign-in (not on load), a notification and a changed title while it rings', async ({
  newUserPage,
  demoUrl,
  openDemo,
}) => {
  const alice = await openDemo('alice');
  const user = await newUserPage('bob');
  await user.page.addInitScript(() => {
    const w = window as unknown as {
      notes: { title: string; body: string; closed: boolean }[];
      asked: number;
      hidden: boolean;
    };
    w.notes = [];
    w.asked = 0;
    w.hidden = false;
    const Real = window.Notification;
    const ask = Real.requestPermission.bind(Real);
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        const note = { title, body: options?.body ?? '', closed: false };
        w.notes.push(note);
        const close = this.close.bind(this);
        this.close = () => {
          note.closed = true;
          close();
        };
      }
    }
    // Undecided until asked, as in a fresh profile (headless Chromium starts out denied).
    Object.defineProperty(Recorded, 'permission', { get: () => (w.asked ? Real.permission : 'default') });
    Object.defineProperty(Recorded, 'requestPermission', {
      value: () => {
        w.asked++;
        return ask();
      },
    });
    window.Notification = Recorded as typeof Notification;
    // The tab's visibility as a person switching tabs would change it.
    Object.defineProperty(Document.prototype, 'visibilityState', {
      configurable: true,
      get: () => (w.hidden ? 'hidden' : 'visible'),
    });
  });
  await user.page.goto(demoUrl());
  const state = () =>
    user.page.evaluate(() => {
      const w = window as unknown as {
        notes: { title: string; body: string; closed: boolean }[];
        asked: number;
      };
      return { asked: w.asked, notes: w.notes };
    });
  await expect(user.page.getByLabel('Your user ID')).toBeVisible();
  expect((await state()).asked, 'nothing asked on page load').toBe(0);
  const bob = new DemoUser(user);
  await bob.login();
  expect((await state()).asked, 'asked on the sign-in click').toBe(1);
  // The user allows it (the prompt itself is the browser's).
  await user.context.grantPermissions(['notifications']);
  const title = await bob.page.title();

  await bob.page.evaluate(() => {
    (window as unknown as { hidden: boolean }).hidden = true;
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await alice.call('bob');
  await expect(bob.incomingPanel()).toBeVisible();
  await expect(bob.page).toHaveTitle('📞 alice is calling');
  await expect
    .poll(async () => (await state()).notes)
    .toEqual([{ title: 'alice is calling (video call)', body: 'Open the tab to answer.', closed: false }]);

  // Back to the tab: the title and the notification are undone while it still rings.
  await bob.page.evaluate(() => {
    (window as unknown as { hidden: boolean }).hidden = false;
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await expect(bob.page).toHaveTitle(title);
  await expect.poll(async () => (await state()).notes[0]?.closed).toBe(true);
  await bob.reject();
  await alice.expectPhase('idle');
  expectNoPageErrors(alice, bob);
});

test('where autoplay is refused, the ringtone starts on the next gesture', async ({
  newUserPage,
  demoUrl,
  openDemo,
}) => {
  const alice = await openDemo('alice');
  const user = await newUserPage('bob');
  await user.page.addInitScript(RECORD_RINGTONE, true);
  await user.page.goto(demoUrl());
  const bob = new DemoUser(user);
  // Signed in without a gesture the script would count.
  await bob.page.getByLabel('Your user ID').fill('bob');
  await bob.page.getByTestId('login').evaluate((b: HTMLButtonElement) => b.click());
  await expect(bob.page.getByTestId('logged-in-as')).toHaveText('bob');

  await alice.call('bob', { type: 'audio' });
  await expect(bob.incomingPanel()).toBeVisible();
  const ringtone = bob.page.getByTestId('ringtone');
  await expect.poll(() => ringtoneLog(bob.page)).toEqual(['refused']);
  expect(await ringtone.evaluate((a: HTMLAudioElement) => a.paused)).toBe(true);
  // Any click, even on the backdrop, lets it ring.
  await bob.page.mouse.click(5, 5);
  await expect.poll(() => ringtoneLog(bob.page)).toEqual(['refused', 'play']);
  await expect.poll(() => ringtone.evaluate((a: HTMLAudioElement) => !a.paused)).toBe(true);
  await expect(bob.incomingPanel(), 'the click on the backdrop did not decline').toBeVisible();
  await bob.reject();
  await expect.poll(() => ringtoneLog(bob.page)).toEqual(['refused', 'play', 'pause']);
  expectNoPageErrors(alice, bob);
});
