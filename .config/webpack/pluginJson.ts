// plugin.json against the rules of Grafana's plugin schema (docs/sources/developers/plugins/
// plugin.schema.json) that a panel's file can break: required keys, no unknown keys, the id, version,
// date and grafanaDependency patterns. The build fails on a violation, and a test checks dist/.
import fs from 'fs';

const TOP = [
  '$schema', 'id', 'type', 'name', 'info', 'dependencies', 'alerting', 'annotations', 'autoEnabled', 'backend',
  'builtIn', 'category', 'enterpriseFeatures', 'executable', 'hideFromList', 'includes', 'logs', 'metrics',
  'pascalName', 'preload', 'queryOptions', 'routes', 'skipDataQuery', 'state', 'streaming', 'tracing',
];
const INFO = ['author', 'build', 'description', 'keywords', 'links', 'logos', 'screenshots', 'updated', 'version'];
const DEPS = ['grafanaVersion', 'grafanaDependency', 'plugins'];
const TYPES = ['app', 'datasource', 'panel', 'renderer', 'secretsmanager', 'transformer'];
const ID = /^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource|secretsmanager|transformer)$/;
const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)|(%VERSION%)$/;
const UPDATED = /^(\d{4}-\d{2}-\d{2}|%TODAY%)$/;
const GRAFANA_DEP = /^(<=|>=|<|>|=|~|\^)?([0-9]+)(\.[0-9x*]+)(\.[0-9x*]+)?(\s(<=|>=|<|=>)?([0-9]+)(\.[0-9x]+)(\.[0-9x]+))?$/;

export function pluginJsonProblems(json: unknown): string[] {
  const p: string[] = [];
  if (typeof json !== 'object' || json === null) return ['plugin.json is not an object'];
  const j = json as Record<string, any>;
  for (const k of ['type', 'name', 'id', 'info', 'dependencies']) if (!(k in j)) p.push(`missing "${k}"`);
  for (const k of Object.keys(j)) if (!TOP.includes(k)) p.push(`unknown key "${k}"`);
  if (j.type !== undefined && !TYPES.includes(j.type)) p.push(`type "${j.type}" is not one of ${TYPES.join(', ')}`);
  if (typeof j.id === 'string' && !ID.test(j.id)) p.push(`id "${j.id}" does not match ${ID}`);
  if (typeof j.id === 'string' && j.type && !j.id.endsWith(`-${j.type}`)) p.push(`id "${j.id}" does not end in "-${j.type}"`);
  const info = j.info ?? {};
  for (const k of ['logos', 'version', 'updated', 'keywords']) if (!(k in info)) p.push(`missing "info.${k}"`);
  for (const k of Object.keys(info)) if (!INFO.includes(k)) p.push(`unknown key "info.${k}"`);
  if (info.keywords !== undefined && !(Array.isArray(info.keywords) && info.keywords.length > 0)) p.push('info.keywords needs at least one keyword');
  if (info.logos && (typeof info.logos.small !== 'string' || typeof info.logos.large !== 'string')) p.push('info.logos needs small and large');
  if (typeof info.version === 'string' && !VERSION.test(info.version)) p.push(`info.version "${info.version}" is not x.y.z`);
  if (typeof info.updated === 'string' && !UPDATED.test(info.updated)) p.push(`info.updated "${info.updated}" is not YYYY-MM-DD`);
  const deps = j.dependencies ?? {};
  if (!('grafanaDependency' in deps)) p.push('missing "dependencies.grafanaDependency"');
  for (const k of Object.keys(deps)) if (!DEPS.includes(k)) p.push(`unknown key "dependencies.${k}"`);
  if (typeof deps.grafanaDependency === 'string' && !GRAFANA_DEP.test(deps.grafanaDependency)) {
    p.push(`dependencies.grafanaDependency "${deps.grafanaDependency}" is not a version range`);
  }
  return p;
}

export function readPluginJson(file: string): { id: string; [k: string]: unknown } {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const problems = pluginJsonProblems(json);
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`);
  return json;
}
