import { useEffect, useRef } from 'react';
import { displayKeys, SHORTCUTS } from '../shortcuts';
import { useStudio } from '../store/studioStore';

/** The `?` overlay: every keyboard shortcut, from the same table the key handler uses. */
export function HelpOverlay() {
  const open = useStudio((s) => s.helpOpen);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) close.current?.focus();
  }, [open]);
  if (!open) return null;
  const groups = [...new Set(SHORTCUTS.map((s) => s.group))];
  const hide = () => useStudio.setState({ helpOpen: false });
  return (
    <div className="overlay" role="presentation" onClick={hide} onKeyDown={(e) => e.key === 'Escape' && hide()}>
      <div className="help" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <header>
          <h2>Keyboard shortcuts</h2>
          <button ref={close} onClick={hide} aria-label="Close">
            ✕
          </button>
        </header>
        <div className="help-groups">
          {groups.map((g) => (
            <section key={g}>
              <h3>{g}</h3>
              <dl>
                {SHORTCUTS.filter((s) => s.group === g).map((s) => (
                  <div key={s.label}>
                    <dt>
                      {s.keys.map((k) => (
                        <kbd key={k}>{displayKeys(k)}</kbd>
                      ))}
                    </dt>
                    <dd>{s.label}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}
