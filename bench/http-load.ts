import { Agent, request } from 'node:http';

/**
 * A small HTTP load generator: `clients` loops, each sending its next GET
 * as soon as the previous answer is read, over keep-alive connections, for
 * `durationMs`. autocannon (what issue 10 names) is not a dependency, and
 * for GETs with one header this is all it would do here; both servers of a
 * comparison get the same generator, so its own cost cancels in the ratio.
 */

export interface LoadTarget {
  url: string;
  headers?: Readonly<Record<string, string>>;
}

export interface LoadResult {
  requests: number;
  /** Answers other than 200, and failed requests. */
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export async function runLoad(target: LoadTarget, clients: number, durationMs: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + durationMs;
  const one = () =>
    new Promise<void>((done) => {
      const sent = performance.now();
      const req = request(target.url, { agent, headers: target.headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - sent);
          else errors += 1;
          done();
        });
      });
      req.on('error', () => ((errors += 1), done()));
      req.end();
    });
  const client = async () => {
    while (performance.now() < end) await one();
  };
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = performance.now() - start;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { requests: latencies.length, errors, perSecond: (latencies.length / elapsed) * 1000, p50Ms: at(0.5), p99Ms: at(0.99) };
}
