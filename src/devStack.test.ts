// The docker compose development stack cannot start here (no Docker daemon), so this checks what can be
// checked without one: the files parse, every bind mount points at something the repo has after a build,
// the plugin id matches plugin.json everywhere, and Prometheus scrapes the collector under the job name
// the alert rules query.
import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { COLLECTOR_JOB } from '../collector/bundle/alerting/rules';

const ROOT = path.resolve(__dirname, '..');
const read = (f: string) => parse(fs.readFileSync(path.join(ROOT, f), 'utf8'));
const pluginId = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'plugin.json'), 'utf8')).id as string;

describe('docker compose development stack', () => {
  const base = read('.config/docker-compose-base.yaml');
  const root = read('docker-compose.yaml');

  it('the root file extends every service of the base file', () => {
    expect(Object.keys(root.services).sort()).toEqual(Object.keys(base.services).sort());
    for (const [name, svc] of Object.entries<{ extends: { file: string; service: string } }>(root.services)) {
      expect(svc.extends).toEqual({ file: '.config/docker-compose-base.yaml', service: name });
    }
  });

  it('mounts dist/ as the plugin, and provisioning and dashboards that exist', () => {
    const vols: string[] = base.services.grafana.volumes;
    expect(vols).toContain(`../dist:/var/lib/grafana/plugins/${pluginId}:ro`);
    for (const v of [...vols, ...base.services.prometheus.volumes]) {
      const host = path.resolve(ROOT, '.config', v.split(':')[0]);
      if (!host.endsWith(`${path.sep}dist`)) expect(fs.existsSync(host)).toBe(true);
    }
  });

  it('lets Grafana load this unsigned plugin', () => {
    const docker = fs.readFileSync(path.join(ROOT, '.config', 'Dockerfile'), 'utf8');
    expect(docker).toContain(`GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS=${pluginId}`);
    expect(base.services.grafana.container_name).toBe(pluginId);
  });

  it('Prometheus scrapes the collector under the alert rules’ job name', () => {
    const prom = read('.config/prometheus-dev.yml');
    expect(prom.scrape_configs[0].job_name).toBe(COLLECTOR_JOB);
    expect(prom.scrape_configs[0].static_configs[0].targets).toEqual(['collector:9464']);
    expect(base.services.collector.command).toEqual(expect.arrayContaining(['watch', '--listen', '0.0.0.0:9464']));
  });

  it('the dev Grafana has the data source uid the product dashboards query', () => {
    const ds = read('tests/provisioning/datasources/datasources.yaml').datasources;
    const uids = ds.map((d: { uid: string }) => d.uid);
    expect(uids).toEqual(expect.arrayContaining(['upstream-doctor-testdata', 'upstream-doctor-prometheus']));
    for (const f of fs.readdirSync(path.join(ROOT, 'dashboards')).filter((n) => n.endsWith('.json'))) {
      const text = fs.readFileSync(path.join(ROOT, 'dashboards', f), 'utf8');
      const used = [...text.matchAll(/"uid":\s*"(upstream-doctor-[a-z]+)"/g)].map((m) => m[1]).filter((u) => u.endsWith('prometheus'));
      for (const u of used) expect(uids).toContain(u);
    }
  });
});
