// ONNX element types as the rest of the app names them (the names onnxruntime-web uses).
import { TensorProto_DataType as DT } from './gen/onnx_pb.js';

export type DType =
	| 'float32' | 'float16' | 'float64' | 'bfloat16'
	| 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
	| 'bool' | 'string' | 'unknown';

const BY_CODE: Record<number, DType> = {
	[DT.FLOAT]: 'float32', [DT.FLOAT16]: 'float16', [DT.DOUBLE]: 'float64', [DT.BFLOAT16]: 'bfloat16',
	[DT.INT8]: 'int8', [DT.UINT8]: 'uint8', [DT.INT16]: 'int16', [DT.UINT16]: 'uint16',
	[DT.INT32]: 'int32', [DT.UINT32]: 'uint32', [DT.INT64]: 'int64', [DT.UINT64]: 'uint64',
	[DT.BOOL]: 'bool', [DT.STRING]: 'string'
};

export function dtypeName(code: number): DType {
	return BY_CODE[code] ?? 'unknown';
}

export function dtypeCode(name: DType): number {
	for (const [code, n] of Object.entries(BY_CODE)) if (n === name) return Number(code);
	return DT.UNDEFINED;
}

/** Bytes per element, or 0 where not fixed (string, unknown). */
export function dtypeSize(name: DType): number {
	switch (name) {
		case 'float64': case 'int64': case 'uint64': return 8;
		case 'float32': case 'int32': case 'uint32': return 4;
		case 'float16': case 'bfloat16': case 'int16': case 'uint16': return 2;
		case 'int8': case 'uint8': case 'bool': return 1;
		default: return 0;
	}
}
