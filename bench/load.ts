import autocannon from 'autocannon';

/**
 * One load run in its own process, so the load generator does not share the server's event loop.
 * Usage: load.ts <url> <connections> <seconds>; prints one JSON line.
 * Every response time is kept, so p50/p95/p99 are exact rather than read off autocannon's fixed buckets.
 */
const [url, connections = '32', seconds = '10'] = process.argv.slice(2);
const latencies: number[] = [];
const statuses = new Map<number, number>();
const instance = autocannon({ url, connections: Number(connections), duration: Number(seconds) });
instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  latencies.push(responseTime);
  statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
});
const result = await instance;
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] * 100) / 100 : NaN;
console.log(
  JSON.stringify({
    rps: latencies.length / result.duration,
    requests: latencies.length,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    statuses: Object.fromEntries(statuses),
    errors: result.errors,
    timeouts: result.timeouts,
  }),
);
