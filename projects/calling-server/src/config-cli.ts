/*
 * The command line: environment variables and flags into `ServerOptions`, and `--help`.
 */
import { ConfigError } from './errors';
import type { ServerOptions } from './config';
import { LOG_LEVELS, OPTIONS, type OptionSpec } from './config-options';

function parseValue(spec: OptionSpec, raw: string, source: string): unknown {
  switch (spec.kind) {
    case 'string':
    case 'file':
      if (raw === '') throw new ConfigError(`${source}: empty value`);
      return raw;
    case 'list': {
      // Comma-separated; a URL holds no comma (`turn:host:3478?transport=udp,turns:host:5349`).
      const items = raw.split(',').map((item) => item.trim());
      if (items.some((item) => item === '')) throw new ConfigError(`${source}: empty item in ${raw}`);
      return items;
    }
    case 'int': {
      if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${source}: not a non-negative integer: ${raw}`);
      const n = Number(raw.trim());
      if (!Number.isSafeInteger(n)) throw new ConfigError(`${source}: too large: ${raw}`);
      return n;
    }
    case 'bool':
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off|)$/i.test(raw)) return false;
      throw new ConfigError(`${source}: not a boolean: ${raw}`);
    case 'policy':
      if (raw === 'single' || raw === 'multi') return raw;
      throw new ConfigError(`${source}: must be single or multi: ${raw}`);
    case 'level':
      if ((LOG_LEVELS as readonly string[]).includes(raw)) return raw;
      throw new ConfigError(`${source}: must be one of ${LOG_LEVELS.join(', ')}: ${raw}`);
  }
}

/** Result of reading the command line: options, or a request for the usage text. */
export interface CliResult {
  readonly options: ServerOptions;
  readonly help: boolean;
}

/**
 * Reads options from environment variables, then from flags (`--flag value` or `--flag=value`;
 * boolean flags take no value). Flags win over the environment. Throws `ConfigError` on an unknown
 * flag or a malformed value.
 */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliResult {
  const options: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    for (const name of [spec.env, ...(spec.envAliases ?? [])]) {
      const raw = env[name];
      if (raw === undefined || raw === '') continue;
      options[spec.key] = parseValue(spec, raw, name);
      break;
    }
  }
  let help = false;
  const args = [...argv];
  for (let arg = args.shift(); arg !== undefined; arg = args.shift()) {
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const spec = OPTIONS.find((o) => o.flag === name);
    if (!spec) throw new ConfigError(`unknown option ${arg} (see --help)`);
    const raw = eq >= 0 ? arg.slice(eq + 1) : spec.kind === 'bool' ? 'true' : args.shift();
    if (raw === undefined) throw new ConfigError(`${name} needs a value`);
    options[spec.key] = parseValue(spec, raw, name);
  }
  if (options['dev'] === false) delete options['dev'];
  return { options: options as ServerOptions, help };
}

/** The usage text of the command line (`--help`). */
export function usage(): string {
  const rows = OPTIONS.map(
    (o) =>
      `  ${(o.flag + (o.kind === 'bool' ? '' : ' <v>')).padEnd(34)} ${[o.env, ...(o.envAliases ?? [])].join(', ')}`,
  );
  return [
    'Usage: npm run server -- [options]      (flags win over environment variables)',
    '',
    ...rows,
    '',
    'See projects/calling-server/README.md for what each option means and its default.',
  ].join('\n');
}
