/**
 * Label bookkeeping shared by the adapters, free of I/O: which specs are
 * valid, which labels a repository lacks, and the error for naming a label
 * that does not exist. GitHub compares label names without regard to case,
 * Gitea compares them exactly; the adapters say which.
 */
import { ForgeError, type ForgeLabelSpec } from './forge';

export type NameMatch = 'exact' | 'case-insensitive';

const key = (name: string, match: NameMatch): string => (match === 'exact' ? name : name.toLowerCase());

/** Looks label names up the way the forge does. */
export class LabelIndex<L extends { name: string }> {
  private readonly byKey = new Map<string, L>();

  constructor(
    labels: Iterable<L>,
    private readonly match: NameMatch,
  ) {
    // The first of two same-named labels wins (Gitea allows duplicates), as in the forge's own lookups.
    for (const label of labels) if (!this.byKey.has(key(label.name, match))) this.byKey.set(key(label.name, match), label);
  }

  get(name: string): L | undefined {
    return this.byKey.get(key(name, this.match));
  }

  /** The labels for these names, or a ForgeError naming the ones the repository lacks. */
  require(names: readonly string[], repo: string): L[] {
    const missing = names.filter((name) => !this.get(name));
    if (missing.length > 0) throw unknownLabelsError(missing, repo);
    return names.map((name) => this.get(name) as L);
  }
}

/**
 * Naming a label the repository lacks is the caller's mistake, final like a
 * 422: the adapters check before asking the forge, because GitHub would
 * silently create such a label and Gitea would silently skip it.
 */
export function unknownLabelsError(names: readonly string[], repo: string): ForgeError {
  return new ForgeError(`${repo} has no label ${names.map((n) => JSON.stringify(n)).join(', ')}; create labels with ensureLabels first`, 422, false);
}

/** Fails fast on a spec no forge would accept; drops repeated names (the first spec wins). */
export function validateLabelSpecs(specs: readonly ForgeLabelSpec[], match: NameMatch): ForgeLabelSpec[] {
  const seen = new Set<string>();
  const unique: ForgeLabelSpec[] = [];
  for (const spec of specs) {
    if (spec.name.trim() === '') throw new RangeError('a label needs a name');
    if (!/^[0-9a-fA-F]{6}$/.test(spec.color)) throw new RangeError(`label ${JSON.stringify(spec.name)}: color must be six hex digits without '#', got ${JSON.stringify(spec.color)}`);
    if (seen.has(key(spec.name, match))) continue;
    seen.add(key(spec.name, match));
    unique.push(spec);
  }
  return unique;
}

/** Splits validated specs into those to create and the names that already exist. */
export function planLabels<L extends { name: string }>(specs: readonly ForgeLabelSpec[], existing: LabelIndex<L>): { toCreate: ForgeLabelSpec[]; existing: string[] } {
  const toCreate: ForgeLabelSpec[] = [];
  const present: string[] = [];
  for (const spec of specs) {
    if (existing.get(spec.name)) present.push(spec.name);
    else toCreate.push(spec);
  }
  return { toCreate, existing: present };
}

/** Whether an issue's label names include all of `wanted`. */
export function hasAllLabels(issueLabels: readonly string[], wanted: readonly string[], match: NameMatch): boolean {
  const have = new Set(issueLabels.map((name) => key(name, match)));
  return wanted.every((name) => have.has(key(name, match)));
}

