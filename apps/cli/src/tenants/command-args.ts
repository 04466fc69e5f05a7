export interface ParsedArgs {
  positional: string[];
  flags: Set<string>;
  values: Map<string, string>;
  errors: string[];
}

/** `--flag`, `--option value` / `--option=value` and positionals; anything unknown is an error. */
export function parseArgs(args: string[], spec: { flags: string[]; values: string[] }): ParsedArgs {
  const parsed: ParsedArgs = { positional: [], flags: new Set(), values: new Map(), errors: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      parsed.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2);
    if (spec.flags.includes(name) && inline === undefined) parsed.flags.add(name);
    else if (spec.values.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined || value === '') parsed.errors.push(`${name} needs a value`);
      else parsed.values.set(name, value);
    } else parsed.errors.push(`unknown option ${name}`);
  }
  return parsed;
}
