/**
 * What each server-rendered variant supplies: its markup for the two screens
 * and how to read its own field names back out of the posted form.
 */

export interface LoginView {
  csrf: string;
  /** Form action, e.g. /classic/login. */
  action: string;
  error?: string;
  /** Previously typed username, kept after a failed attempt as real portals do. */
  username?: string;
}

export interface CodeView {
  csrf: string;
  action: string;
  error?: string;
}

export interface FormPages {
  loginPage(view: LoginView): string;
  codePage(view: CodeView): string;
  readLogin(form: URLSearchParams): { username: string; password: string };
  readCode(form: URLSearchParams): string;
}
