/**
 * --shard i/n (app/shard.ts): every account in exactly one shard, an
 * account's shard unmoved when others come and go, shards about even, and
 * a bad value is a usage error that says the format.
 */
import { expect, test } from '@playwright/test';
import { inShard, parseShard, shardOf } from '../../app/shard.js';
import { PortalLoginError } from '../../core/errors.js';

const ACCOUNTS = ['main', 'alt', 'desk-a.01', 'desk-a.02', 'qa_user_7', 'zerodha-kite', 'upstox', 'angel', 'fyers', 'dhan', 'demo01', 'demo02', 'x'];
const names = (n: number, stem = 'user') => Array.from({ length: n }, (_, i) => `${stem}${i}`);

test('parseShard reads i/n', () => {
  expect(parseShard('1/2')).toEqual({ index: 1, count: 2 });
  expect(parseShard('8/8')).toEqual({ index: 8, count: 8 });
  expect(parseShard(' 3/10 ')).toEqual({ index: 3, count: 10 });
});

for (const bad of ['0/2', '3/2', 'x', '1', '1/0', '/2', '1/2/3', '-1/2', '1.5/2', '', '1/1001']) {
  test(`parseShard refuses ${JSON.stringify(bad)} as a usage error naming the format`, () => {
    let thrown: unknown;
    try {
      parseShard(bad);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PortalLoginError);
    expect((thrown as PortalLoginError).code).toBe('USAGE');
    expect((thrown as PortalLoginError).message).toBe(`--shard must be i/n with 1 ≤ i ≤ n ≤ 1000, e.g. --shard 1/3 (got ${bad}).`);
  });
}

test('for n = 1..8 every account is in exactly one shard, and the shards together are the whole list in order', () => {
  for (let count = 1; count <= 8; count++) {
    const shards = Array.from({ length: count }, (_, i) => inShard(ACCOUNTS, { index: i + 1, count }));
    for (const account of ACCOUNTS) expect(shards.filter((s) => s.includes(account)), `${account} in n=${count}`).toHaveLength(1);
    expect(shards.flat().sort()).toEqual([...ACCOUNTS].sort());
    for (const shard of shards) expect(shard).toEqual(ACCOUNTS.filter((a) => shard.includes(a)));
  }
  expect(inShard(ACCOUNTS, undefined)).toEqual(ACCOUNTS);
});

test('adding or removing an account moves no other account to another shard', () => {
  const before = names(200);
  for (let count = 2; count <= 8; count++) {
    const placed = new Map(before.map((a) => [a, shardOf(a, count)]));
    const added = [...before, 'newcomer'];
    const removed = before.filter((a) => a !== 'user17');
    for (let index = 1; index <= count; index++) {
      const shard = { index, count };
      expect(inShard(added, shard).filter((a) => a !== 'newcomer')).toEqual(inShard(before, shard));
      expect(inShard(removed, shard)).toEqual(inShard(before, shard).filter((a) => a !== 'user17'));
    }
    for (const a of before) expect(shardOf(a, count)).toBe(placed.get(a));
  }
});

test('going from n to n+1 shards moves only accounts into the new shard (rendezvous), about 1/(n+1) of them', () => {
  const all = names(1000);
  for (let count = 2; count <= 7; count++) {
    const moved = all.filter((a) => shardOf(a, count) !== shardOf(a, count + 1));
    for (const a of moved) expect(shardOf(a, count + 1)).toBe(count + 1);
    expect(moved.length).toBeGreaterThan(1000 / (count + 1) * 0.7);
    expect(moved.length).toBeLessThan(1000 / (count + 1) * 1.3);
  }
});

test('1000 names split about evenly for n = 2..8 (each shard within 25% of its share)', () => {
  const all = names(1000, 'acct-');
  for (let count = 2; count <= 8; count++) {
    const sizes = Array.from({ length: count }, (_, i) => inShard(all, { index: i + 1, count }).length);
    const share = 1000 / count;
    for (const size of sizes) expect(size, `sizes for n=${count}: ${sizes.join(', ')}`).toBeGreaterThan(share * 0.75);
    for (const size of sizes) expect(size, `sizes for n=${count}: ${sizes.join(', ')}`).toBeLessThan(share * 1.25);
  }
});

test('the shard depends on the name only: the same on every machine and every run (known answers)', () => {
  // Fixed answers: a change to the hash would silently reshuffle every user's machines.
  const known = { main: 4, alt: 4, demo01: 4, demo02: 4, x: 1, fyers: 2, dhan: 1, upstox: 1 };
  expect(Object.fromEntries(Object.keys(known).map((a) => [a, shardOf(a, 4)]))).toEqual(known);
});
