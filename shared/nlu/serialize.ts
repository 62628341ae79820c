// A trained intent model as a JSON string (typed arrays as little-endian base64), for caches that store text.
// IntentModelData itself is plain data and typed arrays, so structured clone (IndexedDB, postMessage) takes it
// as it is. Versions 1 and 2 (with the combined out-of-scope score, `scope`) both load.

import { IntentModel, type IntentModelData, type ScopeModelData } from './classifier';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

function toBytes(a: Int32Array | Float32Array): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (littleEndian()) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 4) for (let j = 0; j < 4; j++) out[i + j] = bytes[i + 3 - j]!;
  return out;
}

export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    chunk +=
      ALPHABET[a >> 2]! +
      ALPHABET[((a & 3) << 4) | (b >> 4)]! +
      (i + 1 < bytes.length ? ALPHABET[((b & 15) << 2) | (c >> 6)]! : '=') +
      (i + 2 < bytes.length ? ALPHABET[c & 63]! : '=');
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

export function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  if (clean.length % 4 === 1) throw new Error('invalid base64');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    let v = 0;
    let k = 0;
    for (; k < 4 && i + k < clean.length; k++) {
      const code = clean.charCodeAt(i + k);
      const d = code < 128 ? LOOKUP[code]! : -1;
      if (d < 0) throw new Error('invalid base64');
      v = (v << 6) | d;
    }
    v <<= 6 * (4 - k);
    out[o++] = (v >> 16) & 255;
    if (k > 2) out[o++] = (v >> 8) & 255;
    if (k > 3) out[o++] = v & 255;
  }
  return out;
}

function fromBytes<T extends Int32Array | Float32Array>(bytes: Uint8Array, make: (buf: ArrayBuffer) => T): T {
  if (bytes.length % 4 !== 0) throw new Error('invalid model: array length');
  const copy = new Uint8Array(bytes.length);
  if (littleEndian()) copy.set(bytes);
  else for (let i = 0; i < bytes.length; i += 4) for (let j = 0; j < 4; j++) copy[i + j] = bytes[i + 3 - j]!;
  return make(copy.buffer);
}

/** The model as a JSON string. */
export function serializeIntentModel(model: IntentModel | IntentModelData): string {
  const d = model instanceof IntentModel ? model.data : model;
  return JSON.stringify({
    ...d,
    keys: encodeBase64(toBytes(d.keys)),
    idf: encodeBase64(toBytes(d.idf)),
    weights: encodeBase64(toBytes(d.weights)),
    bias: encodeBase64(toBytes(d.bias)),
    ...(d.scope
      ? {
          scope: {
            ...d.scope,
            words: {
              offsets: encodeBase64(toBytes(d.scope.words.offsets)),
              keys: encodeBase64(toBytes(d.scope.words.keys)),
              counts: encodeBase64(toBytes(d.scope.words.counts)),
            },
          },
        }
      : {}),
  });
}

function scopeOf(raw: unknown): ScopeModelData {
  const s = raw as Record<string, unknown> | null;
  const w = s?.words as Record<string, unknown> | null | undefined;
  if (!s || typeof s !== 'object' || !w || typeof w !== 'object') throw new Error('invalid model: scope');
  for (const f of ['offsets', 'keys', 'counts']) if (typeof w[f] !== 'string') throw new Error(`invalid model: scope.words.${f}`);
  if (!Array.isArray(s.weights) || s.weights.length !== 4 || !s.weights.every((v) => typeof v === 'number' && Number.isFinite(v)))
    throw new Error('invalid model: scope.weights');
  if (typeof s.threshold !== 'number' || !Number.isFinite(s.threshold)) throw new Error('invalid model: scope.threshold');
  if (!Array.isArray(s.hiddenIntents) || !s.hiddenIntents.every((l) => typeof l === 'string')) throw new Error('invalid model: scope.hiddenIntents');
  return {
    words: {
      offsets: fromBytes(decodeBase64(w.offsets as string), (b) => new Int32Array(b)),
      keys: fromBytes(decodeBase64(w.keys as string), (b) => new Int32Array(b)),
      counts: fromBytes(decodeBase64(w.counts as string), (b) => new Float32Array(b)),
    },
    weights: s.weights as number[],
    threshold: s.threshold,
    hiddenIntents: s.hiddenIntents as string[],
  };
}

/** A model from serializeIntentModel's output. Throws on anything else. */
export function deserializeIntentModel(json: string): IntentModel {
  const raw = JSON.parse(json) as Record<string, unknown>;
  if (raw.format !== 'parley-intent-model' || (raw.version !== 1 && raw.version !== 2)) throw new Error('not a parley intent model (format/version)');
  for (const f of ['keys', 'idf', 'weights', 'bias']) if (typeof raw[f] !== 'string') throw new Error(`invalid model: ${f}`);
  if (!Array.isArray(raw.labels) || !raw.labels.every((l) => typeof l === 'string')) throw new Error('invalid model: labels');
  for (const f of ['temperature', 'threshold', 'unknownIdf', 'trainedOn', 'calibratedOn']) {
    if (typeof raw[f] !== 'number' || !Number.isFinite(raw[f])) throw new Error(`invalid model: ${f}`);
  }
  const f = raw.features as Record<string, unknown> | null;
  const ints = ['charMin', 'charMax', 'wordMax', 'minDf'];
  if (
    !f ||
    typeof f !== 'object' ||
    !ints.every((k) => Number.isInteger(f[k])) ||
    typeof f.wordWeight !== 'number' ||
    typeof f.sublinearTf !== 'boolean' ||
    (f.charSpan !== 'word' && f.charSpan !== 'text')
  ) {
    throw new Error('invalid model: features');
  }
  const data: IntentModelData = {
    ...(raw as unknown as IntentModelData),
    keys: fromBytes(decodeBase64(raw.keys as string), (b) => new Int32Array(b)),
    idf: fromBytes(decodeBase64(raw.idf as string), (b) => new Float32Array(b)),
    weights: fromBytes(decodeBase64(raw.weights as string), (b) => new Float32Array(b)),
    bias: fromBytes(decodeBase64(raw.bias as string), (b) => new Float32Array(b)),
  };
  delete data.scope;
  if (raw.version === 2) data.scope = scopeOf(raw.scope);
  return new IntentModel(data);
}
