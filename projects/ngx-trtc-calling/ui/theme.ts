/**
 * The kit's theme: every component resolves the public `--ngx-call-*` custom properties (set
 * them on any ancestor, e.g. `:root`) into private `--_call-*` copies on its host, falling back
 * to these defaults. Kept private so a component's default never overrides what the app set
 * further up. Default pairs of text and background pass WCAG AA (4.5:1), checked by theme.spec.ts.
 */
export const CALL_THEME = `
  :host {
    --_call-bg: var(--ngx-call-bg, #15181c);
    --_call-surface: var(--ngx-call-surface, #262b33);
    --_call-text: var(--ngx-call-text, #f5f7fa);
    --_call-text-muted: var(--ngx-call-text-muted, #c1c8d2);
    --_call-control-bg: var(--ngx-call-control-bg, #3c424c);
    --_call-control-text: var(--ngx-call-control-text, #ffffff);
    --_call-control-active-bg: var(--ngx-call-control-active-bg, #f5f7fa);
    --_call-control-active-text: var(--ngx-call-control-active-text, #15181c);
    --_call-danger-bg: var(--ngx-call-danger-bg, #c5221f);
    --_call-danger-text: var(--ngx-call-danger-text, #ffffff);
    --_call-success-bg: var(--ngx-call-success-bg, #137333);
    --_call-success-text: var(--ngx-call-success-text, #ffffff);
    --_call-warning-bg: var(--ngx-call-warning-bg, #8a4b00);
    --_call-warning-text: var(--ngx-call-warning-text, #ffffff);
    --_call-badge-bg: var(--ngx-call-badge-bg, rgb(0 0 0 / 72%));
    --_call-badge-text: var(--ngx-call-badge-text, #ffffff);
    --_call-accent: var(--ngx-call-accent, #8ab4f8);
    --_call-focus: var(--ngx-call-focus, #8ab4f8);
    --_call-radius: var(--ngx-call-radius, 0.75rem);
    --_call-gap: var(--ngx-call-gap, 0.5rem);
    --_call-font: var(--ngx-call-font, inherit);
    font: var(--_call-font);
  }
  button {
    font: inherit;
  }
  button:focus-visible,
  select:focus-visible,
  [tabindex]:focus-visible {
    outline: 3px solid var(--_call-focus);
    outline-offset: 2px;
  }
  button:disabled {
    opacity: 0.45;
    cursor: not-allowed;
  }
  .ngx-call-visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
