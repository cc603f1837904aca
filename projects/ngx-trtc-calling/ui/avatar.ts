import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  linkedSignal,
  type InputSignal,
} from '@angular/core';
import { CALL_UI_TEXTS } from './texts';
import { CALL_THEME } from './theme';
import { injectCallUserInfo, initialsOf } from './user-info';

/**
 * Backgrounds for initials: each passes 4.5:1 against white text (WCAG AA), so any of them
 * stays readable whatever userID picks it.
 */
const AVATAR_COLORS = [
  '#1f5fa8',
  '#7a3e9d',
  '#0f766e',
  '#a23b2c',
  '#4d5b16',
  '#8a3a62',
  '#3b4a9b',
  '#5f5f5f',
];

/** A stable colour per userID, so a person keeps their colour across calls. */
export function avatarColor(userID: string): string {
  let hash = 0;
  for (const char of userID) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return AVATAR_COLORS[hash % AVATAR_COLORS.length] ?? '#5f5f5f';
}

/**
 * A user's picture from `CALL_USER_INFO`, or their initials on a colour of their own when there
 * is no picture (or it fails to load). Labelled with the display name for screen readers.
 *
 * ```html
 * <ngx-call-avatar userID="alice" size="lg" />
 * ```
 */
@Component({
  selector: 'ngx-call-avatar',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class]': '"ngx-call-avatar ngx-call-avatar-" + size()' },
  template: `
    @let label = texts.avatarOf(info().displayName);
    @if (imageUrl(); as url) {
      <img [src]="url" [alt]="decorative() ? '' : label" (error)="imageFailed.set(true)" />
    } @else if (decorative()) {
      <span class="ngx-call-avatar-initials" aria-hidden="true" [style.background]="color()">{{
        initials()
      }}</span>
    } @else {
      <span
        class="ngx-call-avatar-initials"
        role="img"
        [attr.aria-label]="label"
        [style.background]="color()"
      >
        <span aria-hidden="true">{{ initials() }}</span>
      </span>
    }
  `,
  styles: [
    CALL_THEME,
    `
      :host {
        display: inline-flex;
        flex: none;
        inline-size: var(--ngx-call-avatar-size, 3rem);
        block-size: var(--ngx-call-avatar-size, 3rem);
        border-radius: 50%;
        overflow: hidden;
      }
      :host(.ngx-call-avatar-sm) {
        --ngx-call-avatar-size: 2rem;
      }
      :host(.ngx-call-avatar-lg) {
        --ngx-call-avatar-size: 6rem;
      }
      img,
      .ngx-call-avatar-initials {
        inline-size: 100%;
        block-size: 100%;
      }
      img {
        object-fit: cover;
      }
      .ngx-call-avatar-initials {
        display: flex;
        align-items: center;
        justify-content: center;
        color: #fff;
        font-weight: 600;
        font-size: calc(var(--ngx-call-avatar-size, 3rem) * 0.4);
        line-height: 1;
      }
    `,
  ],
})
export class CallAvatar {
  /** Whose avatar. */
  readonly userID = input.required<string>();
  /** `sm` 2rem, `md` 3rem, `lg` 6rem (or set `--ngx-call-avatar-size`). */
  readonly size: InputSignal<'sm' | 'md' | 'lg'> = input<'sm' | 'md' | 'lg'>('md');
  /** Hidden from screen readers, where the name is written next to it. */
  readonly decorative = input(false);

  protected readonly texts = inject(CALL_UI_TEXTS);
  protected readonly info = injectCallUserInfo(() => this.userID());
  protected readonly initials = computed(() => initialsOf(this.info().displayName || this.userID()));
  protected readonly color = computed(() => avatarColor(this.userID()));
  /** Reset whenever the URL changes, so a new picture gets its chance. */
  protected readonly imageFailed = linkedSignal({
    source: () => this.info().avatarUrl,
    computation: () => false,
  });
  protected readonly imageUrl = computed(() => (this.imageFailed() ? null : (this.info().avatarUrl ?? null)));
}
