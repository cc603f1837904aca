import { Component, inject, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Subject } from 'rxjs';
import { CallAvatar, avatarColor } from './avatar';
import { CALL_ICONS, CallIcon } from './icons';
import { CALL_UI_TEXTS, callErrorText, DEFAULT_CALL_UI_TEXTS, provideCallUiTexts } from './texts';
import { type CallUserInfo, initialsOf, provideCallUserInfo } from './user-info';

@Component({
  imports: [CallAvatar],
  template: `<ngx-call-avatar [userID]="userID()" [decorative]="decorative()" />`,
})
class AvatarHost {
  readonly userID = signal('ada.lovelace');
  readonly decorative = signal(false);
}

async function renderAvatar() {
  const fixture = TestBed.createComponent(AvatarHost);
  await fixture.whenStable();
  return { fixture, element: fixture.nativeElement as HTMLElement };
}

describe('texts', () => {
  it('are English by default and replaceable in part, errors merged per reason', () => {
    TestBed.configureTestingModule({
      providers: [
        provideCallUiTexts({
          hangUp: 'Auflegen',
          errors: { noCamera: { message: 'Keine Kamera.', hint: 'Kamera anschließen.' } },
        }),
      ],
    });
    const texts = TestBed.inject(CALL_UI_TEXTS);
    expect(texts.hangUp).toBe('Auflegen');
    expect(texts.mute).toBe(DEFAULT_CALL_UI_TEXTS.mute);
    expect(callErrorText(texts, { reason: 'noCamera' }).message).toBe('Keine Kamera.');
    expect(callErrorText(texts, { reason: 'mediaAccessDenied' })).toBe(
      DEFAULT_CALL_UI_TEXTS.errors.mediaAccessDenied,
    );
  });

  it('give every error a message and a hint in plain words (no codes, no reason names)', () => {
    for (const [reason, text] of Object.entries(DEFAULT_CALL_UI_TEXTS.errors)) {
      expect(text.message).toMatch(/^[A-Z].*\.$/);
      expect(text.hint.length).toBeGreaterThan(5);
      expect(`${text.message} ${text.hint}`).not.toMatch(/\d{4,}/);
      expect(`${text.message} ${text.hint}`).not.toContain(reason);
    }
  });
});

describe('user info', () => {
  it('initials take the first and last word', () => {
    expect(initialsOf('Ada Lovelace')).toBe('AL');
    expect(initialsOf('bob')).toBe('B');
    expect(initialsOf('grace.b.hopper')).toBe('GH');
    expect(initialsOf('  ')).toBe('');
  });

  it('the avatar shows initials labelled with the userID by default, colour stable per user', async () => {
    const { element } = await renderAvatar();
    const initials = element.querySelector('[role="img"]');
    expect(initials?.getAttribute('aria-label')).toBe('ada.lovelace');
    expect(initials?.textContent?.trim()).toBe('AL');
    expect(avatarColor('ada.lovelace')).toBe(avatarColor('ada.lovelace'));
  });

  it('follows an observable resolver, shows its picture, and falls back to initials when it fails to load', async () => {
    const info = new Subject<CallUserInfo>();
    TestBed.configureTestingModule({ providers: [provideCallUserInfo(() => info)] });
    const { fixture, element } = await renderAvatar();
    expect(element.querySelector('[role="img"]')?.getAttribute('aria-label')).toBe('ada.lovelace');

    info.next({ displayName: 'Ada Lovelace', avatarUrl: 'data:image/png;base64,AA==' });
    await fixture.whenStable();
    const img = element.querySelector('img');
    expect(img?.getAttribute('alt')).toBe('Ada Lovelace');

    img?.dispatchEvent(new Event('error'));
    await fixture.whenStable();
    expect(element.querySelector('img')).toBeNull();
    expect(element.querySelector('[role="img"]')?.getAttribute('aria-label')).toBe('Ada Lovelace');
  });

  it('keeps the userID when the resolver throws, and asks again for another user', async () => {
    const asked: string[] = [];
    TestBed.configureTestingModule({
      providers: [
        provideCallUserInfo((userID) => {
          asked.push(userID);
          if (userID === 'ada.lovelace') throw new Error('directory down');
          return { displayName: 'Bob Builder' };
        }),
      ],
    });
    const { fixture, element } = await renderAvatar();
    expect(element.querySelector('[role="img"]')?.getAttribute('aria-label')).toBe('ada.lovelace');
    fixture.componentInstance.userID.set('bob');
    await fixture.whenStable();
    expect(element.querySelector('[role="img"]')?.getAttribute('aria-label')).toBe('Bob Builder');
    expect(asked).toEqual(['ada.lovelace', 'bob']);
  });

  it('is hidden from screen readers when decorative', async () => {
    const { fixture, element } = await renderAvatar();
    fixture.componentInstance.decorative.set(true);
    await fixture.whenStable();
    expect(element.querySelector('[role="img"]')).toBeNull();
    expect(element.querySelector('.ngx-call-avatar-initials')?.getAttribute('aria-hidden')).toBe('true');
  });
});

describe('user info resolver', () => {
  it('runs in an injection context, so it may inject the app’s services', async () => {
    class Directory {
      name(userID: string) {
        return { displayName: userID.toUpperCase() };
      }
    }
    TestBed.configureTestingModule({
      providers: [Directory, provideCallUserInfo((userID) => inject(Directory).name(userID))],
    });
    const { element } = await renderAvatar();
    expect(element.querySelector('[role="img"]')?.getAttribute('aria-label')).toBe('ADA.LOVELACE');
  });
});

describe('icons', () => {
  @Component({ imports: [CallIcon], template: `<ngx-call-icon name="micOff" />` })
  class IconHost {}

  it('are inline SVG, hidden from screen readers', async () => {
    const fixture = TestBed.createComponent(IconHost);
    await fixture.whenStable();
    const svg = (fixture.nativeElement as HTMLElement).querySelector('svg');
    expect(svg?.getAttribute('aria-hidden')).toBe('true');
    expect(svg?.querySelectorAll('path')).toHaveLength(CALL_ICONS.micOff.length);
  });
});
