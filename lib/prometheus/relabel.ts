import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Prometheus' relabelling, evaluated locally: which of a scrape job's `metric_relabel_configs` drops a series,
 * and what labels survive. PURE. Written here because no maintained npm package implements it; the semantics
 * follow Prometheus' model/relabel/relabel.go:
 * https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config
 *
 * - the source labels' values (absent = "") are joined with `separator` (default ";");
 * - `regex` (default "(.*)") is anchored at both ends, RE2 syntax; Go's `(?P<name>…)` and a leading `(?i)`
 *   are translated to JavaScript; a regex JavaScript cannot compile makes the rule `unsupported`, and an
 *   evaluation that reaches it says so instead of guessing;
 * - `replacement` (default "$1") and `target_label` expand `$1`, `${1}`, `$name`, `${name}` and `$$` as Go's
 *   regexp.Expand does (`$1x` is the group named "1x", which expands to "").
 */

export const RELABEL_ACTIONS = ['replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase'] as const;
export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

/** A relabel_config as /api/v1/status/config prints it (defaults filled in) or as written by hand. */
export const relabelConfigSchema = z.object({
  source_labels: z.array(z.string()).optional(),
  separator: z.string().optional(),
  regex: z.union([z.string(), z.number()]).transform(String).optional(),
  modulus: z.number().int().nonnegative().optional(),
  target_label: z.string().optional(),
  replacement: z.union([z.string(), z.number()]).transform(String).optional(),
  action: z
    .string()
    .transform((action) => action.toLowerCase())
    .pipe(z.enum(RELABEL_ACTIONS))
    .optional(),
});
export type RelabelConfig = z.input<typeof relabelConfigSchema>;

export interface RelabelRule {
  /** The rule's position in its list, from 1, as an SRE counts them in the YAML. */
  position: number;
  action: RelabelAction;
  sourceLabels: string[];
  separator: string;
  regexText: string;
  /** null: the regex is valid RE2 that JavaScript cannot run. */
  regex: RegExp | null;
  targetLabel: string;
  replacement: string;
  modulus: number;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** RE2's POSIX classes, which JavaScript reads as plain characters inside brackets. */
const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9', graph: '!-~',
  lower: 'a-z', print: ' -~', punct: '!-/:-@[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

/** RE2 -> JavaScript for what real configs use; anchored as Prometheus anchors it. */
function compileRegex(source: string): RegExp | null {
  let flags = '';
  let body = source;
  // \p{…} and \pL need JavaScript's u flag, which changes other escapes: not translated.
  if (/\\[pPzCQ]/.test(body)) return null;
  let unknownClass = false;
  body = body.replace(/\[:(\^?)([a-z]+):\]/g, (_, negated: string, name: string) => {
    const range = POSIX_CLASSES[name];
    if (!range || negated) unknownClass = true;
    return range ?? '';
  });
  if (unknownClass) return null;
  const inline = /^\(\?([imsU]+)\)/.exec(body);
  if (inline) {
    if (/U/.test(inline[1]!)) return null;
    flags = [...new Set(inline[1]!.split(''))].join('');
    body = body.slice(inline[0].length);
  }
  body = body.replace(/\(\?P</g, '(?<');
  try {
    return new RegExp(`^(?:${body})$`, flags);
  } catch {
    return null;
  }
}

export function compileRules(configs: readonly RelabelConfig[]): RelabelRule[] {
  return configs.map((raw, index) => {
    const config = relabelConfigSchema.parse(raw);
    const regexText = config.regex ?? '(.*)';
    return {
      position: index + 1,
      action: config.action ?? 'replace',
      sourceLabels: config.source_labels ?? [],
      separator: config.separator ?? ';',
      regexText,
      regex: compileRegex(regexText),
      targetLabel: config.target_label ?? '',
      replacement: config.replacement ?? '$1',
      modulus: config.modulus ?? 0,
    };
  });
}

/** Go's regexp.Expand on a JavaScript match. */
export function expand(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\$|\{([^}]*)\}|([A-Za-z0-9_]+))/g, (whole, body: string, braced?: string, bare?: string) => {
    if (body === '$') return '$';
    const name = braced ?? bare ?? '';
    if (/^\d+$/.test(name)) return match[Number(name)] ?? '';
    return match.groups?.[name] ?? '';
  });
}

