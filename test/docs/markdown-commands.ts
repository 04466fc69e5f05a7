import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './sandbox';

export interface Fenced {
  lang: string;
  body: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

export const readDoc = (path: string) => readFileSync(join(REPO, path), 'utf8');

/** The fenced code blocks of a markdown text (or of one `## ` section of it). */
export function fencedBlocks(markdown: string): Fenced[] {
  const blocks: Fenced[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ lang: open[1], body: body.join('\n'), line: start + 1 });
  }
  return blocks;
}

/** The text of the `## <title>` section, up to the next `## ` heading. */
export function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`no section "## ${title}"`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** Shell commands of a bash block: continuation lines joined, comments and blank lines dropped. */
export function commands(body: string): string[] {
  return body
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((l) => l.replace(/\s+#\s.*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export interface TranscriptStep {
  command: string;
  /** stdout lines as printed in the doc (progress lines on stderr removed). */
  expected: string[];
  exitCode?: number;
}

/** Progress is drawn on stderr; a transcript shows it in between (`  users  [###] 100%  8/8`). */
const PROGRESS = /^ {2}\w+\s+(\[[# ]*\]\s+)?\d+%\s+\d+\/\d+$/;

/** `$ command` blocks (a terminal transcript): each command with the output shown after it. */
export function transcript(body: string): TranscriptStep[] {
  const steps: TranscriptStep[] = [];
  const lines = body.replace(/\\\n\s*/g, '').split('\n');
  for (const line of lines) {
    if (line.startsWith('$ ')) {
      steps.push({ command: line.slice(2), expected: [] });
      continue;
    }
    const step = steps[steps.length - 1];
    if (!step) continue;
    const exit = /^\[exit (\d+)\]$/.exec(line);
    if (exit) step.exitCode = Number(exit[1]);
    else if (!PROGRESS.test(line)) step.expected.push(line);
  }
  for (const s of steps) while (s.expected.length > 0 && s.expected[s.expected.length - 1].trim() === '') s.expected.pop();
  return steps;
}

/** A line of documented output as a pattern: `…` stands for text the doc shortened. */
export function linePattern(expected: string): RegExp {
  const escaped = expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/…/g, '.*');
  return new RegExp(`^${escaped}$`);
}
