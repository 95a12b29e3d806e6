/**
 * What a terminal shows after raw output, for the progress tests: "\x1b[nA"
 * moves up n rows, "\x1b[2K" clears the row, "\n" goes to the next row
 * ("\r", which a pty adds before each "\n", changes nothing here: every row
 * is cleared before it is written). Trailing empty rows are dropped.
 */
export function screen(output: string): string[] {
  const rows: string[] = [''];
  let row = 0;
  for (const token of output.replace(/\r/g, '').match(/\x1b\[\d+A|\x1b\[2K|\n|[^\x1b\n]+/g) ?? []) {
    const up = /^\x1b\[(\d+)A$/.exec(token);
    if (up) row = Math.max(0, row - Number(up[1]));
    else if (token === '\x1b[2K') rows[row] = '';
    else if (token === '\n') rows[++row] ??= '';
    else rows[row] = (rows[row] ?? '') + token;
  }
  while (rows.at(-1) === '') rows.pop();
  return rows;
}
