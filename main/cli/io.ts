// Where a command writes: its output and its messages, the process's own by default (tests pass their own).
export interface CliIo {
  write(s: string): void;
  err(s: string): void;
}

export const STDIO: CliIo = { write: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };
