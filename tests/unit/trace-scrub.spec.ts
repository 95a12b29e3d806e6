/**
 * The trace scrubber as pure functions on trace JSON lines and body strings:
 * a code typed one digit per box, and tokens the run never learned, must
 * not be readable from a `--trace` zip. The e2e side (tests/e2e/secrets.spec.ts)
 * runs the real CLI against the digits, autosubmit and spa variants.
 */
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { REDACTED, Redactor } from '../../core/redact.js';
import { scrubBody, scrubUrl } from '../../session/bodies.js';
import { digitRunPositions, isPartOfCode, targetsCodeBox } from '../../session/code-digits.js';
import { isSecretKey } from '../../session/secret-keys.js';
import { scrubTraceLine } from '../../session/trace-lines.js';
import { scrubTrace } from '../../session/trace-scrub.js';

const CODE = '870412';
const PASSWORD = 'hunter2-Secret';

/** The run's redactor after the password and the code were registered, as the login engine does. */
function runRedactor(): Redactor {
  const redactor = new Redactor();
  redactor.add(PASSWORD);
  redactor.add(CODE);
  return redactor;
}

const line = (event: unknown) => JSON.stringify(event);
const scrubbed = (event: unknown, redactor = runRedactor()) => JSON.parse(scrubTraceLine(line(event), redactor)) as Record<string, unknown>;
const boxSelector = (i: number) => `[data-portal-login~="code-${i}"] >> nth=0`;
const fill = (selector: string, value: string) => ({ type: 'before', callId: 'c@1', startTime: 1.5, class: 'Frame', method: 'fill', title: `Fill "${value}"`, params: { selector, strict: true, value, timeout: 3000 } });

test.describe('Redactor.digitSecrets', () => {
  test('lists the registered all-digit secrets (the codes), not the password', () => {
    const redactor = runRedactor();
    redactor.add('12345678');
    expect(redactor.digitSecrets().sort()).toEqual(['12345678', CODE]);
  });
});

test.describe('code digits', () => {
  const table: Array<[string, string[], string[], number[]]> = [
    ['six boxes in a row', ['8', '7', '0', '4', '1', '2'], [CODE], [0, 1, 2, 3, 4, 5]],
    ['boxes after other fields; a checkbox "1" after them stays', ['demo', 'x', '8', '7', '0', '4', '1', '2', '1'], [CODE], [2, 3, 4, 5, 6, 7]],
    ['a run that spells no code stays', ['1', '2', '3', '4', '5', '6'], [CODE], []],
    ['the digits split by another field are not a run', ['8', '7', '0', 'on', '4', '1', '2'], [CODE], []],
    ['two-digit values are not boxes', ['87', '04', '12'], [CODE], []],
    ['no registered code: nothing', ['8', '7', '0', '4', '1', '2'], [], []],
  ];
  for (const [name, values, codes, positions] of table) {
    test(`digitRunPositions: ${name}`, () => {
      expect([...digitRunPositions(values, codes)].sort((a, b) => a - b)).toEqual(positions);
    });
  }

  test('targetsCodeBox: the engine locators of code boxes, not of other tagged fields', () => {
    expect(targetsCodeBox('[data-portal-login~="code-0"] >> nth=0')).toBe(true);
    expect(targetsCodeBox('[data-portal-login~="code"] >> nth=0')).toBe(true);
    expect(targetsCodeBox('[data-portal-login~="code-submit"] >> nth=0')).toBe(false);
    expect(targetsCodeBox('[data-portal-login~="username"] >> nth=0')).toBe(false);
  });

  test('isPartOfCode: digits inside a code, not other text', () => {
    expect(isPartOfCode('8', [CODE])).toBe(true);
    expect(isPartOfCode('8704', [CODE])).toBe(true);
    expect(isPartOfCode('9', [CODE])).toBe(false);
    expect(isPartOfCode('on', [CODE])).toBe(false);
    expect(isPartOfCode('', [CODE])).toBe(false);
  });
});