/** Prometheus' hashmod: the last 8 bytes of the md5 of the value, big-endian, modulo `modulus`. */
function hashmod(value: string, modulus: number): string {
  if (modulus === 0) return '0';
  const sum = createHash('md5').update(value).digest();
  return (sum.readBigUInt64BE(8) % BigInt(modulus)).toString();
}

export type RelabelResult =
  | { outcome: 'kept'; labels: Record<string, string> }
  | { outcome: 'dropped'; rule: RelabelRule; labels: Record<string, string> }
  /** A rule JavaScript cannot evaluate was reached: gapscope does not guess past it. */
  | { outcome: 'unsupported'; rule: RelabelRule; labels: Record<string, string> };

/**
 * Runs the rules over a label set (`__name__` included for metric relabelling). `labels` as they stand before
 * the first rule; what the result carries is the set after the last rule that ran.
 */
export function relabel(input: Readonly<Record<string, string>>, rules: readonly RelabelRule[]): RelabelResult {
  const labels: Record<string, string> = { ...input };
  for (const rule of rules) {
    if (!rule.regex && rule.action !== 'keepequal' && rule.action !== 'dropequal' && rule.action !== 'hashmod' && rule.action !== 'lowercase' && rule.action !== 'uppercase') {
      return { outcome: 'unsupported', rule, labels };
    }
    const value = rule.sourceLabels.map((name) => labels[name] ?? '').join(rule.separator);
    switch (rule.action) {
      case 'drop':
        if (rule.regex!.test(value)) return { outcome: 'dropped', rule, labels };
        break;
      case 'keep':
        if (!rule.regex!.test(value)) return { outcome: 'dropped', rule, labels };
        break;
      case 'dropequal':
        if (value === (labels[rule.targetLabel] ?? '')) return { outcome: 'dropped', rule, labels };
        break;
      case 'keepequal':
        if (value !== (labels[rule.targetLabel] ?? '')) return { outcome: 'dropped', rule, labels };
        break;
      case 'replace': {
        const match = rule.regex!.exec(value);
        if (!match) break;
        const target = expand(rule.targetLabel, match);
        if (!LABEL_NAME.test(target)) break;
        const replaced = expand(rule.replacement, match);
        if (replaced === '') delete labels[target];
        else labels[target] = replaced;
        break;
      }
      case 'lowercase':
      case 'uppercase':
        if (LABEL_NAME.test(rule.targetLabel)) labels[rule.targetLabel] = rule.action === 'lowercase' ? value.toLowerCase() : value.toUpperCase();
        break;
      case 'hashmod':
        if (LABEL_NAME.test(rule.targetLabel)) labels[rule.targetLabel] = hashmod(value, rule.modulus);
        break;
      case 'labelmap':
        for (const [name, labelValue] of Object.entries(labels)) {
          const match = rule.regex!.exec(name);
          if (match) labels[expand(rule.replacement, match)] = labelValue;
        }
        break;
      case 'labeldrop':
      case 'labelkeep':
        for (const name of Object.keys(labels)) {
          if (rule.regex!.test(name) === (rule.action === 'labeldrop')) delete labels[name];
        }
        break;
    }
  }
  for (const [name, labelValue] of Object.entries(labels)) if (labelValue === '') delete labels[name];
  return { outcome: 'kept', labels };
}

/** "#8 drop [id, pod] =~ '.+;'": a rule as an SRE finds it in the YAML. */
export function describeRule(rule: RelabelRule): string {
  const sources = rule.sourceLabels.length > 0 ? ` [${rule.sourceLabels.join(', ')}]` : '';
  return `#${rule.position} ${rule.action}${sources} regex '${rule.regexText}'`;
}
