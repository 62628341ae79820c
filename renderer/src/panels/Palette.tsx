import { useMemo, useState } from 'react';
import { KIND_LABEL } from '../../../shared/project/describe';
import { KIND_DESCRIPTION } from '../../../shared/project/factory';
import { NODE_KINDS, type NodeKind } from '../../../shared/schema/nodes';
import { addNode, PALETTE_MIME } from '../canvas/commands';

/** Node kinds to add: click (or Enter) adds at the centre of the canvas, drag drops where you let go. */
const COLLAPSED_KEY = 'parley.palette.collapsed';

export function Palette() {
  const [query, setQuery] = useState('');
  // Collapsed, the palette is just its search field (kinds show while typing), so it covers less canvas.
  const [collapsed, setCollapsed] = useState(() => localStorage.getItem(COLLAPSED_KEY) === 'true');
  const toggle = () => {
    setCollapsed(!collapsed);
    localStorage.setItem(COLLAPSED_KEY, String(!collapsed));
  };
  const kinds = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return NODE_KINDS;
    // Names that start with the query first, then names that contain it, then descriptions.
    const rank = (k: NodeKind) => {
      const name = KIND_LABEL[k].toLowerCase();
      if (name.startsWith(q) || k.startsWith(q)) return 0;
      if (name.includes(q)) return 1;
      return KIND_DESCRIPTION[k].toLowerCase().includes(q) ? 2 : 3;
    };
    return NODE_KINDS.filter((k) => rank(k) < 3).sort((a, b) => rank(a) - rank(b));
  }, [query]);
  const add = (kind: NodeKind) => {
    addNode(kind);
    setQuery('');
  };
  return (
    <section className="palette" aria-label="Palette">
      <div className="palette-head">
        <input
          id="palette-search"
          aria-label="Search node kinds"
          placeholder="Add a node… (N)"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && kinds[0]) add(kinds[0]);
            if (e.key === 'Escape') {
              setQuery('');
              e.currentTarget.blur();
            }
          }}
        />
        <button
          className="palette-toggle"
          onClick={toggle}
          aria-expanded={!collapsed}
          aria-label={collapsed ? 'Show node kinds' : 'Hide node kinds'}
          title={collapsed ? 'Show node kinds' : 'Hide node kinds'}
        >
          {collapsed ? '▸' : '▾'}
        </button>
      </div>
      {(!collapsed || query) && (
        <ul role="list" className="palette-grid">
          {kinds.map((k) => (
            <li key={k}>
              <button
                className={`palette-item kind-${k}`}
                draggable
                onDragStart={(e) => {
                  e.dataTransfer.setData(PALETTE_MIME, k);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={() => add(k)}
                title={KIND_DESCRIPTION[k]}
                aria-label={`Add ${KIND_LABEL[k]} node`}
              >
                <span className="swatch" />
                <span className="name">{KIND_LABEL[k]}</span>
              </button>
            </li>
          ))}
          {kinds.length === 0 && <li className="none">No node kind matches</li>}
        </ul>
      )}
    </section>
  );
}
