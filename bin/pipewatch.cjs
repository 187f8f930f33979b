#!/usr/bin/env node
// The `pipewatch` command. Runs the TypeScript sources through tsx, so a clone needs no build step.
require('tsx/cjs');
const { runCli, processIo } = require('../src/cli/main.ts');

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
