/**
 * The logo and web font every page references. They are tiny, but each
 * request is counted: a client that blocks images/fonts keeps the count at 0.
 */

export interface StaticAsset {
  contentType: string;
  body: Buffer;
}

/** A valid 1×1 transparent PNG. */
const LOGO_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/** Just a WOFF2 signature: enough for a browser to request it and fall back gracefully. */
const FONT_WOFF2 = Buffer.from('wOF2\0\x01\0\0', 'latin1');

export const STATIC_ASSETS: ReadonlyMap<string, StaticAsset> = new Map([
  ['/static/logo.png', { contentType: 'image/png', body: LOGO_PNG }],
  ['/static/demo.woff2', { contentType: 'font/woff2', body: FONT_WOFF2 }],
]);
