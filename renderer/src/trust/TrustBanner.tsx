import { bannerKey, hideTrustBanner, openTrustDialog, useTrust } from './trustStore';

/** Restricted mode, said once above the workspace: what does not run until the user trusts the project. */
export function TrustBanner() {
  const status = useTrust((s) => s.status);
  const hiddenFor = useTrust((s) => s.bannerHiddenFor);
  if (!status || status.state === 'trusted' || hiddenFor === bannerKey(status)) return null;
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
      <button onClick={hideTrustBanner} title="Hide this banner; the chip beside the project name still shows the project's trust">
        Not now
      </button>
    </div>
  );
}

const CHIP = {
  trusted: { label: 'Trusted', title: 'You trusted this project: its model and API calls run. Click to review or revoke.' },
  untrusted: { label: 'Restricted', title: 'Restricted mode: no key is sent and no model or API call is made. Click to review and trust.' },
  changed: { label: 'Review needed', title: 'This project asks for more than you trusted it with. Click to review.' },
} as const;

/** The project's trust at a glance, beside its name; opens the trust dialog. */
export function TrustChip() {
  const status = useTrust((s) => s.status);
  if (!status) return null;
  const chip = CHIP[status.state];
  return (
    <button className="trust-chip" data-trust-state={status.state} title={chip.title} onClick={openTrustDialog}>
      {chip.label}
    </button>
  );
}
