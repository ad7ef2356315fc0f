// Zoo members that go non-finite on purpose (issue 6), so the health checks have a known answer.
//
// broken-ffn: the pre-ln model with one +inf in layer 2's FFN output weight (W2[76, 7]), as a
// checkpoint saved through float16 overflow would have it. Column 7 of layer 2's second FFN MatMul
// becomes +-inf for every token (NaN where the GELU output is exactly 0); the bias add and the
// residual add carry it on; layer 3's LayerNorm turns the whole stream into NaN, so everything
// after it (patterns of layer 3, logits) is NaN.
//   first non-finite tensor, --capture all:      "layer2/mlp/MatMul_1" (node "layer2/mlp/MatMul_1")
//   first non-finite tensor, --capture semantic: "layer2/mlp_out" (blocks.2.hook_mlp_out)
import type { ModelProto } from '../../src/lib/onnx/gen/onnx_pb.js';
import { create } from '@bufbuild/protobuf';
import { StringStringEntryProtoSchema } from '../../src/lib/onnx/gen/onnx_pb.js';
import { D_MODEL } from './config.js';
import { buildZoo } from './builder.js';

export interface BrokenInfo {
	id: string;
	base: 'pre-ln';
	title: string;
	description: string;
	/** The initializer and element made non-finite. */
	initializer: string;
	index: [number, number];
	value: number;
	/** The answer the health checks must give, per capture set. */
	first_nonfinite: { all: string; semantic: string };
	node: string;
}

export const BROKEN: BrokenInfo[] = [
	{
		id: 'broken-ffn',
		base: 'pre-ln',
		title: 'Broken: Inf weight in an FFN (pre-LN)',
		description:
			"Pre-LN with one +inf in layer 2's FFN output weight W2[76, 7] (a float16-overflowed checkpoint). Goes non-finite on purpose: the health checks name layer2/mlp/MatMul_1 as the first non-finite tensor.",
		initializer: 'layer2.mlp.w2.weight',
		index: [76, 7],
		value: Infinity,
		first_nonfinite: { all: 'layer2/mlp/MatMul_1', semantic: 'layer2/mlp_out' },
		node: 'layer2/mlp/MatMul_1'
	}
];

export function buildBrokenModel(id: string): ModelProto {
	const info = BROKEN.find((b) => b.id === id);
	if (!info) throw new Error(`No broken zoo member "${id}".`);
	const { model } = buildZoo(info.base); // a fresh build: never mutate the memoized one
	const t = model.graph!.initializer.find((x) => x.name === info.initializer);
	if (!t) throw new Error(`${info.base} has no initializer "${info.initializer}".`);
	const cols = Number(t.dims[1]);
	if (cols !== D_MODEL) throw new Error(`Unexpected shape of "${info.initializer}".`);
	new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength).setFloat32(
		4 * (info.index[0] * cols + info.index[1]),
		info.value,
		true
	);
	model.graph!.name = `blockscope-${id}`;
	model.docString = `${info.title}. ${info.description}`;
	for (const m of model.metadataProps) if (m.key === 'blockscope.zoo_id') m.value = id;
	model.metadataProps.push(
		create(StringStringEntryProtoSchema, {
			key: 'blockscope.broken',
			value: JSON.stringify({
				initializer: info.initializer,
				index: info.index,
				value: String(info.value),
				first_nonfinite: info.first_nonfinite,
				node: info.node
			})
		})
	);
	return model;
}
