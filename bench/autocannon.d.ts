declare module 'autocannon' {
  type Options = { url: string; connections?: number; duration?: number; pipelining?: number; headers?: Record<string, string> };
  type Result = { requests: { average: number; total: number }; non2xx: number; errors: number; timeouts: number; duration: number };
  type Instance = Promise<Result> & { on(event: 'response', fn: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): void };
  function autocannon(opts: Options): Instance;
  export default autocannon;
}
