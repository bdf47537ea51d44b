// Settings for `upstream-doctor watch`, from a YAML file and/or flags (flags win), validated by the one
// settings table (settings.ts). Validation names the offending key and what it expected, so a typo in a
// config file is a one-line fix, not a guess.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, resolveSettings } from './settings';

export { ConfigError, DEFAULTS, RANGES, listen, type WatchConfig } from './settings';

type Raw = Record<string, unknown>;

/** Reads and validates a YAML config file. Relative paths in it are relative to the file. */
export function loadConfigFile(file: string): Partial<Raw> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`config ${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`config ${file}: expected a mapping of settings at the top`);
  return { ...(doc as Raw), __base: dirname(resolve(file)) };
}

/** Builds the config: defaults, then the file's settings, then flags (in config-file key spelling). */
export function buildConfig(file: Partial<Raw>, flags: Partial<Raw>) {
  const { __base, ...fromFile } = file;
  return resolveSettings([
    { raw: fromFile, base: String(__base ?? process.cwd()), where: 'config' },
    { raw: flags, base: process.cwd(), where: 'flag' },
  ]);
}
