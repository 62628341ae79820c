export const ROOT: string;
export const CLI_OUT: string;
export function writeCliStamp(inputs: string[], startedMs: number, root?: string, stamp?: string): void;
export function cliIsFresh(root?: string, stamp?: string): boolean;
