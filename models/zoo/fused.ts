// Zoo members as optimizers and quantizers leave real models: GPT-2 after ONNX Runtime's
// transformers optimizer (Attention, SkipLayerNormalization, FastGelu) and a LLaMA-style stack as
// onnxruntime-genai writes it in int4 (MatMulNBits, GroupQueryAttention with rotary over 2 KV
// heads, Skip/SimplifiedLayerNormalization). The zoo's sizes and character vocabulary, seeded
// weights (not trained: they show how fused ops are read, not what a model learned). The builders
// are in models/fused/ (the tests build their fixtures with them too); the float64 oracles that
// check these graphs stay in tests/fixtures/ort/.
import { create } from '@bufbuild/protobuf';
import { StringStringEntryProtoSchema, type ModelProto } from '../../src/lib/onnx/gen/onnx_pb.js';
import { gpt2Fused, gpt2Weights } from '../fused/gpt2-fused.js';
import { llamaGenai, llamaWeights } from '../fused/llama-genai.js';
import { D_MODEL, MAX_SEQ, N_HEADS, N_LAYERS } from './config.js';
import { VOCAB } from './vocab.js';

export interface FusedMember {
	id: string;
	title: string;
	description: string;
	build: () => ModelProto;
}

export const fusedGpt2Weights = () => gpt2Weights(N_LAYERS, D_MODEL, N_HEADS, 4 * D_MODEL, VOCAB.length, MAX_SEQ, 11);
export const int4LlamaWeights = () => llamaWeights(N_LAYERS, D_MODEL, N_HEADS, 2, 2 * D_MODEL, VOCAB.length, MAX_SEQ, 5);

export const FUSED_MEMBERS: FusedMember[] = [
	{
		id: 'gpt2-ort-fused',
		title: 'GPT-2, ORT-optimized (fused ops)',
		description:
			'As onnxruntime.transformers optimize_model leaves GPT-2: com.microsoft Attention (packed QKV, causal; its pattern is recomputed from its inputs), SkipLayerNormalization (norm and residual add in one op), FastGelu. Seeded weights, not trained.',
		build: () => member('gpt2-ort-fused', gpt2Fused(fusedGpt2Weights()).model, N_HEADS)
	},
	{
		id: 'llama-int4-genai',
		title: 'LLaMA-style int4 (onnxruntime-genai)',
		description:
			'As the onnxruntime-genai model builder writes LLaMA: MatMulNBits int4 (block 32), GroupQueryAttention with rotary, 4 query heads over 2 KV heads (patterns recomputed), SimplifiedLayerNormalization and SkipSimplifiedLayerNormalization. Seeded weights, not trained.',
		build: () => member('llama-int4-genai', llamaGenai(int4LlamaWeights()).model, N_HEADS)
	}
];

/** The metadata the page reads from zoo models (vocabulary for text input, sizes), in a fixed order. */
function member(id: string, model: ModelProto, heads: number): ModelProto {
	const meta: Record<string, string> = {
		'blockscope.zoo_id': id,
		'blockscope.variant': 'pre-norm',
		'blockscope.vocab': JSON.stringify(VOCAB),
		'blockscope.max_seq': String(MAX_SEQ),
		'blockscope.d_model': String(D_MODEL),
		'blockscope.heads': String(heads),
		'blockscope.layers': String(N_LAYERS),
		'blockscope.weights': 'seeded, not trained'
	};
	model.metadataProps = Object.entries(meta).map(([key, value]) => create(StringStringEntryProtoSchema, { key, value }));
	return model;
}
