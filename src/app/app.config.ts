import {
  type ApplicationConfig,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideCalling, withCallingOptions, withSelfHosted } from 'ngx-trtc-calling';
import { DEMO_CONFIG, type DemoConfig } from './runtime-config';

/** The demo's providers: the self-hosted backend at `config.serverUrl`, the configured ring timeout. */
export function appConfig(config: DemoConfig): ApplicationConfig {
  return {
    providers: [
      provideBrowserGlobalErrorListeners(),
      provideZonelessChangeDetection(),
      { provide: DEMO_CONFIG, useValue: config },
      provideCalling(
        withSelfHosted({ url: config.serverUrl, SDKAppID: config.sdkAppID }),
        withCallingOptions({ ringTimeout: config.ringTimeout }),
      ),
    ],
  };
}
