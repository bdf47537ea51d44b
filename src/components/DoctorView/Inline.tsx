// Text with `backtick` spans shown as code, the way the cause vocabulary writes nginx directives.
// Only React text nodes are produced: log-derived strings can never become markup.
import type { Palette } from './palette';

export function Inline({ text, palette }: { text: string; palette: Palette }) {
  const parts = text.split('`');
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <code
            key={i}
            style={{
              fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
              fontSize: '0.92em',
              background: palette.mode === 'dark' ? 'rgba(255,255,255,0.08)' : 'rgba(0,0,0,0.06)',
              borderRadius: 3,
              padding: '0 3px',
            }}
          >
            {part}
          </code>
        ) : (
          <span key={i}>{part}</span>
        ),
      )}
    </>
  );
}
