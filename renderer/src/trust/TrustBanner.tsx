import { openTrustDialog, useTrust } from './trustStore';

/** Restricted mode, said once above the workspace: what does not run until the user trusts the project. */
export function TrustBanner() {
  const status = useTrust((s) => s.status);
  if (!status || status.state === 'trusted') return null;
  const changed = status.state === 'changed';
  return (
    <div className="banner trust" role="alert" data-trust-state={status.state}>
      <strong>{changed ? 'This project asks for more than you trusted it with.' : 'Restricted mode: this project is not trusted.'}</strong>
      <span>
        {changed
          ? `${status.changes.join('; ')}. Until you review it, Parley sends no key and makes no model or API call for it.`
          : 'Editing, stories and the simulator work, but Parley sends no key, reads no environment variable and makes no model or API call for it.'}
      </span>
      <button onClick={openTrustDialog}>Review and trust…</button>
    </div>
  );
}
