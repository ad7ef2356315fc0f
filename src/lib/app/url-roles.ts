// Role overrides in the URL (`?roles=`, JSON): what the user assigned in the role panel comes back
// with the link. A URL is input from anywhere: only well-formed entries are kept (known kinds,
// string names, small non-negative integers, the enums as recognition spells them); recognition
// then drops any that name a tensor the model does not have, with a note.
import type { Override } from '$lib/analysis/types';

const NORM_KINDS = ['layernorm', 'rmsnorm', 'dyt'];
const PLACEMENTS = ['pre', 'post'];
const SUBLAYERS = ['attn', 'mlp', 'both'];
/** More than this many is not a user's doing. */
const MAX_ROLES = 100;

type Fields = Record<string, unknown>;
const str = (o: Fields, k: string, required: boolean) =>
	o[k] === undefined ? !required : typeof o[k] === 'string' && (o[k] as string).length > 0 && (o[k] as string).length <= 4096;
const int = (o: Fields, k: string) => o[k] === undefined || (Number.isInteger(o[k]) && (o[k] as number) >= 0 && (o[k] as number) < 100_000);
const oneOf = (o: Fields, k: string, values: string[], required = false) =>
	o[k] === undefined ? !required : values.includes(o[k] as string);
const only = (o: Fields, keys: string[]) => Object.keys(o).every((k) => keys.includes(k));

function wellFormed(x: unknown): x is Override {
	if (!x || typeof x !== 'object' || Array.isArray(x)) return false;
	const o = x as Fields;
	switch (o.kind) {
		case 'attention':
			return (
				only(o, ['kind', 'pattern', 'layer', 'heads', 'masked']) &&
				str(o, 'pattern', true) &&
				int(o, 'layer') &&
				int(o, 'heads') &&
				(o.masked === undefined || typeof o.masked === 'boolean')
			);
		case 'norm':
			return (
				only(o, ['kind', 'output', 'input', 'normKind', 'layer', 'placement', 'sublayer']) &&
				str(o, 'output', true) &&
				str(o, 'input', false) &&
				oneOf(o, 'normKind', NORM_KINDS, true) &&
				int(o, 'layer') &&
				oneOf(o, 'placement', PLACEMENTS) &&
				oneOf(o, 'sublayer', SUBLAYERS)
			);
		case 'residual':
			return (
				only(o, ['kind', 'output', 'stream', 'layer', 'sublayer']) &&
				str(o, 'output', true) &&
				str(o, 'stream', false) &&
				int(o, 'layer') &&
				oneOf(o, 'sublayer', SUBLAYERS)
			);
		case 'ignore':
			return only(o, ['kind', 'tensor']) && str(o, 'tensor', true);
		default:
			return false;
	}
}

/** `?roles=` -> the well-formed overrides (null: none, or not a JSON list). */
export function parseRoles(v: string | null): Override[] | null {
	if (!v) return null;
	let x: unknown;
	try {
		x = JSON.parse(v);
	} catch {
		return null;
	}
	if (!Array.isArray(x)) return null;
	const out = x.slice(0, MAX_ROLES).filter(wellFormed);
	return out.length ? out : null;
}

export function writeRoles(list: readonly Override[] | null | undefined): string | null {
	return list && list.length ? JSON.stringify(list) : null;
}
