import { quote } from './quote';

/** What the sample call panel is generated for. */
export interface SamplePanelOptions {
  readonly backend: 'self-hosted' | 'tencent';
  /** The calling-server's WebSocket URL (self-hosted). */
  readonly url: string;
}

/** The source of `call-panel.ts`: a standalone component that logs in, calls, answers and hangs up. */
export function samplePanel({ backend, url }: SamplePanelOptions): string {
  const userSigSource =
    backend === 'self-hosted'
      ? `// Development only: \`calling-server --dev\` issues test UserSigs at GET /dev/usersig. In
// production your own backend issues them (tls-sig-api-v2 with the server's secret key) after it
// has authenticated the user; point this at that endpoint.
const USER_SIG_URL = ${quote(`${url.replace(/^ws(s?):\/\//, 'http$1://').replace(/\/+$/, '')}/dev/usersig`)};`
      : `// Your backend issues UserSigs (tls-sig-api-v2 with your Tencent Cloud secret key, never in the
// browser) after it has authenticated the user; point this at that endpoint.
const USER_SIG_URL = '/api/usersig';`;
  return `import { Component, inject, signal } from '@angular/core';
import {
  CALL_TYPE,
  CallingIncomingCall,
  CallingLocalView,
  CallingRemoteView,
  CallingService,
} from 'ngx-trtc-calling';

${userSigSource}

async function fetchUserSig(userID: string): Promise<string> {
  const response = await fetch(\`\${USER_SIG_URL}?userID=\${encodeURIComponent(userID)}\`);
  const body = (await response.json().catch(() => ({}))) as { userSig?: string; error?: string };
  if (!response.ok || !body.userSig) throw new Error(body.error ?? \`no UserSig (HTTP \${response.status})\`);
  return body.userSig;
}

/** Log in, call someone by userID, answer (the incoming-call dialog), hang up. */
@Component({
  selector: 'app-call-panel',
  imports: [CallingIncomingCall, CallingLocalView, CallingRemoteView],
  template: \`
    <calling-incoming-call />
    @if (calling.userID(); as me) {
      <p>
        Logged in as <strong>{{ me }}</strong>, call <output data-testid="phase">{{ calling.phase() }}</output>
      </p>
      <form (submit)="$event.preventDefault(); call(callee.value)">
        <label>Call <input #callee name="callee" placeholder="their userID" required /></label>
        <button type="submit" [disabled]="calling.phase() !== 'idle'">Video call</button>
        <button type="button" (click)="hangUp()" [disabled]="calling.phase() === 'idle'">Hang up</button>
      </form>
      <video callingLocalView muted playsinline width="320" height="240"></video>
      @for (p of calling.participants(); track p.userID) {
        <div [callingRemoteView]="p.userID" [attr.aria-label]="p.userID" style="width: 320px; height: 240px"></div>
      }
    } @else {
      <form (submit)="$event.preventDefault(); logIn(userID.value)">
        <label>Your userID <input #userID name="userID" required /></label>
        <button type="submit">Log in</button>
      </form>
    }
    @if (error(); as message) {
      <p role="alert">{{ message }}</p>
    }
  \`,
})
export class CallPanel {
  protected readonly calling = inject(CallingService);
  protected readonly error = signal('');

  protected logIn(userID: string): Promise<void> {
    return this.#try(async () => this.calling.login({ userID, userSig: await fetchUserSig(userID) }));
  }

  protected call(userID: string): Promise<void> {
    return this.#try(() => this.calling.call({ userID, type: CALL_TYPE.VIDEO_CALL }));
  }

  protected hangUp(): Promise<void> {
    return this.#try(() => this.calling.hangup());
  }

  async #try(action: () => Promise<unknown>): Promise<void> {
    this.error.set('');
    try {
      await action();
    } catch (e) {
      this.error.set(e instanceof Error ? e.message : String(e));
    }
  }
}
`;
}
