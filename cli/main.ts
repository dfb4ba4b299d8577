#!/usr/bin/env node
/**
 * Entry point of `whoosh` (bin/whoosh.js runs it through tsx). Exit codes:
 * 0 ok, 1 failed run (or the API failed), 2 bad usage, 3 unreachable or
 * unauthorized.
 */
import { CommanderError } from 'commander';
import { EXIT } from './output';
import { buildProgram } from './program';

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version are answers; everything else commander throws is bad usage.
      process.exitCode = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage;
      return;
    }
    throw err;
  }
}

void main(process.argv);
