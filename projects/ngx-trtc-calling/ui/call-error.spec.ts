import { TestBed } from '@angular/core/testing';
import { CALLING_ERROR_CODE, CallingError } from 'ngx-trtc-calling';
import { MockCallingService, provideMockCalling } from 'ngx-trtc-calling/testing/angular';
import { CallErrorMessage } from './call-error';
import { provideCallUiTexts } from './texts';

describe('<ngx-call-error>', () => {
  async function setup() {
    const mock = TestBed.inject(MockCallingService);
    const fixture = TestBed.createComponent(CallErrorMessage);
    await fixture.whenStable();
    return { mock, fixture, element: fixture.nativeElement as HTMLElement };
  }

  it('shows the last error in plain words with a hint, never its code, and dismisses it', async () => {
    TestBed.configureTestingModule({ providers: [provideMockCalling()] });
    const { mock, fixture, element } = await setup();
    const alert = element.querySelector('[role="alert"]');
    expect(alert?.textContent?.trim()).toBe('');

    mock.setLastError(
      new CallingError(CALLING_ERROR_CODE.NOT_MEDIA_ACCESS, 'mediaAccessDenied', 'NotAllowedError'),
    );
    await fixture.whenStable();
    expect(element.querySelector('.ngx-call-error-message')?.textContent).toBe(
      'Your browser blocked the camera or microphone.',
    );
    expect(element.querySelector('.ngx-call-error-hint')?.textContent).toContain('allow access');
    expect(alert?.textContent).not.toMatch(/60005|mediaAccessDenied|NotAllowedError/);

    element.querySelector<HTMLButtonElement>('[aria-label="Dismiss"]')?.click();
    await fixture.whenStable();
    expect(mock.lastError()).toBeNull();
    expect(alert?.textContent?.trim()).toBe('');
  });

  it('speaks the app’s language', async () => {
    TestBed.configureTestingModule({
      providers: [
        provideMockCalling(),
        provideCallUiTexts({
          errors: { roomFull: { message: 'Der Anruf ist voll.', hint: 'Später erneut versuchen.' } },
        }),
      ],
    });
    const { mock, fixture, element } = await setup();
    mock.setLastError(new CallingError(60018 as CallingError['code'], 'roomFull', 'room full'));
    await fixture.whenStable();
    expect(element.querySelector('.ngx-call-error-message')?.textContent).toBe('Der Anruf ist voll.');
  });
});
