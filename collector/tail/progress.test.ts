import { ProgressBar, formatProgress, type ProgressStream } from './progress';

/** A terminal-like sink: what a TTY would be sent. */
function terminal(columns = 80): ProgressStream & { out: string } {
  return {
    isTTY: true,
    columns,
    out: '',
    write(text: string) {
      this.out += text;
      return true;
    },
  };
}

describe('formatProgress', () => {
  it('shows share, sizes, rate and the file, within the width', () => {
    const text = formatProgress({ bytes: 50e6, totalBytes: 200e6, lines: 400_000, elapsedMs: 2000, label: '/var/log/nginx/access.log.2.gz' }, 100);
    expect(text).toMatch(/^\[#+-+\]  25% 50\.0\/200\.0 MB 200,000 lines\/s \/var\/log\/nginx\/access\.log\.2\.gz$/);
    expect(text.length).toBeLessThan(100);
    const narrow = formatProgress({ bytes: 1, totalBytes: 2, lines: 1, elapsedMs: 1, label: '/a/very/long/path/to/some/access.log.12.gz' }, 60);
    expect(narrow.length).toBeLessThanOrEqual(59);
    expect(narrow).toContain('…');
    expect(narrow).toMatch(/ 50% /);
  });

  it('never shows more than 100% or divides by zero', () => {
    expect(formatProgress({ bytes: 300, totalBytes: 200, lines: 0, elapsedMs: 0, label: '' })).toMatch(/ 100% 0\.0\/0\.0 MB 0 lines\/s/);
    expect(formatProgress({ bytes: 0, totalBytes: 0, lines: 0, elapsedMs: 0, label: '' })).toMatch(/ 100% /);
  });
});

describe('ProgressBar', () => {
  it('redraws in place on a terminal, at most every 100 ms, and ends the line when done', () => {
    let t = 0;
    const tty = terminal();
    const bar = new ProgressBar(tty, 1000, () => t);
    bar.update(100, 10, 'a');
    t = 50;
    bar.update(200, 20, 'a');
    t = 150;
    bar.update(300, 30, 'a');
    bar.done(1000, 100, 'done');
    const draws = tty.out.split('\r').filter(Boolean);
    expect(draws).toHaveLength(3);
    expect(draws[0]).toContain(' 10% ');
    expect(draws[1]).toContain(' 30% ');
    expect(draws[2]).toMatch(/ 100% .*done\x1b\[K\n$/);
  });

  it('writes nothing to a stream that is not a terminal', () => {
    const pipe = { ...terminal(), isTTY: false };
    const bar = new ProgressBar(pipe, 1000);
    bar.update(500, 1, 'a', true);
    bar.done(1000, 2, 'done');
    expect(pipe.out).toBe('');
    expect(new ProgressBar(null, 1).active).toBe(false);
  });
});
