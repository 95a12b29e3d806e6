import type { Frame } from 'playwright';
import { TAG } from './detect.js';

/** One element detection chose, described for a person deciding whether it chose right. */
export interface ChosenElement {
  /** What it was taken for: username, password, code, code-0…, password-submit, choice-totp, interstitial-no… */
  roles: string[];
  /** A CSS selector for it, to put in the config if detection chose wrong. */
  selector: string;
  /** A control's visible text, or the words detection read for a field (never a field's value). */
  text: string;
}

/**
 * Lists the elements the last scan tagged in `frame` and draws a labelled
 * outline around each, inside the frame's own document, so a screenshot
 * shows what detection chose.
 */
export async function outlineChosen(frame: Frame): Promise<ChosenElement[]> {
  return frame.evaluate((attr) => {
    const found: Array<{ roles: string[]; selector: string; text: string }> = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        const roles = (el.getAttribute(attr) ?? '').split(' ').filter(Boolean);
        if (roles.length > 0) {
          const name = el.getAttribute('name');
          const selector = el.id ? `#${CSS.escape(el.id)}` : name ? `${el.localName}[name="${name}"]` : `${el.localName}${[...el.classList].slice(0, 2).map((c) => `.${CSS.escape(c)}`).join('')}`;
          const label = el instanceof HTMLInputElement ? `read as: ${el.getAttribute(`${attr}-read`) || '(no words; by position)'}` : (el as HTMLElement).innerText;
          found.push({ roles, selector, text: (label ?? '').replace(/\s+/g, ' ').trim().slice(0, 60) });
          const rect = el.getBoundingClientRect();
          const box = document.createElement('div');
          box.setAttribute('data-portal-login-outline', '');
          box.style.cssText = `position:fixed;left:${rect.left - 3}px;top:${rect.top - 3}px;width:${rect.width + 6}px;height:${rect.height + 6}px;border:3px solid #e4007c;z-index:2147483647;pointer-events:none;box-sizing:border-box`;
          const caption = document.createElement('span');
          caption.textContent = roles.join(' ');
          caption.style.cssText = 'position:absolute;left:0;top:-18px;background:#e4007c;color:#fff;font:12px/16px monospace;padding:0 4px;white-space:nowrap';
          box.append(caption);
          document.documentElement.append(box);
        }
        if (el.shadowRoot) visit(el.shadowRoot);
      }
    };
    visit(document);
    return found;
  }, TAG);
}

/** Removes the outlines again (before the page is used on). */
export async function removeOutlines(frame: Frame): Promise<void> {
  await frame.evaluate(() => document.querySelectorAll('[data-portal-login-outline]').forEach((el) => el.remove())).catch(() => undefined);
}
