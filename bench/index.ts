import { runPatternBench } from './patterns';

/** Benchmarks, one section each. Run with `npm run bench` (which exposes gc for the heap figures). */
const sections: readonly { readonly name: string; readonly run: () => Promise<void> }[] = [
  { name: 'patterns', run: runPatternBench },
];

async function main(): Promise<void> {
  for (const section of sections) {
    console.log(`\n== ${section.name} ==`);
    await section.run();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
