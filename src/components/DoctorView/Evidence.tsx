// Why the engine named the cause (or, while it collects evidence, what points to its candidate so far),
// and what to try first. Everything here is text nodes: evidence strings quote log content and must
// never become markup.
import { CAUSES } from '../../../collector/diagnose/causes';
import type { DoctorModel } from '../../model/types';
import { Inline } from './Inline';
import type { Palette } from './palette';
import { card, heading } from './styles';
import type { TypeScale } from './typeScale';

export interface ViewLink {
  title: string;
  href: string;
}

export interface EvidenceProps {
  model: DoctorModel;
  palette: Palette;
  links: ViewLink[];
  width: number;
  type: TypeScale;
}

export function Evidence({ model, palette: p, links, width, type }: EvidenceProps) {
  const v = model.verdict;
  if (!v) return null;
  // While collecting, the candidate is a lead, not a finding: its evidence is "so far", its fix conditional.
  const tentative = v.status === 'collecting';
  const candidate = v.status === 'named' || v.status === 'healthy' || (tentative && v.cause !== 'healthy');
  const signature = candidate ? CAUSES[v.cause]?.signature : undefined;
  const title = !candidate ? 'What the engine saw' : tentative ? `Evidence so far: ${v.label}` : `Why: ${v.label}`;
  const others = model.others.filter((o) => (o.score ?? 0) > 0 && o.id !== 'healthy');
  const list = { margin: '0 0 8px', paddingLeft: Math.round(type.body * 1.3), fontSize: type.body, lineHeight: 1.4 };
  return (
    <section data-testid="evidence" style={{ ...card(p), width }}>
      <h3 style={heading(p, type.heading)}>{title}</h3>
      {signature && <p style={{ margin: '0 0 6px', color: p.muted, fontSize: type.body }}>{signature}</p>}
      {/* The headline repeats the first evidence line when there is one; it carries the story otherwise. */}
      {v.headline && v.headline !== v.label && (v.evidence.length === 0 || !candidate || tentative || v.cause === 'healthy') && (
        <p data-testid="verdict-headline" style={{ margin: '0 0 6px', fontSize: type.body }}>
          {v.headline}
        </p>
      )}
      {v.evidence.length > 0 && (
        <ul data-testid="evidence-list" style={list}>
          {v.evidence.map((e, i) => (
            <li key={i}>
              <Inline text={e} palette={p} />
            </li>
          ))}
        </ul>
      )}
      {v.fix.length > 0 && (
        <>
          <h3 style={heading(p, type.heading)}>{tentative ? 'Fix to try if it is confirmed' : 'Fix to try'}</h3>
          <ol data-testid="fix-list" style={list}>
            {v.fix.map((f, i) => (
              <li key={i} style={i === 0 ? { fontWeight: 600 } : { color: p.muted }}>
                <Inline text={f} palette={p} />
              </li>
            ))}
          </ol>
        </>
      )}
      {others.length > 0 && (
        <div data-testid="others" style={{ fontSize: type.small, color: p.muted, marginBottom: 6 }}>
          <span style={{ fontWeight: 600 }}>Also scored: </span>
          {others
            .slice(0, 4)
            .map((o) => `${o.label} ${o.score!.toFixed(2)}`)
            .join(' · ')}
        </div>
      )}
      {links.length > 0 && (
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, fontSize: type.small }}>
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
