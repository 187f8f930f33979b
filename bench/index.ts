import { runBurstBench, runSlackPosterBurst } from './burst';
import { runDeliveryBench } from './delivery';
import { runHandlersBench } from './handlers';
import { runIssue15Bench } from './issue15';
import { runLatencyBench } from './latency';
import { runPatternBench } from './patterns';
import { runSdkCallsBench } from './sdk-calls';

/** Benchmarks, one section each. Run with `npm run bench` (which exposes gc for the heap figures). */
const sections: readonly { readonly name: string; readonly run: () => Promise<void> }[] = [
  { name: 'patterns', run: runPatternBench },
  { name: 'local AWS delivery', run: runDeliveryBench },
  { name: 'handlers', run: runHandlersBench },
  { name: 'sdk-calls: one AWS SDK call, middleware cached or not', run: runSdkCallsBench },
  { name: 'issue15: triage, quiet subscriptions, approvals, stop and run', run: runIssue15Bench },
  { name: 'burst: 1,000 events at the chat rate limits', run: runBurstBench },
  { name: 'burst-poster: the Slack poster alone at the rate limits', run: runSlackPosterBurst },
  {
    name: 'latency: what users feel (event → message on screen, warm and cold; button press → ack, → update)',
    run: runLatencyBench,
  },
];

async function main(): Promise<void> {
  // `npm run bench -- delivery` runs the sections whose name contains a word given.
  const only = process.argv.slice(2);
  for (const section of sections.filter((s) => only.length === 0 || only.some((w) => s.name.includes(w)))) {
    console.log(`\n== ${section.name} ==`);
    await section.run();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
