/**
 * Markup helpers for the multi-screen variants. Each variant imitates what
 * one framework really renders, so the shared parts stay tiny: the portal
 * shell (logo and font still count as static hits) plus the variant's own CSS.
 */
import { escapeHtml, pageShell } from '../pages/layout.js';

export { escapeHtml };

export interface FrameworkPageOptions {
  title: string;
  /** The framework's stylesheet for its (often hashed) class names. */
  css: string;
  body: string;
  script?: string;
}

/** A portal page whose <main> holds markup the way the imitated framework emits it. */
export function frameworkPage({ title, css, body, script }: FrameworkPageOptions): string {
  return pageShell({ title, body: `<style>${css}</style>\n${body}`, ...(script ? { script } : {}) });
}

/** `<input type="hidden">` with both parts escaped. */
export function hiddenInput(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

/** `text` as a JSON literal that is safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
