// bytes -> ModelProto. Weights stay views into the caller's buffer (no copy).
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, type ModelProto } from './gen/onnx_pb.js';
import { ModelError } from './errors.js';

export function readModel(bytes: Uint8Array): ModelProto {
	if (bytes.byteLength === 0) throw new ModelError('The file is empty (0 bytes).', 'Choose an .onnx model file.');
	if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
		throw new ModelError('This is a PNG image, not an ONNX model.', 'Choose an .onnx model file.');
	let model: ModelProto;
	try {
		model = fromBinary(ModelProtoSchema, bytes, { readUnknownFields: true });
	} catch (e) {
		throw new ModelError(
			`Not a readable ONNX model: the protobuf data is malformed or truncated (${(e as Error).message}).`,
			'Check that the file is a complete .onnx export.'
		);
	}
	if (!model.graph || (model.graph.node.length === 0 && model.graph.output.length === 0))
		throw new ModelError('Not an ONNX model: the file has no graph.', 'Choose an .onnx model file.');
	return model;
}
