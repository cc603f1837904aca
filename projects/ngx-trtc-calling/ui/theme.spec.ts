import { avatarColor } from './avatar';
import { CALL_THEME } from './theme';

/** WCAG 2.x relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r = 0, g = 0, b = 0] = channels.map((c) =>
    c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4,
  );
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

function themeDefault(name: string): string {
  const match = new RegExp(`--ngx-call-${name}, (#[0-9a-f]{6})\\)`).exec(CALL_THEME);
  if (!match?.[1]) throw new Error(`no default for --ngx-call-${name}`);
  return match[1];
}

describe('the default theme', () => {
  const pairs: [text: string, background: string][] = [
    ['text', 'bg'],
    ['text', 'surface'],
    ['text-muted', 'bg'],
    ['text-muted', 'surface'],
    ['control-text', 'control-bg'],
    ['control-active-text', 'control-active-bg'],
    ['danger-text', 'danger-bg'],
    ['success-text', 'success-bg'],
    ['warning-text', 'warning-bg'],
  ];

  it.each(pairs)('--ngx-call-%s on --ngx-call-%s passes 4.5:1', (text, background) => {
    expect(contrast(themeDefault(text), themeDefault(background))).toBeGreaterThanOrEqual(4.5);
  });

  it('the focus ring stands out 3:1 from the backgrounds it sits on', () => {
    for (const background of ['bg', 'surface', 'control-bg']) {
      expect(contrast(themeDefault('focus'), themeDefault(background))).toBeGreaterThanOrEqual(3);
    }
  });

  it('every avatar colour passes 4.5:1 under white initials', () => {
    const colours = new Set(Array.from({ length: 200 }, (_, i) => avatarColor(`user-${i}`)));
    expect(colours.size).toBeGreaterThan(4);
    for (const colour of colours) expect(contrast('#ffffff', colour)).toBeGreaterThanOrEqual(4.5);
  });
});
