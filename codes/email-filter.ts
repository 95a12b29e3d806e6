/**
 * Which messages may carry the code: the sender and subject filters of an
 * email code source. Pure functions, so the schema validates with the same
 * parser the source matches with.
 */

/** A subject filter: a case-insensitive substring, or a /regex/flags. */
export type SubjectMatcher = { kind: 'substring'; text: string } | { kind: 'regex'; regex: RegExp };

const REGEX_LITERAL = /^\/(.+)\/([dgimsuvy]*)$/s;

/** Parses a subject filter; `problem` says how to fix one that does not parse. */
export function parseSubjectFilter(filter: string): { matcher: SubjectMatcher } | { problem: string } {
  const literal = REGEX_LITERAL.exec(filter);
  if (!literal) return { matcher: { kind: 'substring', text: filter.toLowerCase() } };
  const [, source = '', flags = ''] = literal;
  try {
    // g and y make test() stateful (lastIndex): one subject would match, the next not.
    return { matcher: { kind: 'regex', regex: new RegExp(source, flags.replace(/[gy]/g, '')) } };
  } catch {
    return { problem: `"${filter}" is not a valid /regular expression/ (JavaScript syntax, e.g. "/(OTP|verification code)/i"); for plain text leave out the slashes` };
  }
}

export function subjectMatches(matcher: SubjectMatcher, subject: string): boolean {
  return matcher.kind === 'substring' ? subject.toLowerCase().includes(matcher.text) : matcher.regex.test(subject);
}

/**
 * True when one of the sender addresses contains `filter` (case-insensitive).
 * Only the address counts, never the display name: anyone can send mail
 * named "alerts@broker.example" from another address.
 */
export function senderMatches(filter: string, addresses: readonly string[]): boolean {
  const wanted = filter.toLowerCase();
  return addresses.some((address) => address.toLowerCase().includes(wanted));
}

/** What a filter set looks like in messages: "from …, subject …" or "none". */
export function describeFilter(filter: { from?: string | undefined; subject?: string | undefined }): string {
  const parts = [filter.from ? `from "${filter.from}"` : '', filter.subject ? `subject "${filter.subject}"` : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : 'none (any sender, any subject)';
}
