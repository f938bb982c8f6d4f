// What each section hands back, and how it becomes Markdown.

export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** One line of the overall table: a tokenward figure beside its baseline from the same run. */
export interface SummaryRow {
  readonly measurement: string;
  readonly tokenward: string;
  readonly baseline: string;
  /** tokenward relative to the baseline, e.g. "1.07×". */
  readonly ratio: string;
  readonly budget: string;
  /** null when the row has no budget, or when it could not be measured. */
  readonly met: boolean | null;
  readonly runs: string;
}

export interface SectionReport {
  readonly title: string;
  readonly summary: readonly SummaryRow[];
  readonly tables: readonly Table[];
  /** What the figures mean and what could not be measured, one paragraph each. */
  readonly notes: readonly string[];
}

export function markdownTable({ headers, rows }: Table): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(escape).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export function summaryTable(rows: readonly SummaryRow[]): Table {
  return {
    headers: ['Measurement', 'tokenward', 'Baseline (same run)', 'Ratio', 'Budget', 'Met', 'Runs'],
    rows: rows.map((row) => [row.measurement, row.tokenward, row.baseline, row.ratio, row.budget, verdict(row.met), row.runs]),
  };
}

function verdict(met: boolean | null): string {
  if (met === null) return '–';
  return met ? 'yes' : '**no**';
}

export function sectionMarkdown(section: SectionReport): string {
  const parts = [`### ${section.title}`, ...section.tables.map(markdownTable), ...section.notes];
  return parts.join('\n\n');
}

export const format = {
  bytes: (n: number) => `${n.toLocaleString('en-US')} B`,
  kib: (n: number) => `${(n / 1024).toFixed(1)} KiB`,
  ms: (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms` : 'n/a'),
  rate: (perSecond: number) =>
    perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M/s` : perSecond >= 1e3 ? `${(perSecond / 1e3).toFixed(1)} k/s` : `${perSecond.toFixed(0)} /s`,
  ratio: (n: number, digits = 2) => (Number.isFinite(n) ? `${n.toFixed(digits)}×` : 'n/a'),
};
