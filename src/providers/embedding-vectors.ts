// Reading vectors out of any protocol's answer: a list of numbers (or OpenAI's base64 of little-endian float32s), one
// per input; anything else is the upstream's fault.
import { ProviderError } from './errors.js';

/** The vector in `value`: an array of finite numbers, or a base64 string of little-endian float32s. */
export function readVector(value: unknown, where: string): number[] {
  if (typeof value === 'string') return decodeFloat32(value, where);
  if (Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === 'number' && Number.isFinite(x)))
    return value as number[];
  throw malformed(`${where} is not a vector of numbers`);
}

/** `vectors`, when there is one per input; a short or long answer would pair vectors with the wrong inputs. */
export function oneEach(vectors: number[][], inputs: number): number[][] {
  if (vectors.length !== inputs) throw malformed(`upstream returned ${vectors.length} vectors for ${inputs} inputs`);
  return vectors;
}

/** A body that is not the protocol's answer: a server failure, so another model may be tried. */
export function malformed(message: string): ProviderError {
  return new ProviderError(message, { kind: 'server', status: 200 });
}

function decodeFloat32(text: string, where: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0 || bytes.length % 4 !== 0) throw malformed(`${where} is not base64 of float32 values`);
  const out = new Array<number>(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}
