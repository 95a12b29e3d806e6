/**
 * Boxes variant: the classic login, but the code screen is six single-digit
 * inputs with focus hopping between them, as many banking portals do.
 * Clients must type digit by digit (or paste into the first box).
 */
import { classicPages } from './classic.js';
import type { FormPages } from './form-pages.js';
import { alertBox, csrfInput, pageShell } from './layout.js';

const DIGIT_COUNT = 6;

/** Moves focus forward on input, back on Backspace, and spreads a pasted code over the boxes. */
const FOCUS_SCRIPT = `
const boxes = Array.from(document.querySelectorAll('.digits input'));
boxes.forEach((box, i) => {
  box.addEventListener('input', () => {
    const digits = box.value.replace(/\\D/g, '');
    if (digits.length > 1) {
      digits.split('').slice(0, boxes.length - i).forEach((d, k) => { boxes[i + k].value = d; });
      boxes[Math.min(i + digits.length, boxes.length) - 1].focus();
      return;
    }
    box.value = digits;
    if (digits && boxes[i + 1]) boxes[i + 1].focus();
  });
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Backspace' && !box.value && boxes[i - 1]) boxes[i - 1].focus();
  });
});
boxes[0].focus();`;

function digitInputs(): string {
  return Array.from(
    { length: DIGIT_COUNT },
    (_, i) =>
      `<input name="d${i + 1}" type="text" inputmode="numeric" maxlength="1" aria-label="Digit ${i + 1}" autocomplete="off" required>`,
  ).join('\n');
}

export const boxesPages: FormPages = {
  loginPage: classicPages.loginPage,
  readLogin: classicPages.readLogin,

  codePage: ({ csrf, action, error }) =>
    pageShell({
      title: 'Verify it is you',
      body: `<h1>Verify it's you</h1>
<p>Enter the code shown in your authenticator app.</p>
${alertBox(error)}
<form method="post" action="${action}">
${csrfInput(csrf)}
<div class="digits">
${digitInputs()}
</div>
<button type="submit">Verify</button>
</form>`,
      script: FOCUS_SCRIPT,
    }),

  readCode: (form) =>
    Array.from({ length: DIGIT_COUNT }, (_, i) => (form.get(`d${i + 1}`) ?? '').trim()).join(''),
};
