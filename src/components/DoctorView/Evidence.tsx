// Why the engine named the cause, and what to try first. Everything here is text nodes: evidence
// strings quote log content and must never become markup.
import { CAUSES } from '../../../collector/diagnose/causes';
import type { DoctorModel } from '../../model/types';
import { Inline } from './Inline';
import type { Palette } from './palette';
import { card, heading } from './styles';

export interface ViewLink {
  title: string;
  href: string;
}

export function Evidence({ model, palette: p, links, width }: { model: DoctorModel; palette: Palette; links: ViewLink[]; width: number }) {
  const v = model.verdict;
  if (!v) return null;
  const signature = CAUSES[v.cause]?.signature;
  return (
    <section data-testid="evidence" style={{ ...card(p), width }}>
      <h3 style={heading(p, 15)}>{(v.status === 'unexplained') ? 'What the engine saw' : `Why: ${v.label}`}</h3>
      {signature && !(v.status === 'unexplained') && <p style={{ margin: '0 0 6px', color: p.muted, fontSize: 13 }}>{signature}</p>}
      {/* The headline repeats the first evidence line when there is one; it carries the story otherwise. */}
      {v.headline && v.headline !== v.label && (v.evidence.length === 0 || (v.status === 'unexplained') || v.cause === 'healthy') && (
        <p data-testid="verdict-headline" style={{ margin: '0 0 6px', fontSize: 13 }}>
          {v.headline}
        </p>
      )}
      {v.evidence.length > 0 && (
        <ul data-testid="evidence-list" style={{ margin: '0 0 8px', paddingLeft: 18, fontSize: 13.5, lineHeight: 1.45 }}>
          {v.evidence.map((e, i) => (
            <li key={i}>
              <Inline text={e} palette={p} />
            </li>
          ))}
        </ul>
      )}
      {v.fix.length > 0 && (
        <>
          <h3 style={heading(p, 15)}>Fix to try</h3>
          <ol data-testid="fix-list" style={{ margin: '0 0 8px', paddingLeft: 20, fontSize: 13.5, lineHeight: 1.45 }}>
            {v.fix.map((f, i) => (
              <li key={i} style={i === 0 ? { fontWeight: 600 } : { color: p.muted }}>
                <Inline text={f} palette={p} />
              </li>
            ))}
          </ol>
        </>
      )}
      {model.others.filter((o) => (o.score ?? 0) > 0).length > 0 && (
        <div data-testid="others" style={{ fontSize: 12.5, color: p.muted, marginBottom: 6 }}>
          <span style={{ fontWeight: 600 }}>Also scored: </span>
          {model.others
            .filter((o) => (o.score ?? 0) > 0)
            .slice(0, 4)
            .map((o) => `${o.label} ${o.score!.toFixed(2)}`)
            .join(' · ')}
        </div>
      )}
      {links.length > 0 && (
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, fontSize: 13 }}>
          {links.map((l) => (
            <a key={l.title} href={l.href} target="_blank" rel="noopener noreferrer" style={{ color: p.lit }}>
              {l.title}
            </a>
          ))}
        </div>
      )}
    </section>
  );
}
