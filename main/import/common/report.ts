// The IMPORT.md report every importer writes: what mapped, what was approximated, what needs a person. Lines are
// kept in the order they were added and de-duplicated.

export interface ReportOrigin {
  /** What was imported, for the report's first line ("the Rasa project"). */
  what: string;
  /** The command that imported it ("parley import rasa"). */
  command: string;
}

export class Report {
  private readonly sections = { mapped: [] as string[], approximated: [] as string[], person: [] as string[] };

  constructor(private readonly origin: ReportOrigin = { what: 'the Rasa project', command: 'parley import rasa' }) {}

  private add(list: string[], line: string): void {
    if (!list.includes(line)) list.push(line);
  }
  mapped(line: string): void {
    this.add(this.sections.mapped, line);
  }
  approximated(line: string): void {
    this.add(this.sections.approximated, line);
  }
  person(line: string): void {
    this.add(this.sections.person, line);
  }
  get counts(): { mapped: number; approximated: number; person: number } {
    return { mapped: this.sections.mapped.length, approximated: this.sections.approximated.length, person: this.sections.person.length };
  }

  markdown(title: string, source: string, summary: string[]): string {
    const list = (xs: string[]) => (xs.length ? xs.map((x) => `- ${x}`).join('\n') : '- Nothing.');
    return [
      `# Import report: ${title}`,
      '',
      `Imported from ${this.origin.what} in \`${source}\` by \`${this.origin.command}\`.`,
      '',
      ...summary.map((s) => `- ${s}`),
      '',
      '## What mapped',
      '',
      list(this.sections.mapped),
      '',
      '## What was approximated',
      '',
      list(this.sections.approximated),
      '',
      '## What needs a person',
      '',
      list(this.sections.person),
      '',
      'Check the project with `parley validate <dir>` and run its stories with `parley test <dir>`.',
      '',
    ].join('\n');
  }
}