test.describe('isSecretKey', () => {
  const secret = ['interimToken', 'token', 'access_token', 'id_token', 'refresh_token', 'session', 'jwt', 'X-Auth-Token', 'Set-Cookie', 'Authorization', 'JSESSIONID', 'client_secret', 'apiKey', 'demo_session', 'otp'];
  const plain = ['token_type', 'expires_in', 'username', 'email', 'code', 'state', 'scope', 'Content-Type', 'session_expired', 'd1'];
  for (const key of secret) test(`${key} holds a credential`, () => expect(isSecretKey(key)).toBe(true));
  for (const key of plain) test(`${key} does not`, () => expect(isSecretKey(key)).toBe(false));
});

test.describe('scrubTraceLine: a code typed one digit per box', () => {
  test('a fill into a code box loses its value and its title; the username fill keeps its own', () => {
    for (let i = 0; i < CODE.length; i++) {
      const out = scrubbed(fill(boxSelector(i), CODE[i]!));
      expect(out.params).toMatchObject({ selector: boxSelector(i), value: REDACTED });
      expect(out.title).toBe(`Fill "${REDACTED}"`);
      expect(out.startTime).toBe(1.5);
    }
    expect(scrubbed(fill('[data-portal-login~="username"] >> nth=0', '8')).params).toMatchObject({ value: '8' });
  });

  test('a DOM snapshot: tagged boxes and a hidden field holding part of the code are blanked; other inputs stay', () => {
    const box = (i: number, value: string) => ['INPUT', { __playwright_value_: value, name: `d${i + 1}`, maxlength: '1', 'data-portal-login': `code-${i}`, value }];
    const snapshot = {
      type: 'frame-snapshot',
      snapshot: {
        frameUrl: 'http://127.0.0.1/otp',
        html: ['HTML', {}, ['BODY', {}, ['FORM', {},
          ['INPUT', { __playwright_value_: 'demo24', name: 'username' }],
          ...[0, 1, 2, 3].map((i) => box(i, CODE[i]!)),
          // A box the engine tagged "code-4" but has not filled yet, and one another word of the tag list carries.
          ['INPUT', { __playwright_value_: '', 'data-portal-login': 'code-4' }],
          ['INPUT', { __playwright_value_: '2', 'data-portal-login': 'code-5 code-submit' }],
          ['INPUT', { __playwright_value_: '8704', type: 'hidden', name: 'code', value: '8704' }],
          ['INPUT', { __playwright_value_: '9', name: 'quantity' }],
          [[3, 14]],
        ]]],
      },
    };
    const text = scrubTraceLine(line(snapshot), runRedactor());
    const form = (JSON.parse(text) as { snapshot: { html: [string, object, [string, object, unknown[]]] } }).snapshot.html[2][2] as unknown[];
    expect(form[2]).toEqual(['INPUT', { __playwright_value_: 'demo24', name: 'username' }]);
    for (const i of [0, 1, 2, 3]) expect(form[3 + i]).toEqual(['INPUT', { __playwright_value_: REDACTED, name: `d${i + 1}`, maxlength: '1', 'data-portal-login': `code-${i}`, value: REDACTED }]);
    expect(form[7]).toEqual(['INPUT', { __playwright_value_: '', 'data-portal-login': 'code-4' }]);
    expect(form[8]).toEqual(['INPUT', { __playwright_value_: REDACTED, 'data-portal-login': 'code-5 code-submit' }]);
    expect(form[9]).toEqual(['INPUT', { __playwright_value_: REDACTED, type: 'hidden', name: 'code', value: REDACTED }]);
    expect(form[10]).toEqual(['INPUT', { __playwright_value_: '9', name: 'quantity' }]);
    expect(form[11]).toEqual([[3, 14]]);
  });

  test("a log line's preview of a code box loses its value attribute", () => {
    const log = { type: 'log', callId: 'c@1', time: 2, message: '  locator resolved to <input name="d1" value="8" data-portal-login="code-0" maxlength="1"/>' };
    expect(scrubbed(log).message).toBe(`  locator resolved to <input name="d1" value="${REDACTED}" data-portal-login="code-0" maxlength="1"/>`);
    const submit = { type: 'log', message: '<input type="submit" data-portal-login="code-submit" value="Verify"/>' };
    expect(scrubbed(submit).message).toBe(submit.message);
  });

  test('a network entry: the form params that spell the code, the password and the cookies go; the rest stays', () => {
    const params = [...CODE].map((d, i) => ({ name: `d${i + 1}`, value: d }));
    const entry = {
      type: 'resource-snapshot',
      snapshot: {
        request: {
          method: 'POST',
          url: 'http://127.0.0.1/digits/otp',
          headers: [{ name: 'Cookie', value: 'digits_flow=abc123' }, { name: 'X-Auth-Token', value: 'e5f6a7b8c9d0' }, { name: 'Accept', value: 'text/html' }],
          postData: { mimeType: 'application/x-www-form-urlencoded', text: `${params.map((p) => `${p.name}=${p.value}`).join('&')}&remember=1`, params: [...params, { name: 'remember', value: '1' }] },
        },
        response: { status: 302, headers: [{ name: 'Set-Cookie', value: 'demo_session=0123abcd; HttpOnly' }], content: { size: 0, mimeType: 'text/html' } },
      },
    };
    const out = scrubTraceLine(line(entry), runRedactor());
    const request = (JSON.parse(out) as typeof entry).snapshot.request;
    expect(request.postData.params).toEqual([...params.map((p) => ({ name: p.name, value: REDACTED })), { name: 'remember', value: '1' }]);
    expect(request.postData.text).toBe(`d1=${REDACTED}&d2=${REDACTED}&d3=${REDACTED}&d4=${REDACTED}&d5=${REDACTED}&d6=${REDACTED}&remember=1`);
    expect(request.headers).toEqual([{ name: 'Cookie', value: REDACTED }, { name: 'X-Auth-Token', value: REDACTED }, { name: 'Accept', value: 'text/html' }]);
    expect(out).not.toContain('0123abcd');
  });

  test('a sha1 of a rewritten resource is replaced wherever the line names it', () => {
    const [old, renamed] = ['a'.repeat(40), 'b'.repeat(40)];
    const entry = { type: 'resource-snapshot', snapshot: { request: { postData: { mimeType: 'application/json', text: '', _sha1: `${old}.json`, _file: `resources/${old}.json` } } } };
    const out = scrubTraceLine(line(entry), runRedactor(), new Map([[old, renamed]]));
    expect(out).not.toContain(old);
    expect(out).toContain(`"_file":"resources/${renamed}.json"`);
  });

  test('a line that is not JSON is redacted as text; blank lines stay', () => {
    expect(scrubTraceLine(`oops ${PASSWORD}`, runRedactor())).toBe(`oops ${REDACTED}`);
    expect(scrubTraceLine('  ', runRedactor())).toBe('  ');
  });
});

