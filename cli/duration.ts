/** "6h", "30m", "90s", "1d", a bare number of seconds → ms; the yargs coercion of --min-valid (its error becomes USAGE). */
export function parseDuration(value: unknown): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(String(value).trim());
  if (!match) throw new Error(`--min-valid must be a duration like 30m, 6h or 1d (got ${String(value)}).`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
