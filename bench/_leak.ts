import { noSleep, schedulerOf } from "./adapters.ts";
import { randomDag } from "./dags.ts";

const dag = randomDag(10000, 30240);
const s = schedulerOf(process.argv[2] ?? "orchestrate");
for (let r = 0; r < 30; r++) {
  const t = performance.now();
  await s.run(dag, 8, noSleep);
  const ms = performance.now() - t;
  (globalThis as any).gc();
  if (r % 5 === 4)
    console.log(
      r,
      ms.toFixed(0),
      "ms",
      (process.memoryUsage().heapUsed / 2 ** 20).toFixed(1),
      "MB heap",
      (process.memoryUsage().rss / 2 ** 20).toFixed(0),
      "MB rss",
    );
}
