/**
 * Material UI (v5) markup as a production React build renders it: long
 * Mui* class lists plus emotion's hashed `css-*` classes, React 18 useId ids
 * (`:r1:`), the label text repeated in an invisible <legend>, and errors as
 * helper text (`Mui-error`, no role). Used by the autosubmit variant's login.
 */
import { escapeHtml } from './markup.js';

export const MUI_CSS = `
.MuiFormControl-root { position: relative; display: flex; flex-direction: column; margin: 16px 0 8px; }
.css-1jy569b { position: absolute; left: 0; top: 0; transform: translate(14px, -9px) scale(.75); transform-origin: top left; background: #fff; padding: 0 4px; margin: 0; color: #0009; z-index: 1; }
.MuiInputBase-root { position: relative; border-radius: 4px; }
.css-1x5jdmq { border: 0; margin: 0; padding: 16.5px 14px; background: none; }
.css-igs3ac { position: absolute; inset: -5px 0 0; margin: 0; padding: 0 8px; border: 1px solid #0000003b; border-radius: inherit; pointer-events: none; }
.css-14lo706 { width: auto; overflow: hidden; padding: 0; height: 11px; font-size: .75em; visibility: hidden; }
.css-14lo706 > span { padding: 0 5px; display: inline-block; opacity: 0; visibility: visible; }
.css-1wc848c { color: #d32f2f; font-size: .75rem; margin: 3px 14px 0; }
.css-1vhaqj4 { margin: 24px 0 16px; background: #1976d2; text-transform: uppercase; letter-spacing: .02857em; }
.css-9l3uo3 { font-size: 1rem; } .MuiFormControlLabel-root { display: flex; align-items: center; gap: 4px; }
.MuiFormControlLabel-root input { width: auto; margin: 0; }`;

export interface MuiTextFieldProps {
  /** The React useId value, e.g. ":r1:". */
  id: string;
  name: string;
  label: string;
  type: 'text' | 'password';
  autocomplete: string;
  value?: string;
  autofocus?: boolean;
  /** Shown as red helper text under the field. */
  error?: string;
}

/** A required outlined <TextField>. */
export function muiTextField(p: MuiTextFieldProps): string {
  const label = escapeHtml(p.label);
  const helperId = `${p.id}-helper-text`;
  const described = p.error ? ` aria-describedby="${helperId}"` : '';
  const helper = p.error
    ? `<p class="MuiFormHelperText-root Mui-error MuiFormHelperText-sizeMedium MuiFormHelperText-contained Mui-required css-1wc848c" id="${helperId}">${escapeHtml(p.error)}</p>`
    : '';
  const errorClass = p.error ? ' Mui-error' : '';
  return `<div class="MuiFormControl-root MuiFormControl-marginNormal MuiFormControl-fullWidth MuiTextField-root css-17vbkzs">
<label class="MuiFormLabel-root MuiInputLabel-root MuiInputLabel-formControl MuiInputLabel-animated MuiInputLabel-shrink MuiInputLabel-outlined MuiFormLabel-colorPrimary${errorClass} Mui-required css-1jy569b" data-shrink="true" for="${p.id}" id="${p.id}-label">${label}<span aria-hidden="true" class="MuiFormLabel-asterisk MuiInputLabel-asterisk css-sp68t1"> *</span></label>
<div class="MuiInputBase-root MuiOutlinedInput-root MuiInputBase-colorPrimary${errorClass} MuiInputBase-fullWidth MuiInputBase-formControl css-md26zr">
<input aria-invalid="${p.error ? 'true' : 'false'}"${described} autocomplete="${p.autocomplete}"${p.autofocus ? ' autofocus=""' : ''} id="${p.id}" name="${p.name}" required="" type="${p.type}" class="MuiInputBase-input MuiOutlinedInput-input css-1x5jdmq" value="${escapeHtml(p.value ?? '')}">
<fieldset aria-hidden="true" class="MuiOutlinedInput-notchedOutline css-igs3ac"><legend class="css-14lo706"><span>${label} *</span></legend></fieldset>
</div>
${helper}
</div>`;
}

/** <Button type="submit" variant="contained" fullWidth>, touch ripple span included. */
export function muiSubmitButton(text: string): string {
  return `<button class="MuiButtonBase-root MuiButton-root MuiButton-contained MuiButton-containedPrimary MuiButton-sizeMedium MuiButton-containedSizeMedium MuiButton-fullWidth css-1vhaqj4" tabindex="0" type="submit">${escapeHtml(text)}<span class="MuiTouchRipple-root css-w0pj6f"></span></button>`;
}

/** <FormControlLabel control={<Checkbox />}>. */
export function muiCheckbox(name: string, label: string): string {
  return `<label class="MuiFormControlLabel-root MuiFormControlLabel-labelPlacementEnd css-1jaw3da"><span class="MuiButtonBase-root MuiCheckbox-root MuiCheckbox-colorPrimary PrivateSwitchBase-root css-12wnr2w"><input class="PrivateSwitchBase-input css-1m9pwf3" name="${name}" type="checkbox" data-indeterminate="false" value="true"></span><span class="MuiTypography-root MuiTypography-body1 MuiFormControlLabel-label css-9l3uo3">${escapeHtml(label)}</span></label>`;
}