test.describe('scrubBody', () => {
  const table: Array<[string, string, string]> = [
    ['form-encoded boxes', `d1=8&d2=7&d3=0&d4=4&d5=1&d6=2`, `d1=${REDACTED}&d2=${REDACTED}&d3=${REDACTED}&d4=${REDACTED}&d5=${REDACTED}&d6=${REDACTED}`],
    ['form fields kept byte for byte around the boxes', `user=a%40b.c&otp[0]=8&otp[1]=7&otp[2]=0&otp[3]=4&otp[4]=1&otp[5]=2&remember=1`, `user=a%40b.c&otp[0]=${REDACTED}&otp[1]=${REDACTED}&otp[2]=${REDACTED}&otp[3]=${REDACTED}&otp[4]=${REDACTED}&otp[5]=${REDACTED}&remember=1`],
    ['a form with a token field', `id_token=eyJhbGciOi.x.y&state=af0ifjsldkj`, `id_token=${REDACTED}&state=af0ifjsldkj`],
    ['JSON digits as strings', `{"d1":"8","d2":"7","d3":"0","d4":"4","d5":"1","d6":"2","remember":true}`, `{"d1":"${REDACTED}","d2":"${REDACTED}","d3":"${REDACTED}","d4":"${REDACTED}","d5":"${REDACTED}","d6":"${REDACTED}","remember":true}`],
    ['JSON digits as an array of numbers', `{"otp":[8,7,0,4,1,2]}`, `{"otp":["${REDACTED}","${REDACTED}","${REDACTED}","${REDACTED}","${REDACTED}","${REDACTED}"]}`],
    ['the code as a JSON number', `{"verification":870412}`, `{"verification":"${REDACTED}"}`],
    ['an interim token in a response', `{"interimToken":"49de6b195dfde2f54efe1cbc36ab8e5c"}`, `{"interimToken":"${REDACTED}"}`],
    [
      'OAuth tokens; their type and expiry stay',
      `{"access_token":"at-1","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-1","id_token":"it-1"}`,
      `{"access_token":"${REDACTED}","token_type":"Bearer","expires_in":3600,"refresh_token":"${REDACTED}","id_token":"${REDACTED}"}`,
    ],
    ['a session object: every string under it', `{"user":"bob","session":{"id":"s-1","csrf":"c-1","ttl":60},"jwt":"a.b.c"}`, `{"user":"bob","session":{"id":"${REDACTED}","csrf":"${REDACTED}","ttl":60},"jwt":"${REDACTED}"}`],
    ['a registered secret inside JSON', `{"username":"demo","password":"${PASSWORD}"}`, `{"username":"demo","password":"${REDACTED}"}`],
    ['JSON with nothing to redact keeps its layout', `{ "ok": true,\n  "digits": ["1", "2", "3", "4", "5", "6"] }`, `{ "ok": true,\n  "digits": ["1", "2", "3", "4", "5", "6"] }`],
    ['HTML only loses registered secrets', `<input name="d1" value="8"><p>${CODE}</p>`, `<input name="d1" value="8"><p>${REDACTED}</p>`],
  ];
  for (const [name, body, expected] of table) test(name, () => expect(scrubBody(body, runRedactor())).toBe(expected));
});

