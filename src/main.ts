import { bootstrapApplication } from '@angular/platform-browser';
import { AppComponent } from './app/app.component';
import { appConfig } from './app/app.config';
import { readDemoConfig } from './app/runtime-config';

bootstrapApplication(AppComponent, appConfig(readDemoConfig(window.location))).catch((err: unknown) =>
  console.error(err),
);
