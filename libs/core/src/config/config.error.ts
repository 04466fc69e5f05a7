export interface ConfigProblem {
  variable: string;
  reason: string;
}

/**
 * Bad or missing environment variables — all of them, so one start shows everything to fix. The
 * message names each variable, never its value, on one line.
 */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(variable: string, reason: string);
  constructor(problems: ConfigProblem[]);
  constructor(variableOrProblems: string | ConfigProblem[], reason?: string) {
    const problems = typeof variableOrProblems === 'string' ? [{ variable: variableOrProblems, reason: reason ?? 'is invalid' }] : variableOrProblems;
    const list = problems.map((p) => `${p.variable} ${p.reason}`).join('; ');
    super(problems.length === 1 ? `Invalid configuration: ${list}` : `Invalid configuration (${problems.length} variables): ${list}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }

  /** The first variable named (most callers report one). */
  get variable(): string {
    return this.problems[0].variable;
  }
}
