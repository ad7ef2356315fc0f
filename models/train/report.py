"""Loss curves and the loss table from the training records in models/weights/<id>.json.

Writes models/train/losses.csv (variant, step, train, heldout; nats per character) and
models/train/loss-curves.png (matplotlib, when installed), and prints the table that
models/README.md shows. Reads only what train.py wrote; trains nothing.
"""
import csv
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
WEIGHTS = os.path.join(HERE, "..", "weights")
IDS = ["pre-ln", "post-ln", "pre-rms-swiglu", "parallel", "deepnorm", "dyt"]


def load():
    return {vid: json.load(open(os.path.join(WEIGHTS, f"{vid}.json"))) for vid in IDS}


def write_csv(runs):
    with open(os.path.join(HERE, "losses.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["variant", "step", "train", "heldout"])
        for vid, run in runs.items():
            for p in run["curve"]:
                w.writerow([vid, p["step"], f"{p['train']:.4f}", f"{p['heldout']:.4f}"])


def plot(runs):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing (apt-get install python3-matplotlib): no plot")
        return
    plt.rcParams["svg.hashsalt"] = "blockscope"
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
    for ax, key, title in ((axes[0], "train", "train (mean of the batches since the last point)"), (axes[1], "heldout", "held out (last 10% of the text)")):
        for vid, run in runs.items():
            c = [p for p in run["curve"] if p["step"] > 0]
            ax.plot([p["step"] for p in c], [p[key] for p in c], label=vid, lw=1.4)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("step (batch of 32 x 64 characters)")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("loss, nats per character")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(HERE, "loss-curves.png"), dpi=110, metadata={"Software": None})


def table(runs):
    ref = runs["pre-ln"]["final"]["heldout"]
    rows = ["| variant | train | held out | held out vs pre-LN | bits/char (held out) |", "|---|---|---|---|---|"]
    for vid, run in runs.items():
        f = run["final"]
        delta = "" if vid == "pre-ln" else f"{f['heldout'] - ref:+.3f}"
        rows.append(f"| `{vid}` | {f['train']:.3f} | {f['heldout']:.3f} | {delta} | {f['heldout'] / math.log(2):.2f} |")
    return "\n".join(rows)


def main():
    runs = load()
    write_csv(runs)
    plot(runs)
    print(table(runs))


if __name__ == "__main__":
    main()
