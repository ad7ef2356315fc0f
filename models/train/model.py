"""The zoo's six blocks in torch, exactly as models/zoo/builder.ts emits them in ONNX.

Parameters carry the ONNX initializer names and layouts (linear weights [in, out], used as x @ W),
so export is a plain dump. Shared sizes are models/zoo/config.ts's.
"""
import math
import zlib

import torch
import torch.nn.functional as F

D_MODEL, N_HEADS, D_HEAD, D_FF, N_LAYERS, MAX_SEQ, VOCAB, EPS = 64, 4, 16, 256, 4, 64, 96, 1e-5
DEEPNORM_ALPHA = (2 * N_LAYERS) ** 0.25
DEEPNORM_BETA = (8 * N_LAYERS) ** -0.25
DYT_ALPHA_INIT = 0.5
INIT_SEED = 20240617

# id -> (family, norm, mlp, bias, final norm): config.ts's VARIANTS
VARIANTS = {
    "pre-ln": ("pre-norm", "layernorm", "gelu", True, True),
    "post-ln": ("post-norm", "layernorm", "gelu", True, False),
    "pre-rms-swiglu": ("pre-norm", "rmsnorm", "swiglu", False, True),
    "parallel": ("parallel", "layernorm", "gelu", True, True),
    "deepnorm": ("deepnorm", "layernorm", "gelu", True, False),
    "dyt": ("dyt", "dyt", "gelu", True, True),
}


def base_init(name, shape):
    """The one initial value of tensor `name`, whatever the variant: a seeded stream per name.

    GPT-2's scheme: normal(0, 0.02) matrices and embeddings, std 0.02 / sqrt(2N) for the two
    projections that write into the residual stream, zero biases, gains 1.
    """
    last = name.rsplit(".", 2)
    if name.endswith(".bias") or name.endswith(".beta"):
        return torch.zeros(shape)
    if name.endswith(".gamma"):
        return torch.ones(shape)
    if name.endswith(".alpha"):
        return torch.full(shape, DYT_ALPHA_INIT)
    g = torch.Generator().manual_seed(INIT_SEED ^ zlib.crc32(name.encode()))
    std = 0.02 / math.sqrt(2 * N_LAYERS) if last[-2] in ("o", "w2") else 0.02
    return torch.randn(shape, generator=g) * std


def param_shapes(vid):
    """Every initializer of variant `vid`, in the builder's order: {name: shape}."""
    family, norm, mlp, bias, final = VARIANTS[vid]
    shapes = {"embed.wte": (VOCAB, D_MODEL), "embed.wpe": (MAX_SEQ, D_MODEL)}

    def add_norm(p):
        shapes[f"{p}.gamma"] = (D_MODEL,)
        if norm != "rmsnorm":
            shapes[f"{p}.beta"] = (D_MODEL,)
        if norm == "dyt":
            shapes[f"{p}.alpha"] = (1,)

    def add_linear(p, n_in, n_out, with_bias):
        shapes[f"{p}.weight"] = (n_in, n_out)
        if with_bias:
            shapes[f"{p}.bias"] = (n_out,)

    for l in range(N_LAYERS):
        p = f"layer{l}"
        add_norm(f"{p}.ln1")
        if family != "parallel":
            add_norm(f"{p}.ln2")
        for x in "qkvo":
            add_linear(f"{p}.attn.{x}", D_MODEL, D_MODEL, bias)
        add_linear(f"{p}.mlp.w1", D_MODEL, D_FF, bias)
        if mlp == "swiglu":
            add_linear(f"{p}.mlp.w3", D_MODEL, D_FF, False)
        add_linear(f"{p}.mlp.w2", D_FF, D_MODEL, bias)
    if final:
        add_norm("ln_f")
    shapes["unembed.weight"] = (D_MODEL, VOCAB)
    return shapes


