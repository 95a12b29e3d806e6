import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import JSZip from 'jszip';
import { writeFileAtomic } from '../core/atomic-write.js';
import type { Redactor } from '../core/redact.js';
import { scrubBody } from './bodies.js';
import { scrubTraceLine } from './trace-lines.js';

/** Playwright names a resource by the sha1 of its content: `resources/<sha1>.<ext>`. */
const RESOURCE = /^(resources\/)([0-9a-f]{40})(\.[^/]*)?$/;

/**
 * Playwright traces record filled values, request bodies and DOM snapshots.
 * This writes a copy of the trace zip at `source` to `destination` (atomic,
 * 0600) with every registered secret redacted, and also what no text search
 * finds: a code typed one digit per box, and tokens under credential-like
 * names (session/trace-lines.ts, session/bodies.ts). Binary entries
 * (images) are dropped: a screenshot of a typed code cannot be redacted as text.
 *
 * A rewritten resource gets the sha1 of its new content as its name (and
 * every reference follows): the old name is the sha1 of the raw body, and
 * a six-digit code or a guessable password is found from it by trying them all.
 */
export async function scrubTrace(source: string, destination: string, redactor: Redactor): Promise<void> {
  const zip = await JSZip.loadAsync(await readFile(source));
  const texts = new Map<string, string>();
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    const bytes = await entry.async('uint8array');
    if (!isBinary(bytes)) texts.set(entry.name, new TextDecoder().decode(bytes));
  }
  const out = new JSZip();
  const renames = new Map<string, string>();
  // Resources first: the JSON lines that point at them need their new names.
  for (const [name, text] of texts) {
    const resource = RESOURCE.exec(name);
    if (!resource) continue;
    const scrubbed = scrubBody(text, redactor);
    const sha1 = scrubbed === text ? resource[2]! : createHash('sha1').update(scrubbed).digest('hex');
    if (sha1 !== resource[2]) renames.set(resource[2]!, sha1);
    out.file(`${resource[1]}${sha1}${resource[3] ?? ''}`, scrubbed);
  }
  for (const [name, text] of texts) {
    if (RESOURCE.test(name)) continue;
    out.file(name, /\.(trace|network|stacks)$/.test(name) ? scrubJsonLines(text, redactor, renames) : redactor.redact(text));
  }
  await writeFileAtomic(destination, await out.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
}

function scrubJsonLines(text: string, redactor: Redactor, renames: ReadonlyMap<string, string>): string {
  return text
    .split('\n')
    .map((line) => scrubTraceLine(line, redactor, renames))
    .join('\n');
}

function isBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 512);
  return sample.includes(0) || (sample[0] === 0xff && sample[1] === 0xd8) || (sample[0] === 0x89 && sample[1] === 0x50);
}
