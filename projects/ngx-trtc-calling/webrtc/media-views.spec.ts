import { silentTransportLogger } from './logger';
import { MediaViews } from './media-views';

/*
 * MediaViews over a minimal document: where views render across a leave of the room. The
 * elements themselves play in a real browser (e2e/demo-call.spec.ts, "no camera").
 */

class FakeElement {
  readonly children: FakeElement[] = [];
  readonly attributes = new Map<string, string>();
  readonly style: Record<string, string> = {};
  parent: FakeElement | null = null;
  srcObject: unknown = null;
  muted = false;
  autoplay = false;
  playsInline = false;
  constructor(readonly tagName: string) {}
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  appendChild(child: FakeElement): void {
    child.parent = this;
    this.children.push(child);
  }
  querySelector(): FakeElement | null {
    return this.children.find((c) => c.tagName === 'VIDEO') ?? null;
  }
  remove(): void {
    this.parent?.children.splice(this.parent.children.indexOf(this), 1);
    this.parent = null;
  }
  play(): Promise<void> {
    return Promise.resolve();
  }
}

const fakeDocument = () => {
  const body = new FakeElement('BODY');
  return {
    body,
    createElement: (tag: string) => new FakeElement(tag.toUpperCase()),
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  };
};

const stream = (...ids: string[]) => ({ getTracks: () => ids }) as unknown as MediaStream;

describe('MediaViews', () => {
  let doc: ReturnType<typeof fakeDocument>;
  let views: MediaViews;
  let target: FakeElement;

  beforeEach(() => {
    doc = fakeDocument();
    views = new MediaViews({
      document: () => doc as unknown as Document,
      autoplayBlocked: () => undefined,
      gesture: () => undefined,
      logger: silentTransportLogger,
    });
    target = new FakeElement('DIV');
    views.attach('user:alice', target as unknown as HTMLElement);
  });

  it('renders an attached view when its stream arrives', () => {
    const s = stream('v1');
    views.setStream('user:alice', s);
    expect(target.children).toHaveLength(1);
    expect(target.children[0]?.srcObject).toBe(s);
  });

  it('releaseAll removes the elements and streams, and renders the next stream where the app attached', () => {
    views.setStream('user:alice', stream('v1'));
    views.releaseAll();
    expect(target.children).toHaveLength(0);
    const next = stream('v2');
    views.setStream('user:alice', next);
    expect(target.children).toHaveLength(1);
    expect(target.children[0]?.srcObject).toBe(next);
  });

  it('clear forgets the views too: a later stream renders nowhere', () => {
    views.setStream('user:alice', stream('v1'));
    views.clear();
    views.setStream('user:alice', stream('v2'));
    expect(target.children).toHaveLength(0);
  });
});
