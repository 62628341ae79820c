// Canonical JSON for bundle files: object keys sorted (by UTF-16 code units, as RFC 8785 does), no whitespace,
// numbers and strings as JSON.stringify writes them. The same value always gives the same bytes, so exporting
// a project twice gives byte-identical files and the same hashes.

/** The canonical JSON text of a plain JSON value. Throws on what JSON cannot hold exactly (NaN, undefined, ...). */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, '');
  return out.join('');
}

function write(v: unknown, out: string[], at: string): void {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') {
    out.push(JSON.stringify(v));
    return;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`canonical JSON: ${at || 'value'} is not a finite number`);
    out.push(JSON.stringify(v));
    return;
  }
  if (Array.isArray(v)) {
    out.push('[');
    v.forEach((item, i) => {
      if (i) out.push(',');
      write(item, out, `${at}[${i}]`);
    });
    out.push(']');
    return;
  }
  if (typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
    keys.sort();
    out.push('{');
    keys.forEach((k, i) => {
      if (i) out.push(',');
      out.push(JSON.stringify(k), ':');
      write((v as Record<string, unknown>)[k], out, at ? `${at}.${k}` : k);
    });
    out.push('}');
    return;
  }
  throw new Error(`canonical JSON: ${at || 'value'} is not plain JSON data (${typeof v})`);
}
