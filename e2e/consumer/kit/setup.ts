// TestBed as an app's own test setup would start it: the JIT compiler for the library's partially
// compiled declarations, zoneless change detection, the browser testing platform (jsdom).
import '@angular/compiler';
import { provideZonelessChangeDetection, NgModule } from '@angular/core';
import { getTestBed } from '@angular/core/testing';
import { BrowserTestingModule, platformBrowserTesting } from '@angular/platform-browser/testing';

@NgModule({ providers: [provideZonelessChangeDetection()] })
class ZonelessTesting {}

getTestBed().initTestEnvironment([BrowserTestingModule, ZonelessTesting], platformBrowserTesting(), {
  teardown: { destroyAfterEach: true },
});
