"""`npm run train`: train every zoo variant on Newton's Opticks and write models/weights/<id>.{bin,json}.

Deterministic: one thread, seeded init (the same initial tensors for every variant, model.py),
the same batches in the same order for every variant, deterministic kernels. Differences between
the variants' curves therefore come from the architecture alone. Then `npm run models` rebuilds
the ONNX files from the written weights (no torch needed there).
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402
import export  # noqa: E402
from model import MAX_SEQ, VARIANTS, VOCAB, ZooModel  # noqa: E402

# One schedule for every variant: AdamW, linear warmup then cosine decay to a tenth.
STEPS, BATCH, LR, WARMUP, WEIGHT_DECAY, CLIP = 2000, 32, 3e-3, 100, 0.1, 1.0
EVAL_EVERY, TRAIN_EVAL_WINDOWS = 100, 512
DATA_SEED, TORCH_SEED = 17, 0


def lr_at(step, steps):
    if step < WARMUP:
        return LR * (step + 1) / WARMUP
    t = (step - WARMUP) / max(1, steps - WARMUP)
    return LR * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * t)))


def windows(ids, starts):
    """(inputs, targets) of 64 tokens each, from windows of 65 starting at `starts`."""
    x = torch.stack([ids[s : s + MAX_SEQ + 1] for s in starts.tolist()])
    return x[:, :-1], x[:, 1:]


@torch.no_grad()
def mean_loss(model, ids, starts, batch=64):
    """Mean next-character loss in nats over every position of the given windows."""
    total, count = 0.0, 0
    for i in range(0, len(starts), batch):
        x, y = windows(ids, starts[i : i + batch])
        total += F.cross_entropy(model(x).reshape(-1, VOCAB), y.reshape(-1), reduction="sum").item()
        count += y.numel()
    return total / count


def train_one(vid, train_ids, heldout_ids, steps):
    torch.manual_seed(TORCH_SEED)
    model = ZooModel(vid)
    decay = [p for n, p in model.p.items() if p.dim() == 2]  # matrices and embeddings; not gains, biases, alpha
    rest = [p for n, p in model.p.items() if p.dim() != 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": rest, "weight_decay": 0.0}], lr=LR, betas=(0.9, 0.95)
    )
    batches = torch.Generator().manual_seed(DATA_SEED)  # the same batch order for every variant
    n_train = len(train_ids) - MAX_SEQ - 1
    heldout_starts = torch.arange(0, len(heldout_ids) - MAX_SEQ - 1, MAX_SEQ)  # every held-out window, no overlap
    train_starts = torch.randint(0, n_train, (TRAIN_EVAL_WINDOWS,), generator=torch.Generator().manual_seed(DATA_SEED + 1))
    curve, recent, t0 = [], [], time.time()
    for step in range(steps + 1):
        if step % EVAL_EVERY == 0 or step == steps:
            model.eval()
            row = {
                "step": step,
                "train": sum(recent) / len(recent) if recent else mean_loss(model, train_ids, train_starts),
                "heldout": mean_loss(model, heldout_ids, heldout_starts),
            }
            curve.append(row)
            recent = []
            print(f"{vid:15s} step {step:5d}  train {row['train']:.4f}  held-out {row['heldout']:.4f}  {time.time() - t0:6.0f} s", flush=True)
            model.train()
        if step == steps:
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(step, steps)
        x, y = windows(train_ids, torch.randint(0, n_train, (BATCH,), generator=batches))
        loss = F.cross_entropy(model(x).reshape(-1, VOCAB), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        if not math.isfinite(loss.item()):
            raise SystemExit(f"{vid}: loss is {loss.item()} at step {step}")
        recent.append(loss.item())
    model.eval()
    final = {
        "train": mean_loss(model, train_ids, train_starts),
        "heldout": curve[-1]["heldout"],
        "seconds": round(time.time() - t0),
    }
    return model, curve, final


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", default=",".join(VARIANTS), help="comma list of zoo ids (default: all six)")
    ap.add_argument("--steps", type=int, default=STEPS)
    ap.add_argument("--text", help="path of Isaac.Newton-Opticks.txt (default: the golang-1.19-src package's)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "weights"))
    args = ap.parse_args()
    torch.set_num_threads(1)  # other work shares the CPU; one thread also keeps sums in one order
    torch.set_num_interop_threads(1)
    torch.use_deterministic_algorithms(True)
    src, text, train_ids, heldout_ids = data.load(args.text)
    train_t, heldout_t = torch.tensor(train_ids), torch.tensor(heldout_ids)
    print(f"text: {src}, {len(text)} characters after normalizing; train {len(train_ids)}, held out {len(heldout_ids)}")
    schedule = {"steps": args.steps, "batch": BATCH, "seq": MAX_SEQ, "lr": LR, "warmup": WARMUP, "decay": "cosine to lr/10",
                "optimizer": "AdamW(0.9, 0.95)", "weight_decay": WEIGHT_DECAY, "clip": CLIP, "data_seed": DATA_SEED}
    os.makedirs(args.out, exist_ok=True)
    for vid in args.variants.split(","):
        if vid not in VARIANTS:
            raise SystemExit(f"unknown variant {vid!r}; one of {', '.join(VARIANTS)}")
        model, curve, final = train_one(vid, train_t, heldout_t, args.steps)
        run = {"variant": vid, "text": {"path": src, "sha256": data.TEXT_SHA256, "train_chars": len(train_ids),
               "heldout_chars": len(heldout_ids)}, "schedule": schedule, "final": final, "curve": curve,
               "check": export.check_record(model, heldout_ids)}
        export.write(args.out, vid, model, run)


if __name__ == "__main__":
    main()
