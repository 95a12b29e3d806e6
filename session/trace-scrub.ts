import { readFile } from 'node:fs/promises';
import JSZip from 'jszip';
import { writeFileAtomic } from '../core/atomic-write.js';
import { REDACTED, type Redactor } from '../core/redact.js';

/**
 * Playwright traces record filled values, request bodies and DOM snapshots.
 * This writes a copy of the trace zip at `source` to `destination` (atomic,
 * 0600) with every registered secret redacted: JSON-lines
 * entries are parsed so only strings change (a code must not be cut out of
 * a timestamp), other entries are redacted as text. Binary entries (images)
 * are dropped: a screenshot of a typed code cannot be redacted as text.
 */
export async function scrubTrace(source: string, destination: string, redactor: Redactor): Promise<void> {
  const zip = await JSZip.loadAsync(await readFile(source));
  const out = new JSZip();
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    const bytes = await entry.async('uint8array');
    if (isBinary(bytes)) continue;
    const text = new TextDecoder().decode(bytes);
    out.file(entry.name, /\.(trace|network|stacks)$/.test(entry.name) ? scrubJsonLines(text, redactor) : redactor.redact(text));
  }
  await writeFileAtomic(destination, await out.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
}

function scrubJsonLines(text: string, redactor: Redactor): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.trim() === '') return line;
      try {
        return JSON.stringify(redactStrings(JSON.parse(line), redactor));
      } catch {
        return redactor.redact(line);
      }
    })
    .join('\n');
}

/** Headers that carry credentials whatever their value: blanked even if the value was never registered. */
const SECRET_HEADERS = /^(cookie|set-cookie|authorization|proxy-authorization|x-csrf-token|x-xsrf-token)$/i;

function redactStrings(value: unknown, redactor: Redactor): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (Array.isArray(value)) return value.map((v) => redactStrings(v, redactor));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, redactStrings(v, redactor)] as const);
    const record = Object.fromEntries(entries) as Record<string, unknown>;
    if (typeof record.name === 'string' && SECRET_HEADERS.test(record.name) && typeof record.value === 'string') record.value = REDACTED;
    return record;
  }
  return value;
}

function isBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 512);
  return sample.includes(0) || (sample[0] === 0xff && sample[1] === 0xd8) || (sample[0] === 0x89 && sample[1] === 0x50);
}
