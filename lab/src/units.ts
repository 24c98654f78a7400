const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90m", "1h30m", "7d" -> milliseconds (Prometheus' duration syntax, without y/w). */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) {
    throw new Error(`"${text}" is not a duration like 90s, 15m, 1h30m or 7d`);
  }
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * durationUnits[unit!]!, 0);
}

const byteUnits: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** Kubernetes binary quantities: "10Gi", "512Mi", "1.5Ti" -> bytes. */
export function parseBytes(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a quantity like 512Mi or 10Gi`);
  return Math.round(Number(match[1]) * byteUnits[match[2] ?? '']!);
}
