import { renderFallbackPage } from '../serve/fallbackPage';
import { sampleSources } from '../../src/testing/samples';
import { buildDiagnosis } from './diagnosis';
import { headline } from './headline';

const cause = (id: string, label: string, score: number) => ({ id, label, score }) as never;

describe('the verdict headline', () => {
  it('says Healthy only for a healthy status', () => {
    const causes = [cause('healthy', 'Healthy', 0), cause('backend_crash', 'Backend crash / restart', 0.3)];
    expect(headline({ status: 'unexplained', likely_cause: 'healthy', failures: 9, causes })).toEqual({ title: 'Unexplained upstream failures', candidate: null, healthy: false });
    expect(headline({ status: 'collecting', likely_cause: 'backend_crash', failures: 1, causes })).toEqual({
      title: 'Collecting evidence: 1 upstream failure so far',
      candidate: { role: 'Leaning', label: 'Backend crash / restart' },
      healthy: false,
    });
    expect(headline({ status: 'healthy', likely_cause: 'healthy', failures: 0, causes }).healthy).toBe(true);
  });

  it('heads the server-rendered page the same way', async () => {
    const d = buildDiagnosis(await sampleSources('healthy'));
    expect(renderFallbackPage(d)).toContain('<h1 class="ok">Healthy</h1>');
    const unexplained = { ...d, status: 'unexplained' as const, failures: 9 };
    const html = renderFallbackPage(unexplained);
    expect(html).toContain('<h1 class="bad">Unexplained upstream failures</h1>');
    expect(html).not.toMatch(/<h1[^>]*>Healthy/);
  });
});
