import { pino, type Logger } from 'pino';
import type { ServerOptions } from './config';

/** How the CLI writes its logs: one JSON object per line, or pino-pretty's readable lines. */
export type LogFormat = 'json' | 'pretty';

/**
 * `CALLING_LOG_FORMAT` (`json` or `pretty`) when set; otherwise readable lines on a terminal (a
 * developer's `npx calling-server --dev`, `npm start`) and JSON when the output goes anywhere else
 * (a process manager, a container, a log shipper, a test reading the `listening` line), which is
 * what log collectors parse.
 */
export function chooseLogFormat(env: NodeJS.ProcessEnv, tty: boolean): LogFormat {
  const wanted = env['CALLING_LOG_FORMAT'];
  if (wanted === 'json' || wanted === 'pretty') return wanted;
  return tty ? 'pretty' : 'json';
}

/**
 * The CLI's logger: undefined for JSON (startServer's own pino logger), a pino logger over
 * pino-pretty otherwise. pino-pretty loads only then, so a JSON deployment never imports it.
 */
export async function cliLogger(options: ServerOptions, format: LogFormat): Promise<Logger | undefined> {
  if (format === 'json') return undefined;
  const { default: pretty } = await import('pino-pretty');
  return pino(
    { level: options.logLevel ?? 'info', base: { service: 'calling-server' } },
    pretty({
      colorize: process.stdout.isTTY === true,
      translateTime: 'HH:MM:ss.l',
      ignore: 'pid,hostname,service',
    }),
  );
}
