// Who the user is, for comments and approvals: their git identity (`user.name`, `user.email` of their own global
// git configuration), else their login name. Read with the home folder as the working directory and the system
// configuration off, so a project's `.git/config` is never read and nothing in a project runs. A name, not
// authentication: anyone can write any name into a review file (docs/FORMAT.md, "Reviews").
import { execFile } from 'node:child_process';
import os from 'node:os';
import type { Person } from '../../shared/schema/reviews';

function gitConfig(key: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['config', '--global', '--get', key],
      { cwd: os.homedir(), timeout: 2000, windowsHide: true, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_DIR: '/nonexistent' } },
      (err, stdout) => resolve(err ? undefined : stdout.trim() || undefined),
    );
  });
}

let cached: Promise<Person> | undefined;

/** The user's identity (read once per process). */
export function userIdentity(): Promise<Person> {
  cached ??= (async () => {
    const [name, email] = await Promise.all([gitConfig('user.name'), gitConfig('user.email')]);
    const login = (() => {
      try {
        return os.userInfo().username;
      } catch {
        return 'someone';
      }
    })();
    return { name: (name ?? login).slice(0, 200), ...(email ? { email: email.slice(0, 320) } : {}) };
  })();
  return cached;
}
