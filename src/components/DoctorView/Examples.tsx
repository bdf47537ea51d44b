// The failing requests and error-log lines behind the verdict, as the logs wrote them. Rendered as text
// only: a request line can hold anything a client sent, `<script>` included.
import { bytes, seconds } from '../../model/format';
import type { DoctorModel } from '../../model/types';
import type { Palette } from './palette';
import { card, heading } from './styles';
import { typeScale, type TypeScale } from './typeScale';

const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

export interface ExamplesProps {
  model: DoctorModel;
  palette: Palette;
  formatTime: (ms: number) => string;
  type?: TypeScale;
}

export function Examples({ model, palette: p, formatTime, type = typeScale(0) }: ExamplesProps) {
  const { requests, errors } = model.examples;
  if (requests.length === 0 && errors.length === 0) return null;
  const cell = { padding: '3px 8px', borderBottom: `1px solid ${p.grid}`, textAlign: 'left' as const, verticalAlign: 'top' as const };
  const code = { fontFamily: MONO, fontSize: type.small, overflowWrap: 'anywhere' as const };
  return (
    <section data-testid="examples" style={card(p)}>
      {requests.length > 0 && (
        <>
          <h3 style={heading(p, type.heading)}>Failing requests</h3>
          <div style={{ overflowX: 'auto' }}>
            <table style={{ borderCollapse: 'collapse', width: '100%', fontSize: type.small }}>
              <thead>
                <tr style={{ color: p.muted }}>
                  <th style={cell}>Time</th>
                  <th style={cell}>Request</th>
                  <th style={cell}>Status</th>
                  <th style={cell}>Connect</th>
                  <th style={cell}>Idle before</th>
                  <th style={cell}>Response</th>
                  <th style={cell}>Bytes</th>
                </tr>
              </thead>
              <tbody>
                {requests.map((r, i) => (
                  <tr key={i} data-testid="example-request">
                    <td style={{ ...cell, whiteSpace: 'nowrap' }}>{formatTime(r.time)}</td>
                    <td style={{ ...cell, ...code }}>{r.request}</td>
                    <td style={cell}>
                      {r.status ?? '–'}
                      {r.attemptStatus !== null && r.attemptStatus !== r.status ? ` (try ${r.attemptStatus})` : ''}
                    </td>
                    <td style={cell}>{r.connectS === 0 ? 'reused' : seconds(r.connectS)}</td>
                    <td style={cell}>{seconds(r.idleGapS)}</td>
                    <td style={cell}>{seconds(r.responseS)}</td>
                    <td style={cell}>{bytes(r.bytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {errors.length > 0 && (
        <>
          <h3 style={{ ...heading(p, type.heading), marginTop: 10 }}>Error log</h3>
          <ul style={{ margin: 0, paddingLeft: 0, listStyle: 'none', fontSize: type.small }}>
            {errors.map((e, i) => (
              <li key={i} data-testid="example-error" style={{ padding: '2px 0', borderBottom: `1px solid ${p.grid}` }}>
                <span style={{ color: p.muted }}>{formatTime(e.time)} </span>
                <span style={{ fontWeight: 600 }}>{e.cls}</span>
                <span style={{ color: p.muted }}> ({e.phase}) </span>
                <span style={code}>{e.message}</span>
                {e.request && <span style={{ ...code, color: p.muted }}> · {e.request}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
