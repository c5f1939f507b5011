import { prepareTemplate, testEngine } from '../src/server/testing/db.ts';

const started = performance.now();
await prepareTemplate();
console.log(`test database template ready (${testEngine}) in ${Math.round(performance.now() - started)} ms`);