test.describe('scrubUrl', () => {
  test('a query string spelling the code and a token fragment (OAuth implicit flow)', () => {
    expect(scrubUrl('https://p.example/otp?d1=8&d2=7&d3=0&d4=4&d5=1&d6=2', runRedactor())).toBe(`https://p.example/otp?${[1, 2, 3, 4, 5, 6].map((i) => `d${i}=${REDACTED}`).join('&')}`);
    expect(scrubUrl('https://app.example/cb#access_token=at-1&token_type=Bearer&state=xyz', runRedactor())).toBe(`https://app.example/cb#access_token=${REDACTED}&token_type=Bearer&state=xyz`);
    expect(scrubUrl('https://app.example/#/dashboard?tab=1', runRedactor())).toBe('https://app.example/#/dashboard?tab=1');
  });
});

test.describe('scrubTrace', () => {
  test('a rewritten resource is renamed to the sha1 of what it holds now, and the network entry follows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portal-login-scrub-'));
    try {
      const body = `d1=8&d2=7&d3=0&d4=4&d5=1&d6=2`;
      const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
      const page = '<html><body>Verify</body></html>';
      const raw = new JSZip();
      raw.file(`resources/${sha1(body)}.dat`, body);
      raw.file(`resources/${sha1(page)}.html`, page);
      const postData = { mimeType: 'application/x-www-form-urlencoded', text: '', params: [...CODE].map((d, i) => ({ name: `d${i + 1}`, value: d })), _sha1: `${sha1(body)}.dat` };
      raw.file('trace.network', line({ type: 'resource-snapshot', snapshot: { request: { postData }, response: { content: { mimeType: 'text/html', _sha1: `${sha1(page)}.html` } } } }));
      raw.file('trace.trace', [...CODE].map((d, i) => line(fill(boxSelector(i), d))).join('\n'));
      await writeFile(join(dir, 'raw.zip'), await raw.generateAsync({ type: 'uint8array' }));

      await scrubTrace(join(dir, 'raw.zip'), join(dir, 'out.zip'), runRedactor());

      const out = await JSZip.loadAsync(await readFile(join(dir, 'out.zip')));
      const names = Object.values(out.files).filter((e) => !e.dir).map((e) => e.name).sort();
      const scrubbedBody = [1, 2, 3, 4, 5, 6].map((i) => `d${i}=${REDACTED}`).join('&');
      expect(names).toEqual([`resources/${sha1(page)}.html`, `resources/${sha1(scrubbedBody)}.dat`, 'trace.network', 'trace.trace'].sort());
      expect(await out.file(`resources/${sha1(scrubbedBody)}.dat`)!.async('string')).toBe(scrubbedBody);
      const network = await out.file('trace.network')!.async('string');
      expect(network).toContain(`"_sha1":"${sha1(scrubbedBody)}.dat"`);
      expect(network).not.toContain(sha1(body));
      const fills = (await out.file('trace.trace')!.async('string')).split('\n').map((l) => (JSON.parse(l) as { params: { value: string } }).params.value);
      expect(fills).toEqual(Array(6).fill(REDACTED));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
