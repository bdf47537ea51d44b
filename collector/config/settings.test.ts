// The one settings table: flags, YAML keys, the schema and the README all come from it, so they agree.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../cli/main';
import { SETTINGS, flagOf, optionName, resolveSettings, settingsSchema, settingsTable } from './settings';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('the settings table', () => {
  it('is the README’s table of watch settings, word for word', () => {
    const block = README.split('<!-- settings-table: generated from collector/config/settings.ts; a test checks it matches -->\n')[1]?.split('\n<!-- /settings-table -->')[0];
    expect(block).toBe(settingsTable());
  });

  it('gives watch one flag per setting that has one, and nothing else but --config and --replay', () => {
    const watch = buildProgram().commands.find((c) => c.name() === 'watch')!;
    const flags = watch.options.map((o) => o.long).sort();
    const want = [...SETTINGS.filter((s) => s.arg !== null).map(flagOf), '--config', '--replay'].sort();
    expect(flags).toEqual(want);
    for (const s of SETTINGS.filter((x) => x.arg !== null)) {
      expect(watch.options.find((o) => o.long === flagOf(s))!.attributeName()).toBe(optionName(s));
    }
  });

  it('has a schema property for every key, and the schema refuses unknown keys', () => {
    const schema = settingsSchema() as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(Object.keys(schema.properties)).toEqual(SETTINGS.map((s) => s.key));
    expect(schema.additionalProperties).toBe(false);
  });

  it('lets a later source win and names the source of an unknown key', () => {
    const cfg = resolveSettings([
      { raw: { access: 'a.log', window: '20s' }, base: '/etc', where: 'config' },
      { raw: { window: '5s' }, base: '/srv', where: 'flag' },
    ]);
    expect(cfg.access).toEqual(['/etc/a.log']);
    expect(cfg.windowMs).toBe(5000);
    expect(() => resolveSettings([{ raw: { acess: 'x' }, base: '/', where: 'config' }])).toThrow(/^config: unknown setting "acess" \(known: access, /);
  });
});
