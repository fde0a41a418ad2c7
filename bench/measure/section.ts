/** What each measurement hands the report: its figures for results.json, its part of RESULTS.md. */
export interface Section {
  /** Key in results.json. */
  key: string;
  results: unknown;
  markdown: string[];
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
