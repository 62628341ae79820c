// The open project's trust, as the banner and the dialog show it. Main decides and enforces; this store only
// mirrors `trust.status` and asks main to grant or revoke.
import { create } from 'zustand';
import type { ParleyApi, TrustStatus } from '../../../shared/api/contract';
import { getApi } from '../api';
import { refreshStatus } from '../simulator/simStore';

interface TrustState {
  status: TrustStatus | null;
  dialogOpen: boolean;
  busy: boolean;
  error: string | null;
}

export const useTrust = create<TrustState>(() => ({ status: null, dialogOpen: false, busy: false, error: null }));

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
}

let subscribed = false;
/** Follows main: a grant in another window, a revoke, or a project that now asks for more. */
export function watchTrust(): void {
  if (subscribed) return;
  const a = getApi();
  if (!a) return;
  subscribed = true;
  a.on('trust.changed', (status) => {
    useTrust.setState({ status, ...(status.state === 'trusted' ? {} : { dialogOpen: false }) });
    void refreshStatus();
  });
  a.on('project.opened', () => void loadTrust());
  void loadTrust();
}

export const openTrustDialog = () => useTrust.setState({ dialogOpen: true, error: null });
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
    useTrust.setState({ status, dialogOpen: false });
    void refreshStatus();
  } catch (e) {
    useTrust.setState({ error: e instanceof Error ? e.message : String(e) });
  } finally {
    useTrust.setState({ busy: false });
  }
}
