/** The demo portal's variants: one path prefix each on the same server. */

export type DemoVariant =
  | 'classic'
  | 'boxes'
  | 'spa'
  | 'plain'
  | 'skewed'
  | 'captcha'
  // Script-driven variants in variants/*.ts, shaped like framework output.
  | 'reveal'
  | 'sameform'
  | 'bare'
  | 'frame'
  | 'xframe'
  | 'shadow'
  | 'digits'
  | 'idfirst'
  | 'allinone'
  | 'inline'
  | 'autosubmit'
  | 'sso'
  | 'trust'
  | 'choice'
  | 'conflict'
  | 'notice'
  // Rotates its session cookie on every authenticated request (rotation write-back).
  | 'rotating'
  // 5paisa style: authenticator app or a code by email (variants/email.ts); stale sends an old code first, lost never sends.
  | 'email'
  | 'emailstale'
  | 'emaillost'
  // The classic form with the password hashed by page JavaScript before sending: the fast path must find it browser-only.
  | 'hashed';

export const DEMO_VARIANTS: readonly DemoVariant[] = Object.freeze([
  'classic',
  'boxes',
  'spa',
  'plain',
  'skewed',
  'captcha',
  'reveal',
  'sameform',
  'bare',
  'frame',
  'xframe',
  'shadow',
  'digits',
  'idfirst',
  'allinone',
  'inline',
  'autosubmit',
  'sso',
  'trust',
  'choice',
  'conflict',
  'notice',
  'rotating',
  'email',
  'emailstale',
  'emaillost',
  'hashed',
]);

/**
 * How far each variant's clock runs ahead of the machine's, in ms. Skewed
 * proves the client trusts the server's Date header over its own clock.
 */
export const CLOCK_SKEW_MS: Readonly<Record<DemoVariant, number>> = Object.freeze({
  classic: 0,
  boxes: 0,
  spa: 0,
  plain: 0,
  skewed: 45_000,
  captcha: 0,
  reveal: 0,
  sameform: 0,
  bare: 0,
  frame: 0,
  xframe: 0,
  shadow: 0,
  digits: 0,
  idfirst: 0,
  allinone: 0,
  inline: 0,
  autosubmit: 0,
  sso: 0,
  trust: 0,
  choice: 0,
  conflict: 0,
  notice: 0,
  rotating: 0,
  email: 0,
  emailstale: 0,
  emaillost: 0,
  hashed: 0,
});

export function isDemoVariant(value: string): value is DemoVariant {
  return (DEMO_VARIANTS as readonly string[]).includes(value);
}

/** Where a person starts logging in to `variant` on a portal at `baseUrl`. */
export function variantLoginUrl(baseUrl: string, variant: DemoVariant): string {
  return variant === 'spa' ? `${baseUrl}/spa/` : `${baseUrl}/${variant}/login`;
}
