import type { ErrorCode } from '../core/errors.js';

/**
 * What a portal's error text says happened, by the text alone. The flows ask
 * this module, never a regex of their own, so one phrasing table decides
 * what is retried and how a run ends (tests/unit/messages.spec.ts).
 */
export type MessageClass =
  | 'bad-credentials'
  | 'code-rejected'
  | 'locked'
  | 'attempts-running-out'
  | 'rate-limited'
  | 'captcha'
  | 'session-conflict'
  | 'ip-not-allowed'
  | 'unclassified';

export interface ClassifiedMessage {
  kind: MessageClass;
  /** Seconds the portal asks to wait ("try again in 5 minutes" → 300), when it says. */
  retryAfterSeconds?: number;
  /** Attempts it says are left ("2 tries left" → 2). */
  attemptsLeft?: number;
}

type Stage = 'credentials' | 'code';

// Counts as portals spell them; "no attempts left" is 0 and means locked.
const WORD_NUMBERS: Readonly<Record<string, number>> = {
  no: 0, zero: 0, a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, fifteen: 15, twenty: 20, thirty: 30,
};
const COUNT = String.raw`(\d+|no|zero|one|two|three|four|five|six|seven|eight|nine|ten)`;
const ATTEMPT = String.raw`(?:attempts?|tries|try|chances?|retries|retry)`;
// Words portals put between the count and "attempts": "2 more failed login attempts".
const ATTEMPT_QUALIFIERS = String.raw`(?:(?:more|login|log-?in|sign-?in|failed|incorrect|invalid|unsuccessful|remaining|wrong|otp|password|verification) )*`;
const ATTEMPTS_LEFT: readonly RegExp[] = [
  new RegExp(String.raw`\b${COUNT} ${ATTEMPT_QUALIFIERS}${ATTEMPT} (?:are |is )?(?:left|remaining)\b`),
  new RegExp(String.raw`\b(?:only|just) ${COUNT} ${ATTEMPT_QUALIFIERS}${ATTEMPT}\b`),
  new RegExp(String.raw`\b${COUNT} (?:more|remaining) ${ATTEMPT_QUALIFIERS}${ATTEMPT}\b`),
  new RegExp(String.raw`\b(?:${ATTEMPT} (?:left|remaining)|remaining ${ATTEMPT}) ?[:=-]? ?${COUNT}\b`),
  new RegExp(String.raw`\( ?${COUNT} (?:left|remaining) ?\)`),
];
const LAST_ATTEMPT = /\blast (?:remaining )?(?:attempt|try|chance)\b/;

