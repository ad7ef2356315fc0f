// Fused attention ops (ORT's transformers optimizer, onnxruntime-genai, ONNX opset 23), read by
// their published schemas. The pattern never exists as a tensor inside the op: recognition says
// how the op computes it (heads, KV heads, scale, causal flag, rotary, softcap, window) and names a
// derived tensor that src/lib/derive recomputes from the op's captured inputs after the run.
import type { GraphNode } from '../onnx/graph.js';
import { attrFloat, attrInt } from '../onnx/graph.js';
import type { AttentionInfo, FusedAttention } from './types.js';
import type { Ctx } from './walk.js';

/** The derived pattern's name: not a graph tensor, so it cannot collide with one. */
export const derivedPattern = (output: string) => `derived::${output}::pattern`;

const MS = 'com.microsoft';

export function fusedAttention(ctx: Ctx, n: GraphNode): AttentionInfo | { fail: string } {
	const f = readFused(ctx, n);
	if ('fail' in f) return f;
	const pattern = derivedPattern(f.output);
	return {
		pattern,
		scores: pattern,
		qk: pattern,
		softmax: n.index,
		heads: f.numHeads,
		headsFrom: 'attribute',
		layout: 'BHSS',
		masks: [],
		masked: f.causal || hasMask(ctx, n),
		scale: f.scale,
		rope: f.doRotary || ropeBefore(ctx, f.input),
		softcap: f.softcap > 0,
		scoreNodes: [],
		op: n.opType,
		derived: true,
		kvHeads: f.kvHeads,
		fused: f
	};
}

function readFused(ctx: Ctx, n: GraphNode): FusedAttention | { fail: string } {
	const inputs = [...n.inputs];
	const base = {
		node: n.index,
		domain: n.domain,
		inputs,
		output: n.outputs[0],
		input: inputs[0],
		kvHeads: null,
		scale: scaleAttr(n),
		causal: false,
		maskFilter: attrFloat(n, 'mask_filter_value', -10000),
		doRotary: attrInt(n, 'do_rotary', 0) === 1,
		rotaryInterleaved: attrInt(n, 'rotary_interleaved', 0) === 1,
		softcap: attrFloat(n, 'softcap', 0),
		localWindow: attrInt(n, 'local_window_size', -1)
	};
	const heads = attrInt(n, 'num_heads', 0);
	if (n.domain === MS || (n.domain === '' && n.opType !== 'Attention')) {
		if (!(heads > 0)) return { fail: `${n.opType} without a positive num_heads attribute` };
		switch (n.opType) {
			case 'Attention':
			case 'QAttention':
			case 'MultiHeadAttention':
				return { ...base, numHeads: heads, causal: attrInt(n, 'unidirectional', 0) === 1 };
			case 'GroupQueryAttention': {
				const kv = attrInt(n, 'kv_num_heads', 0);
				if (!(kv > 0) || heads % kv) return { fail: `GroupQueryAttention: num_heads ${heads} is not a multiple of kv_num_heads ${kv}` };
				return { ...base, numHeads: heads, kvHeads: kv < heads ? kv : null, causal: true };
			}
			default:
				return {
					fail: `${n.opType}: a fused attention op blockscope does not read yet (Attention, QAttention, MultiHeadAttention, GroupQueryAttention and ONNX Attention are read); its pattern cannot be recovered`
				};
		}
	}
	// ONNX Attention (opset 23): 4-D Q [B, H, S, hd], or 3-D with q_num_heads.
	const q = ctx.dims(inputs[0]);
	const h = attrInt(n, 'q_num_heads', 0) || (q?.length === 4 && typeof q[1] === 'number' ? q[1] : 0);
	if (!h) return { fail: 'ONNX Attention with 4-D inputs and no shape info on Q: the head count is unknown' };
	const kvAttr = attrInt(n, 'kv_num_heads', 0);
	const k = ctx.dims(inputs[1]);
	const kv = kvAttr || (k?.length === 4 && typeof k[1] === 'number' ? k[1] : h);
	return { ...base, numHeads: h, kvHeads: kv < h ? kv : null, causal: attrInt(n, 'is_causal', 0) === 1, maskFilter: -Infinity };
}

function scaleAttr(n: GraphNode): number | null {
	const a = n.proto.attribute.find((x) => x.name === 'scale');
	return a && a.f !== 0 ? a.f : null;
}

/** A mask or bias input present (Attention's mask_index, MHA's key_padding_mask, ONNX Attention's attn_mask). */
function hasMask(ctx: Ctx, n: GraphNode): boolean {
	const at =
		n.opType === 'Attention' && n.domain === MS
			? [3, 5]
			: n.opType === 'QAttention'
				? [5]
				: n.opType === 'MultiHeadAttention'
					? [4, 5]
					: n.opType === 'Attention'
						? [3]
						: [10];
	return at.some((i) => !!n.inputs[i]);
}

/** A RotaryEmbedding op on the way into the attention (genai writes it before MHA/GQA without do_rotary). */
function ropeBefore(ctx: Ctx, t: string): boolean {
	for (let hops = 0; hops < 6; hops++) {
		const p = ctx.producer(t);
		if (!p) return false;
		if (p.opType === 'RotaryEmbedding') return true;
		t = p.inputs[0];
	}
	return false;
}
