import { ChangeDetectionStrategy, Component } from '@angular/core';

/** Demo shell; the calling UI arrives with the Angular layer. */
@Component({
  selector: 'app-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <main>
      <h1>ngx-trtc-calling demo</h1>
      <p>The calling demo is under construction.</p>
    </main>
  `,
})
export class AppComponent {}
