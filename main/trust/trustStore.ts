// Project trust, like VS Code's Workspace Trust. A project folder arrives through git and may be hostile, so
// until the user trusts it no key or secret leaves main, no `api` node makes a real call and no environment
// variable is read. The record lives in the user's data folder (never in the project), per folder real path,
// and holds exactly what the user saw and approved: the model's origin, the API hosts, each environment
// variable with the origin it may be sent to, and each secret with the hosts it may be sent to. A project that later asks for more (a `git pull` adds a host, a
// base URL or a variable) is untrusted again until the user approves the new list.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ApiError } from '../../shared/api/errors';
import type { TrustStatus } from '../../shared/api/contract';
import type { ProjectManifest } from '../../shared/schema/project';
import { atomicWrite } from '../services/atomicWrite';
import { envVarGrantKey, secretGrantKeys, trustRequirements, type LlmRequirement, type TrustRequirements } from './requirements';

const Grant = z.object({
  trustedAt: z.string().max(40),
  llmOrigins: z.array(z.string().max(2000)).max(1000),
  apiHosts: z.array(z.string().max(300)).max(10000),
  /** `NAME@origin` of every variable the dialog showed, approved or not (so a declined one is not "new"). */
  envVarsSeen: z.array(z.string().max(2300)).max(1000),
  envVarsApproved: z.array(z.string().max(2300)).max(1000),
  /** `name@host` of every secret destination approved (absent in records written before secrets existed). */
  secrets: z.array(z.string().max(400)).max(10000).optional(),
});
type Grant = z.infer<typeof Grant>;

const TrustFile = z.object({ version: z.literal(1), folders: z.record(z.string().max(5000), Grant) });
type TrustFile = z.infer<typeof TrustFile>;

/** What main enforces for the open project. */
export interface TrustPolicy {
  trusted: boolean;
  /** Why not, as the simulator and `parley test` say it. */
  untrustedReason: string;
  llm: LlmRequirement | null;
  /** The project's `llm.apiKeyEnv` when the user approved it for the model's origin; else undefined. */
  approvedKeyEnv: string | undefined;
  /** The API hosts of an environment (empty when untrusted or unknown). */
  apiHosts(environment: string | undefined): string[];
  /** The environment the simulator uses: `environment`, else the first listed. */
  environment: string | undefined;
  maxResponseBytes(environment: string | undefined): number | undefined;
  /** The hosts a secret may be sent to, as approved (undefined when untrusted or not declared). */
  secretHosts(name: string): readonly string[] | undefined;
}

export const NOT_TRUSTED =
  'this project is not trusted yet, so Parley sends no key, reads no environment variable and makes no API call for it; review what it would do and trust it (the banner above the canvas, or `parley test --trust`)';

/** A stable digest of the requirements: `grant` must approve exactly what the dialog showed. */
export function requirementsDigest(req: TrustRequirements): string {
  const canon = {
    llm: req.llm?.origin ?? null,
    env: req.envVars.map(envVarGrantKey).sort(),
    api: [...new Set(req.apiHosts.map((h) => h.host))].sort(),
    secrets: req.secrets.flatMap(secretGrantKeys).sort(),
  };
  return createHash('sha256').update(JSON.stringify(canon)).digest('hex').slice(0, 16);
}

export function statusFor(dir: string, manifest: ProjectManifest, grant: Grant | undefined): TrustStatus {
  const req = trustRequirements(manifest);
  const llmNew = Boolean(grant && req.llm && !grant.llmOrigins.includes(req.llm.origin));
  const envVars = req.envVars.map((v) => ({
    name: v.name,
    origin: v.origin,
    approved: Boolean(grant?.envVarsApproved.includes(envVarGrantKey(v))),
    new: Boolean(grant && !grant.envVarsSeen.includes(envVarGrantKey(v))),
  }));
  const apiHosts = req.apiHosts.map((h) => ({ ...h, new: Boolean(grant && !grant.apiHosts.includes(h.host)) }));
  // a secret is new when any of its hosts is: a project that sends it somewhere else asks again
  const secrets = req.secrets.map((x) => ({
    ...x,
    new: Boolean(grant && secretGrantKeys(x).some((k) => !(grant.secrets ?? []).includes(k))),
  }));
  const changes = [
    ...(llmNew && req.llm ? [`the model is now called at ${req.llm.origin}`] : []),
    ...envVars.filter((v) => v.new).map((v) => `it now asks to read the environment variable ${v.name} and send it to ${v.origin}`),
    ...apiHosts.filter((h) => h.new).map((h) => `API calls may now go to ${h.host} (environment ${h.environment})`),
    ...secrets
      .filter((x) => x.new)
      .map((x) => `secret ${x.name} may now be sent to ${x.hosts.filter((h) => !(grant?.secrets ?? []).includes(`${x.name}@${h}`)).join(', ')}`),
  ];
  return {
    dir,
    state: !grant ? 'untrusted' : changes.length ? 'changed' : 'trusted',
    llm: req.llm ? { baseUrl: req.llm.baseUrl, origin: req.llm.origin, provider: req.llm.provider, loopback: req.llm.loopback, new: llmNew } : null,
    envVars,
    apiHosts,
    secrets,
    changes,
    digest: requirementsDigest(req),
  };
}

