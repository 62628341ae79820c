// The open project's trust, as the banner and the dialog show it. Main decides and enforces; this store only
// mirrors `trust.status` and asks main to grant or revoke.
import { create } from 'zustand';
import type { ParleyApi, SecretInfo, TrustStatus } from '../../../shared/api/contract';
import { getApi } from '../api';
import { refreshStatus } from '../simulator/simStore';

interface TrustState {
  status: TrustStatus | null;
  /** The project's secrets: set or not (main keeps the values; none ever comes here). */
  secrets: SecretInfo[];
  dialogOpen: boolean;
  busy: boolean;
  error: string | null;
  /**
   * The restricted-mode banner put away ("Not now") for this state of this project: the chip in the top bar still
   * says it, and the banner comes back when the state changes (another project, or one that now asks for more).
   */
  bannerHiddenFor: string | null;
}

export const useTrust = create<TrustState>(() => ({ status: null, secrets: [], dialogOpen: false, busy: false, error: null, bannerHiddenFor: null }));

/** What a hidden banner was hidden for: the project, its state and what it asks for. */
export const bannerKey = (status: TrustStatus): string => `${status.dir}\0${status.state}\0${status.digest}`;
export const hideTrustBanner = () => {
  const { status } = useTrust.getState();
  if (status) useTrust.setState({ bannerHiddenFor: bannerKey(status) });
};

const api = (): ParleyApi => {
  const a = getApi();
  if (!a) throw new Error('no connection to Parley');
  return a;
};

export async function loadTrust(): Promise<void> {
  try {
    useTrust.setState({ status: await api().call('trust.status', {}) });
  } catch {
    useTrust.setState({ status: null });
  }
  try {
    useTrust.setState({ secrets: await api().call('secrets.status', {}) });
  } catch {
    useTrust.setState({ secrets: [] });
  }
}

/** Sends a secret's value to main (one way), or forgets the saved one (`value` null). */
export async function saveSecret(name: string, value: string | null): Promise<boolean> {
  const st = useTrust.getState().status;
  if (!st) return false;
  useTrust.setState({ busy: true, error: null });
  try {
    const secrets =
      value === null ? await api().call('secrets.clear', { project: st.dir, name }) : await api().call('secrets.set', { project: st.dir, name, value });
    useTrust.setState({ secrets });
    return true;
  } catch (e) {
    useTrust.setState({ error: e instanceof Error ? e.message : String(e) });
    return false;
  } finally {
    useTrust.setState({ busy: false });
  }
}

let subscribed = false;
/** Follows main: a grant in another window, a revoke, or a project that now asks for more. */
export function watchTrust(): void {
  if (subscribed) return;
  const a = getApi();
  if (!a) return;
  subscribed = true;
  a.on('trust.changed', (status) => {
    // a grant, a revoke or a project that asks for more: the banner says so again
    useTrust.setState({ status, bannerHiddenFor: null, ...(status.state === 'trusted' ? {} : { dialogOpen: false }) });
    void refreshStatus();
  });
  a.on('project.opened', () => void loadTrust());
  void loadTrust();
}

export const openTrustDialog = () => {
  useTrust.setState({ dialogOpen: true, error: null });
  void loadTrust();
};
export const closeTrustDialog = () => useTrust.setState({ dialogOpen: false, error: null });

export async function grantTrust(envVars: string[]): Promise<void> {
  const st = useTrust.getState().status;
  if (!st) return;
  useTrust.setState({ busy: true, error: null });
  try {
    const status = await api().call('trust.grant', { project: st.dir, digest: st.digest, envVars });
    useTrust.setState({ status, dialogOpen: false });
    void refreshStatus();
  } catch (e) {
    // CONFLICT: the project changed while the dialog was open; show the new list
    useTrust.setState({ error: e instanceof Error ? e.message : String(e) });
    await loadTrust();
  } finally {
    useTrust.setState({ busy: false });
  }
}

export async function revokeTrust(): Promise<void> {
  const st = useTrust.getState().status;
  if (!st) return;
  useTrust.setState({ busy: true, error: null });
  try {
    const status = await api().call('trust.revoke', { project: st.dir });
    useTrust.setState({ status, dialogOpen: false, bannerHiddenFor: null });
    void refreshStatus();
  } catch (e) {
    useTrust.setState({ error: e instanceof Error ? e.message : String(e) });
  } finally {
    useTrust.setState({ busy: false });
  }
}
