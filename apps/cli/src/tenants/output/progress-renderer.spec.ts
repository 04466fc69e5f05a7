import { ProgressRenderer, ProgressState } from './progress-renderer';

function render(mode: 'tty' | 'lines', steps: [string, number][]) {
  let out = '';
  const state = new Map<string, ProgressState>([
    ['users', { done: 0, total: 4 }],
    ['resources', { done: 0, total: 200 }],
    ['files', { done: 0, total: 0 }],
  ]);
  const view = new ProgressRenderer(
    { write: (t: string) => (out += t) },
    ['users', 'resources', 'files'],
    (l) => state.get(l) as ProgressState,
    mode,
  );
  for (const [label, done] of steps) {
    (state.get(label) as ProgressState).done = done;
    view.update(label);
  }
  view.done();
  return out;
}

describe('ProgressRenderer', () => {
  it('on a terminal redraws one bar per collection in place and ends each with a newline', () => {
    const out = render('tty', [
      ['users', 4],
      ['resources', 200],
    ]);
    expect(out.split('\n')).toEqual([
      '\r  users      [############################] 100%  4/4\r  users      [############################] 100%  4/4',
      '\r  resources  [############################] 100%  200/200\r  resources  [############################] 100%  200/200',
      '  files      [############################] 100%  0/0',
      '',
    ]);
  });

  it('in a log writes plain lines, one per tenth of a collection, and draws skipped collections complete', () => {
    const out = render('lines', [
      ['resources', 10],
      ['resources', 15],
      ['resources', 30],
      ['resources', 200],
    ]);
    expect(out).toBe(
      [
        '  users        0%  0/4',
        '  resources    5%  10/200',
        '  resources   15%  30/200',
        '  resources  100%  200/200',
        '  files      100%  0/0',
        '',
      ].join('\n'),
    );
  });
});
