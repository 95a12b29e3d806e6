/**
 * Whether the runtime's own IANA data knows `name` (Intl is what every time
 * calculation here uses, so a zone it accepts is a zone that works).
 */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
