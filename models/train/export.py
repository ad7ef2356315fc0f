"""Write one variant's trained weights: models/weights/<id>.bin + <id>.json.

<id>.bin is every tensor as float32 little-endian, back to back, in the order <id>.json lists them;
<id>.json gives each tensor's ONNX initializer name, dims and byte offset (linear weights [in, out],
as the ONNX MatMul reads them), the .bin's sha256, and the training record (schedule, final
losses, loss curve, and torch's own logits on a held-out string for the oracle to match).
"""
import hashlib
import json
import os

import numpy as np
import torch

from model import MAX_SEQ

CHECK_OFFSET = 20000  # where in the held-out ids the check string starts
CHECK_POSITIONS = (0, 31, 63)


@torch.no_grad()
def check_record(model, heldout_ids):
    """Torch's float32 answer on one held-out string: per-position loss and logits at a few positions."""
    ids = heldout_ids[CHECK_OFFSET : CHECK_OFFSET + MAX_SEQ + 1]
    x = torch.tensor([ids[:-1]])
    logits = model(x)[0]
    nll = torch.nn.functional.cross_entropy(logits, torch.tensor(ids[1:]), reduction="none")
    text = "".join(chr(i + 31) if i else "\0" for i in ids[:-1])
    return {
        "text": text,
        "next": chr(ids[-1] + 31),
        "nll": [round(v, 6) for v in nll.tolist()],
        "logits": {str(p): [float(np.float32(v)) for v in logits[p].tolist()] for p in CHECK_POSITIONS},
    }


def dumps(index):
    """Indented JSON with one line per tensor, curve point and logits row (short diffs)."""
    lines = []
    for i, (k, v) in enumerate(index.items()):
        if isinstance(v, list) and v and isinstance(v[0], dict):
            body = ",\n".join("  " + json.dumps(x) for x in v)
            text = f"[\n{body}\n ]"
        elif isinstance(v, dict):
            text = "{\n" + ",\n".join(f"  {json.dumps(a)}: {json.dumps(b)}" for a, b in v.items()) + "\n }"
        else:
            text = json.dumps(v)
        lines.append(f" {json.dumps(k)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def write(out_dir, vid, model, run):
    tensors, chunks, offset = [], [], 0
    for name, p in model.named_onnx_params().items():
        raw = p.detach().cpu().numpy().astype("<f4").tobytes()
        tensors.append({"name": name, "dims": list(p.shape), "offset": offset})
        chunks.append(raw)
        offset += len(raw)
    blob = b"".join(chunks)
    index = {
        "format": "float32 little-endian, tensors back to back at the byte offsets below",
        "variant": vid,
        "bytes": len(blob),
        "sha256": hashlib.sha256(blob).hexdigest(),
        "tensors": tensors,
        **run,
    }
    with open(os.path.join(out_dir, f"{vid}.bin"), "wb") as f:
        f.write(blob)
    with open(os.path.join(out_dir, f"{vid}.json"), "w") as f:
        f.write(dumps(index))
    print(f"wrote {vid}.bin ({len(blob)} bytes) and {vid}.json")
