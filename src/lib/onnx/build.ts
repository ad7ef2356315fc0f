// Build ONNX models in code: the zoo generator and tests use this, with the same protobuf
// schema the app reads models with.
import { create, toBinary } from '@bufbuild/protobuf';
import {
	AttributeProto_AttributeType as AT,
	AttributeProtoSchema,
	GraphProtoSchema,
	ModelProtoSchema,
	NodeProtoSchema,
	OperatorSetIdProtoSchema,
	StringStringEntryProtoSchema,
	TensorProtoSchema,
	TensorProto_DataType as DT,
	TensorShapeProtoSchema,
	TensorShapeProto_DimensionSchema,
	TypeProtoSchema,
	TypeProto_TensorSchema,
	ValueInfoProtoSchema,
	type AttributeProto,
	type ModelProto,
	type NodeProto,
	type TensorProto,
	type ValueInfoProto
} from './gen/onnx_pb.js';

export { DT };

/** Attribute values: a plain number is an INT, a number[] INTS; floats must say so. */
export type AttrValue = number | number[] | string | { f: number } | { floats: number[] } | { t: TensorProto };

export function f(v: number): { f: number } {
	return { f: v };
}

function attribute(name: string, v: AttrValue): AttributeProto {
	if (typeof v === 'number') return create(AttributeProtoSchema, { name, type: AT.INT, i: BigInt(v) });
	if (typeof v === 'string') return create(AttributeProtoSchema, { name, type: AT.STRING, s: new TextEncoder().encode(v) });
	if (Array.isArray(v)) return create(AttributeProtoSchema, { name, type: AT.INTS, ints: v.map(BigInt) });
	if ('f' in v) return create(AttributeProtoSchema, { name, type: AT.FLOAT, f: v.f });
	if ('floats' in v) return create(AttributeProtoSchema, { name, type: AT.FLOATS, floats: v.floats });
	return create(AttributeProtoSchema, { name, type: AT.TENSOR, t: v.t });
}

export function node(
	opType: string,
	inputs: string[],
	outputs: string[],
	attrs: Record<string, AttrValue> = {},
	opts: { name?: string; domain?: string } = {}
): NodeProto {
	return create(NodeProtoSchema, {
		opType,
		input: inputs,
		output: outputs,
		name: opts.name ?? outputs[0],
		domain: opts.domain ?? '',
		attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v))
	});
}

function le(bytes: ArrayBufferView): Uint8Array {
	// Typed arrays are little-endian on every platform this runs on, as ONNX raw_data requires.
	return new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export function tensorF32(name: string, dims: number[], data: ArrayLike<number>): TensorProto {
	return create(TensorProtoSchema, {
		name,
		dims: dims.map(BigInt),
		dataType: DT.FLOAT,
		rawData: le(Float32Array.from(data))
	});
}

export function tensorI64(name: string, dims: number[], data: ArrayLike<number>): TensorProto {
	return create(TensorProtoSchema, {
		name,
		dims: dims.map(BigInt),
		dataType: DT.INT64,
		rawData: le(BigInt64Array.from(Array.from(data, (x) => BigInt(x))))
	});
}

export function tensorBool(name: string, dims: number[], data: ArrayLike<boolean | number>): TensorProto {
	return create(TensorProtoSchema, {
		name,
		dims: dims.map(BigInt),
		dataType: DT.BOOL,
		rawData: Uint8Array.from(Array.from(data, (x) => (x ? 1 : 0)))
	});
}

export function valueInfo(name: string, elemType: DT, dims: (number | string)[] | null): ValueInfoProto {
	const tensor = create(TypeProto_TensorSchema, {
		elemType,
		shape:
			dims === null
				? undefined
				: create(TensorShapeProtoSchema, {
						dim: dims.map((d) =>
							create(TensorShapeProto_DimensionSchema, {
								value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d }
							})
						)
					})
	});
	return create(ValueInfoProtoSchema, {
		name,
		type: create(TypeProtoSchema, { value: { case: 'tensorType', value: tensor } })
	});
}

export interface ModelSpec {
	name: string;
	nodes: NodeProto[];
	inputs: ValueInfoProto[];
	outputs: ValueInfoProto[];
	initializers: TensorProto[];
	opset?: number;
	extraOpsets?: Record<string, number>;
	metadata?: Record<string, string>;
	docString?: string;
	irVersion?: number;
}

export function buildModel(spec: ModelSpec): ModelProto {
	const opsets = [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(spec.opset ?? 17) })];
	for (const [domain, version] of Object.entries(spec.extraOpsets ?? {}))
		opsets.push(create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) }));
	return create(ModelProtoSchema, {
		irVersion: BigInt(spec.irVersion ?? 8),
		producerName: 'blockscope',
		producerVersion: '0.1.0',
		docString: spec.docString ?? '',
		opsetImport: opsets,
		metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => create(StringStringEntryProtoSchema, { key, value })),
		graph: create(GraphProtoSchema, {
			name: spec.name,
			node: spec.nodes,
			input: spec.inputs,
			output: spec.outputs,
			initializer: spec.initializers
		})
	});
}

export function encodeModel(model: ModelProto): Uint8Array {
	return toBinary(ModelProtoSchema, model);
}