const SECONDS_PER_UNIT: ReadonlyArray<[RegExp, number]> = [[/^d/, 86_400], [/^h/, 3600], [/^m/, 60], [/^s/, 1]];
const DURATION_COUNT = String.raw`\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty`;
const DURATION_UNIT = String.raw`seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?`;
const DURATION = String.raw`\b(?:${DURATION_COUNT}) ?(?:${DURATION_UNIT})\b`;
/** One "<count> <unit>" with both captured, to add up "1 hour and 30 minutes". */
const DURATION_PARTS = new RegExp(String.raw`\b(${DURATION_COUNT}) ?(${DURATION_UNIT})\b`, 'g');
// A duration counts only after a cue that makes it a wait: "codes are valid for 30 seconds" is not one.
const WAIT_CUE = String.raw`\b(?:(?:try|retry)(?:ing)?(?: (?:it|this|to log ?in|to sign ?in|logging in|signing in))?(?: again)?|retry(?:ing)?|wait(?:ing)?|(?:log|sign) ?in again|locked|blocked|suspended|disabled|unlocked|unblocked|resume|expected available)`;
const TIMED_WAIT = new RegExp(String.raw`${WAIT_CUE}(?: (?:your|the|this) (?:account|user|login|access))?(?: (?:for|in|after|about|at least|another|up to|around|approximately|within|the next))* (${DURATION}(?:(?: and|,)? ${DURATION})*)`);
const VAGUE_WAIT = /\b(?:try|retry)(?: again)? (?:later|shortly|soon|after some ?time|(?:after|in) (?:a while|some time|a (?:moment|bit|little while|short while|few \w+|couple of \w+)))\b|\bwait (?:a (?:while|moment|bit|little|short while|few \w+|couple of \w+)|some time|awhile|before (?:trying|retrying|you try|attempting|logging|signing|requesting))\b|\bcome back later\b/;
// The TOTP window, not a throttle: our demo's "Wait for the next code." is a plain rejection.
const NEXT_CODE_WAIT = /\bwait\b(?: [\w']+){0,4}? (?:for|until) (?:the |a )?(?:next|new|fresh) (?:code|otp|totp|token|one)\b/g;

// A warning ("will be locked", "before your account is locked") is not a lock; it is removed before LOCKED looks.
const LOCK_WORD = String.raw`(?:locked|blocked|suspended|disabled|lock(?:ed)? out|lockout|lock|block|suspend|disable)`;
const LOCK_WARNING = new RegExp(String.raw`\b(?:will|may|might|could|would|can|before|avoid|prevent|risk)\b(?: [\w']+){0,4}? ${LOCK_WORD}\b`);
const LOCK_WARNINGS = new RegExp(LOCK_WARNING.source, 'g');
// A blocked IP is a throttle (RATE_LIMITED below), not a locked account.
const NOT_THE_ACCOUNT = /\b(?:cookies?|javascript|pop-?ups?|ip|ip address)\b(?: [\w']+){0,3}? (?:disabled|blocked)\b/g;
// "Will be unlocked in 15 minutes" says it is locked now.
const LOCKED = /\b(?:locked|blocked|suspended|disabled|deactivated|frozen|locked out|lockout)\b|\bwill be (?:automatically )?(?:unlocked|unblocked)\b/;

const CAPTCHA = /\b(?:re|h)?captcha\b|\bnot a robot\b|\b(?:verify|confirm|prove) (?:that )?you(?:'re| are) (?:a )?human\b|\bare you (?:a )?(?:human|robot)\b|\bhuman verification\b|\bunusual traffic\b/;
const RATE_LIMITED = /\btoo many\b|\brate[- ]?limit|\bthrottl|\bslow down\b|\btoo (?:frequently|fast|often|quickly)\b|\b(?:exceeded|reached) (?:the |your )?(?:maximum|max|limit|allowed)|\b(?:maximum|max|limit)\b(?: [\w-]+){0,4}? (?:exceeded|reached)\b|\b(?:quota|attempts?) (?:exceeded|reached)\b|\bip(?: address)? (?:has been |is |was )?(?:temporarily )?(?:blocked|banned)\b/;
// The address the request came from is not on the account's list (a static-IP broker): not a throttle, not the account.
const IP = String.raw`(?:ip|ip address|ip-address|ipv4|ipv6|source address|network address)`;
const IP_REFUSAL = String.raw`(?:not (?:allowed|permitted|authori[sz]ed|whitelisted|white-listed|allow-?listed|registered|recogni[sz]ed|approved|mapped|linked)|not in (?:the |your )?(?:allow ?list|white ?list|list of (?:allowed|registered) (?:ips|addresses)))`;
export const IP_NOT_ALLOWED: readonly RegExp[] = [
  new RegExp(String.raw`\b${IP}\b(?: [\w'.:-]+){0,3}? (?:is |was |has been |are )?${IP_REFUSAL}\b`),
  new RegExp(String.raw`\b(?:unregistered|unauthori[sz]ed|unrecogni[sz]ed|untrusted|disallowed|unapproved|unknown|invalid|non-whitelisted|non-registered|not whitelisted|not registered) (?:source |client |static |public |request )?${IP}\b`),
  new RegExp(String.raw`\b(?:access|login|log-?in|sign-?in|request|requests|connection|connections|trading|api access)\b(?: (?:is|are|has been|was))? (?:denied|not allowed|not permitted|forbidden|refused|restricted|rejected) (?:from|for) (?:this|your|the|an?|that|current|unknown|client) (?:[\w-]+ )?${IP}\b`),
  new RegExp(String.raw`\b${IP} (?:restriction|restricted|whitelist(?:ing)? (?:check )?failed|mismatch|check failed|validation failed|not whitelisted)\b`),
];

const SESSION_CONFLICT: readonly RegExp[] = [
  /\b(?:logged|signed) ?in (?:elsewhere|(?:on|from|in|at|with) (?:another|a different|other|some other|a second|a new) (?:device|browser|location|computer|machine|tab|window|place|system|ip))\b/,
  /\b(?:active|existing|open|concurrent|simultaneous|parallel|another) (?:login |user |web )?sessions?\b(?: [\w']+){0,5}? (?:another|other|different|elsewhere)\b/,
  /\b(?:another|other) (?:active )?(?:session|login)\b(?: [\w']+){0,3}? (?:active|open|exists|in progress|running|detected)\b/,
  /\b(?:concurrent|multiple(?: active)?) (?:logins?|sessions?)\b/,
];

const CODE = String.raw`(?:code|otp|totp|token|passcode|pass code|one[- ]time password)`;
const CODE_QUALIFIERS = String.raw`(?:(?:verification|security|authentication|authenticator|auth|one[- ]time|otp|totp|2fa|mfa|two[- ]factor|sms|login|access|confirmation|\d[- ]digit|entered|the|this|that|your) )*`;
const CODE_REJECTED: readonly RegExp[] = [
  new RegExp(String.raw`\b(?:invalid|incorrect|wrong|bad|expired) ${CODE_QUALIFIERS}${CODE}\b`),
  // "client code", "promo code" are not the one-time code.
  new RegExp(String.raw`(?<!\b(?:client|user|customer|promo|coupon|referral|zip|postal|country|area|authenticity|csrf) )\b${CODE}(?: (?:that )?you (?:entered|provided|typed|submitted|used))? (?:(?:is|was|has|has been|appears to be|seems to be) )?(?:invalid|incorrect|wrong|expired|not (?:valid|correct|right|recogni[sz]ed|accepted)|no longer valid|already (?:been )?used|been used|used already|mismatch)\b`),
  new RegExp(String.raw`(?<!\b(?:client|user|customer|authenticity|csrf) )\b${CODE} (?:doesn't|does not|didn't|did not) (?:match|work)\b`),
  /\bverification failed\b|\b(?:two[- ]factor|2fa|mfa|otp|totp|second factor)(?: authentication| verification)? (?:failed|unsuccessful)\b|\balready been used\b/,
  /\b(?:didn't|did not) enter the (?:expected|correct|right)(?: verification)? code\b|\b(?:couldn't|could not|unable to) verify (?:your |the |that )?(?:code|otp|token)\b/,
];

const CREDENTIAL = String.raw`(?:user ?name|user ?id|user|login(?: id| name)?|e-?mail(?: address| id)?|account(?: name)?|client ?(?:id|code)|password|passphrase|credentials?|mobile(?: number)?|phone(?: number)?|customer id)`;
const AND_OR = String.raw`(?: (?:or|and|and/or|&) | ?/ ?)`;
const BAD_CREDENTIALS: readonly RegExp[] = [
  new RegExp(String.raw`\b(?:invalid|incorrect|wrong|bad|unknown|unrecogni[sz]ed) (?:(?:the|your|login|log-?in|sign-?in) )?${CREDENTIAL}\b`),
  new RegExp(String.raw`\b${CREDENTIAL}(?:${AND_OR}${CREDENTIAL})?(?: (?:that )?you (?:entered|provided|typed))? (?:is |are |was |were |seems |appears )?(?:invalid|incorrect|wrong|not (?:valid|correct|recogni[sz]ed|registered))\b`),
  /\b(?:user|account|username|e-?mail|login|client(?: id| code)?)(?: [\w-]+)? (?:not found|(?:does not|doesn't) exist|(?:is )?not registered)\b|\bno (?:such )?(?:user|account)\b/,
  /\b(?:couldn't|could not|can't|cannot|unable to) find (?:your|an?|that|this|the) (?:[\w-]+ )?(?:account|user)\b|\b(?:don't|do not) recogni[sz]e (?:this|that|your) (?:e-?mail|user ?name|account)\b/,
  /\b(?:credentials?|user ?name|e-?mail|password)\b.*\b(?:don't|do not|doesn't|does not|didn't|did not) match\b/,
  /\benter (?:a |the )?(?:correct|valid|right) (?:user ?name|e-?mail|password|credentials|login)\b|\b(?:authentication|login|log-?in|sign-?in) (?:information|info|details) (?:is |are |was |were )?(?:incorrect|invalid|wrong)\b/,
];

/** The facts every rule reads, found once per message. */
interface Facts {
  text: string;
  attemptsLeft: number | undefined;
  retryAfterSeconds: number | undefined;
  asksToWait: boolean;
  /** "Your account is locked", not "… before your account is locked". */
  saysLocked: boolean;
  warnsOfLock: boolean;
}

const anyOf = (patterns: readonly RegExp[], text: string) => patterns.some((p) => p.test(text));
const rejects = (text: string) => anyOf(CODE_REJECTED, text) || anyOf(BAD_CREDENTIALS, text);

/**
 * First match wins, so the order says what is worse: a refused IP, a lock, then a captcha,
 * then a count of attempts left, then a throttle, then a bare lock warning.
 * A request to wait beats a plain rejection, because retrying then only burns
 * attempts; but "try again later" alone is also what a broken server says, so
 * only a wait with a duration is a throttle by itself.
 */
const RULES: ReadonlyArray<[MessageClass, (facts: Facts) => boolean]> = [
  // First: from the wrong address nothing else the portal says can be acted on, and retrying from it changes nothing.
  ['ip-not-allowed', (f) => anyOf(IP_NOT_ALLOWED, f.text)],
  ['locked', (f) => f.attemptsLeft === 0 || f.saysLocked],
  ['captcha', (f) => CAPTCHA.test(f.text)],
  ['attempts-running-out', (f) => f.attemptsLeft !== undefined],
  ['rate-limited', (f) => RATE_LIMITED.test(f.text)],
  ['attempts-running-out', (f) => f.warnsOfLock],
  ['session-conflict', (f) => anyOf(SESSION_CONFLICT, f.text)],
  ['rate-limited', (f) => f.retryAfterSeconds !== undefined || (f.asksToWait && rejects(f.text))],
  ['code-rejected', (f) => anyOf(CODE_REJECTED, f.text)],
  ['bad-credentials', (f) => anyOf(BAD_CREDENTIALS, f.text)],
];

/** Classifies a portal's error text by the text alone; 'unclassified' when it says nothing we know. */
export function classifyMessage(text: string): ClassifiedMessage {
  const facts = factsOf(text);
  const kind = RULES.find(([, applies]) => applies(facts))?.[0] ?? 'unclassified';
  return {
    kind,
    ...(facts.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: facts.retryAfterSeconds }),
    ...(facts.attemptsLeft === undefined ? {} : { attemptsLeft: facts.attemptsLeft }),
  };
}

function factsOf(raw: string): Facts {
  // Portals differ in case, apostrophes and spacing, never in meaning.
  const text = raw.toLowerCase().replace(/[\u2018\u2019\u02bc`]/g, "'").replace(/\s+/g, ' ').trim();
  const waits = text.replace(NEXT_CODE_WAIT, ' ');
  const retryAfterSeconds = timedWait(waits);
  return {
    text,
    attemptsLeft: attemptsLeft(text),
    retryAfterSeconds,
    asksToWait: retryAfterSeconds !== undefined || VAGUE_WAIT.test(waits),
    saysLocked: LOCKED.test(text.replace(LOCK_WARNINGS, ' ').replace(NOT_THE_ACCOUNT, ' ')),
    warnsOfLock: LOCK_WARNING.test(text),
  };
}

function attemptsLeft(text: string): number | undefined {
  for (const pattern of ATTEMPTS_LEFT) {
    const count = pattern.exec(text)?.[1];
    if (count !== undefined) return toNumber(count);
  }
  return LAST_ATTEMPT.test(text) ? 1 : undefined;
}

/** Seconds in the first wait the text asks for ("try again in 1 hour and 30 minutes" → 5400). */
function timedWait(text: string): number | undefined {
  const span = TIMED_WAIT.exec(text)?.[1];
  if (span === undefined) return undefined;
  let seconds = 0;
  for (const [, count = '', unit = ''] of span.matchAll(DURATION_PARTS)) {
    seconds += toNumber(count) * (SECONDS_PER_UNIT.find(([prefix]) => prefix.test(unit))?.[1] ?? 0);
  }
  return seconds;
}

const toNumber = (count: string) => (/^\d+$/.test(count) ? Number(count) : (WORD_NUMBERS[count] ?? 0));

const byStage = (stage: Stage): ErrorCode => (stage === 'credentials' ? 'BAD_CREDENTIALS' : 'CODE_REJECTED');

const ERROR_CODES: Readonly<Record<MessageClass, (stage: Stage) => ErrorCode | undefined>> = {
  // After the code the password was already accepted: "invalid credentials" then means the code (AWS says it for both).
  'bad-credentials': byStage,
  'code-rejected': () => 'CODE_REJECTED',
  locked: () => 'ACCOUNT_LOCKED',
  // It did not say which factor was wrong, so the step we were on does.
  'attempts-running-out': byStage,
  'rate-limited': () => 'RATE_LIMITED',
  captcha: () => 'CAPTCHA',
  'session-conflict': () => undefined,
  'ip-not-allowed': () => 'IP_NOT_ALLOWED',
  unclassified: () => undefined,
};

/**
 * The error code a run ends with after this message at this stage; undefined
 * for a session conflict (a screen to handle, not an error) and for
 * unclassified text (the caller decides).
 */
export function errorCodeFor(stage: Stage, message: ClassifiedMessage): ErrorCode | undefined {
  return ERROR_CODES[message.kind](stage);
}

/**
 * Whether the portal only said the code was wrong, expired or used, and
 * nothing about attempts, locks or waits: such a code may be retried ONCE,
 * from a new window.
 */
export function isPlainCodeRejection(message: ClassifiedMessage): boolean {
  return message.kind === 'code-rejected' && message.attemptsLeft === undefined && message.retryAfterSeconds === undefined;
}

/**
 * HTTP 429 → rate-limited, with the Retry-After header's wait in seconds
 * (delta-seconds or an HTTP-date, measured from nowMs); other statuses → undefined.
 */
export function rateLimitFromStatus(status: number, retryAfterHeader?: string, nowMs: number = Date.now()): ClassifiedMessage | undefined {
  if (status !== 429) return undefined;
  const seconds = retryAfterSeconds(retryAfterHeader?.trim() ?? '', nowMs);
  return seconds === undefined ? { kind: 'rate-limited' } : { kind: 'rate-limited', retryAfterSeconds: seconds };
}

function retryAfterSeconds(header: string, nowMs: number): number | undefined {
  if (/^\d+$/.test(header)) return Number(header);
  const at = Date.parse(header);
  // A date already past means "now", not a negative wait.
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** The hint for a RATE_LIMITED run: how long to wait when the portal said so. */
export function rateLimitHint(message: ClassifiedMessage): string {
  const wait = message.retryAfterSeconds === undefined ? 'Wait before the next run (the portal did not say how long)' : `Wait ${message.retryAfterSeconds} s before the next run`;
  return `${wait}; portal-login did not retry.`;
}
