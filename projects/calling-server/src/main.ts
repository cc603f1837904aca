/**
 * Command-line entry: `npm run server -- [flags]` (built by esbuild to dist/calling-server/main.js).
 * Configuration from CALLING_* environment variables and flags; see README.md.
 */
import { parseCli, usage } from './config';
import { ConfigError } from './errors';
import { chooseLogFormat, cliLogger } from './log-output';
import { startServer } from './server';

async function main(): Promise<void> {
  let cli;
  try {
    cli = parseCli(process.argv.slice(2), process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`calling-server: ${e.message}\n\n${usage()}\n`);
    process.exit(2);
  }
  if (cli.help) {
    process.stdout.write(usage() + '\n');
    return;
  }
  let server;
  try {
    const format = chooseLogFormat(process.env, process.stdout.isTTY === true);
    const logger = await cliLogger(cli.options, format);
    server = await startServer(logger ? { ...cli.options, logger } : cli.options);
  } catch (e) {
    process.stderr.write(`calling-server: cannot start: ${(e as Error).message}\n`);
    process.exit(e instanceof ConfigError ? 2 : 1);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`calling-server: ${signal}, shutting down\n`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