def initial_params(vid):
    """The shared init, DeepNorm's beta applied to V, O, W1, W2 (it lives only in the init)."""
    out = {}
    for name, shape in param_shapes(vid).items():
        t = base_init(name, shape)
        if vid == "deepnorm" and name.endswith(".weight") and any(f".{x}." in name for x in ("v", "o", "w1", "w2")):
            t = t * DEEPNORM_BETA
        out[name] = t
    return out


class ZooModel(torch.nn.Module):
    def __init__(self, vid):
        super().__init__()
        self.vid = vid
        self.family, self.norm_kind, self.mlp_kind, _, self.final = VARIANTS[vid]
        # Module attribute names cannot hold ".": keep the ONNX names behind a "__" spelling.
        self.p = torch.nn.ParameterDict({k.replace(".", "__"): torch.nn.Parameter(v) for k, v in initial_params(vid).items()})
        mask = torch.ones(MAX_SEQ, MAX_SEQ, dtype=torch.bool).tril()
        self.register_buffer("causal", mask, persistent=False)

    def w(self, name):
        return self.p[name.replace(".", "__")]

    def named_onnx_params(self):
        return {k.replace("__", "."): v for k, v in self.p.items()}

    def norm(self, x, p):
        gamma = self.w(f"{p}.gamma")
        if self.norm_kind == "dyt":
            return torch.tanh(self.w(f"{p}.alpha") * x) * gamma + self.w(f"{p}.beta")
        if self.norm_kind == "rmsnorm":
            return x / torch.sqrt((x * x).mean(-1, keepdim=True) + EPS) * gamma
        return F.layer_norm(x, (D_MODEL,), gamma, self.w(f"{p}.beta"), EPS)

    def linear(self, x, p):
        y = x @ self.w(f"{p}.weight")
        key = f"{p}.bias".replace(".", "__")
        return y + self.p[key] if key in self.p else y

    def attention(self, a, p):
        B, S, _ = a.shape
        heads = lambda t: t.view(B, S, N_HEADS, D_HEAD).transpose(1, 2)  # (B, H, S, Dh)
        q, k, v = (heads(self.linear(a, f"{p}.attn.{x}")) for x in "qkv")
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(D_HEAD)
        scores = scores.masked_fill(~self.causal[:S, :S], float("-inf"))
        z = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, S, D_MODEL)
        return self.linear(z, f"{p}.attn.o")

    def mlp(self, a, p):
        if self.mlp_kind == "swiglu":
            hidden = F.silu(self.linear(a, f"{p}.mlp.w1")) * self.linear(a, f"{p}.mlp.w3")
        else:
            hidden = F.gelu(self.linear(a, f"{p}.mlp.w1"))  # exact (erf) GELU, the ONNX Gelu op's default
        return self.linear(hidden, f"{p}.mlp.w2")

    def block(self, x, l):
        p = f"layer{l}"
        f = self.family
        if f in ("pre-norm", "dyt"):
            h = x + self.attention(self.norm(x, f"{p}.ln1"), p)
            return h + self.mlp(self.norm(h, f"{p}.ln2"), p)
        if f == "post-norm":
            h = self.norm(x + self.attention(x, p), f"{p}.ln1")
            return self.norm(h + self.mlp(h, p), f"{p}.ln2")
        if f == "deepnorm":
            h = self.norm(x * DEEPNORM_ALPHA + self.attention(x, p), f"{p}.ln1")
            return self.norm(h * DEEPNORM_ALPHA + self.mlp(h, p), f"{p}.ln2")
        n = self.norm(x, f"{p}.ln1")  # parallel: (Attn + FFN) + x, one shared norm
        return (self.attention(n, p) + self.mlp(n, p)) + x

    def forward(self, ids):
        S = ids.shape[1]
        x = self.w("embed.wte")[ids] + self.w("embed.wpe")[:S]
        for l in range(N_LAYERS):
            x = self.block(x, l)
        if self.final:
            x = self.norm(x, "ln_f")
        return x @ self.w("unembed.weight")