export function policyFor(manifest: ProjectManifest, status: TrustStatus): TrustPolicy {
  const trusted = status.state === 'trusted';
  const llm = trustRequirements(manifest).llm;
  const keyEnv = manifest.llm?.apiKeyEnv;
  const approved = keyEnv && llm ? status.envVars.find((v) => v.name === keyEnv && v.origin === llm.origin && v.approved) : undefined;
  const envIds = Object.keys(manifest.environments ?? {});
  const environment = manifest.environment ?? envIds[0];
  return {
    trusted,
    untrustedReason:
      status.state === 'changed' ? `this project changed since you trusted it (${status.changes.join('; ')}); review and trust it again` : NOT_TRUSTED,
    llm,
    approvedKeyEnv: trusted && approved ? approved.name : undefined,
    environment,
    apiHosts: (env) => (trusted && env ? [...(manifest.environments?.[env]?.hosts ?? [])] : []),
    maxResponseBytes: (env) => (env ? manifest.environments?.[env]?.maxResponseBytes : undefined),
    secretHosts: (name) => (trusted && Object.hasOwn(manifest.secrets ?? {}, name) ? [...manifest.secrets![name]!.hosts] : undefined),
  };
}

export interface TrustStore {
  status(dir: string, manifest: ProjectManifest): Promise<TrustStatus>;
  /** Trusts the folder for exactly the requirements with this digest, approving the named variables. */
  grant(dir: string, manifest: ProjectManifest, o: { digest: string; envVars: string[] }): Promise<TrustStatus>;
  revoke(dir: string, manifest: ProjectManifest): Promise<TrustStatus>;
  policy(dir: string, manifest: ProjectManifest): Promise<TrustPolicy>;
}

/** The trust record in `<userDataDir>/trust.json` (0600). A corrupt file trusts nothing and is not overwritten. */
export function createTrustStore(userDataDir: string): TrustStore {
  const file = path.join(userDataDir, 'trust.json');
  // Writes are serialised, so two grants never lose each other's folder.
  let queue: Promise<unknown> = Promise.resolve();

  const keyOf = async (dir: string): Promise<string> => {
    try {
      return await fs.realpath(path.resolve(dir));
    } catch {
      return path.resolve(dir);
    }
  };

  const read = async (): Promise<TrustFile> => {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, folders: {} };
      throw new ApiError('PERMISSION_DENIED', `${file}: cannot read the trust record (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new ApiError('INVALID_PROJECT', `${file} is not valid JSON; no project is trusted until it is fixed or deleted`);
    }
    const parsed = TrustFile.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ApiError(
        'INVALID_PROJECT',
        `${file}: ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}; no project is trusted until it is fixed or deleted`,
      );
    }
    return parsed.data;
  };

  /** A corrupt record means nothing is trusted (status and policy never throw for it). */
  const grantOf = async (dir: string): Promise<Grant | undefined> => {
    try {
      return (await read()).folders[await keyOf(dir)];
    } catch {
      return undefined;
    }
  };

  const update = (fn: (data: TrustFile) => void): Promise<void> => {
    const run = queue.then(async () => {
      const data = await read();
      fn(data);
      await fs.mkdir(userDataDir, { recursive: true, mode: 0o700 });
      await atomicWrite(file, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    });
    queue = run.catch(() => undefined);
    return run;
  };

  const status = async (dir: string, manifest: ProjectManifest) => statusFor(path.resolve(dir), manifest, await grantOf(dir));

  return {
    status,
    async grant(dir, manifest, o) {
      const req = trustRequirements(manifest);
      if (o.digest !== requirementsDigest(req)) {
        throw new ApiError('CONFLICT', 'the project changed while the trust dialog was open; review what it asks for now and trust it again');
      }
      const asked = new Set(req.envVars.map((v) => v.name));
      const unknown = o.envVars.filter((n) => !asked.has(n));
      if (unknown.length) throw new ApiError('BAD_REQUEST', `the project does not ask for ${unknown.join(', ')}`);
      const key = await keyOf(dir);
      await update((data) => {
        data.folders[key] = {
          trustedAt: new Date().toISOString(),
          llmOrigins: req.llm ? [req.llm.origin] : [],
          apiHosts: [...new Set(req.apiHosts.map((h) => h.host))].sort(),
          envVarsSeen: req.envVars.map(envVarGrantKey).sort(),
          envVarsApproved: req.envVars
            .filter((v) => o.envVars.includes(v.name))
            .map(envVarGrantKey)
            .sort(),
          secrets: req.secrets.flatMap(secretGrantKeys).sort(),
        };
      });
      return status(dir, manifest);
    },
    async revoke(dir, manifest) {
      const key = await keyOf(dir);
      await update((data) => {
        delete data.folders[key];
      });
      return status(dir, manifest);
    },
    async policy(dir, manifest) {
      return policyFor(manifest, await status(dir, manifest));
    },
  };
}

/**
 * The policy for an unattended run (`parley test`): `--trust` trusts the project as it is now, with every
 * variable it names approved (CI sets exactly the variables it means to); otherwise the user's trust record
 * decides, as in the studio.
 */
export async function cliPolicy(dir: string, manifest: ProjectManifest, o: { trust: boolean; userDataDir: string }): Promise<TrustPolicy> {
  if (o.trust) {
    const st = statusFor(path.resolve(dir), manifest, undefined);
    return policyFor(manifest, { ...st, state: 'trusted', envVars: st.envVars.map((v) => ({ ...v, approved: true })) });
  }
  return createTrustStore(o.userDataDir).policy(dir, manifest);
}
