#!/usr/bin/python3
"""Exports the project's own small image encoders to TorchScript, with their contract and a probe.

No pretrained weights can be downloaded where this project is built and tested, so tests, the demo and
CPU training use encoders defined here, randomly initialised from a fixed seed. They keep the contract of
the real DINOv2 / CLIP exports: input float32 [B, 3, S, S] (RGB, normalised with the listed mean/std),
output float32 [B, D] (one embedding per image).

Each encoder is written as <name>.pt (TorchScript) beside <name>.json (its contract, plus a probe: the
outputs for a batch built from a formula, so that Java can check the file loads and computes the same
numbers without Python). Run with Debian's python3-torch (1.13), which only /usr/bin/python3 sees:

    /usr/bin/python3 region-model/scripts/export_tiny_encoders.py region-model/src/main/resources/dev/geoloc/model/encoders

With --vit-s14 DIR it writes instead vit-s14-random.pt/.json into DIR: DINOv2 ViT-S/14's geometry with random
weights, the realistic-cost encoder of `./geoloc bench-processor --encoder=DIR/vit-s14-random.pt`.
"""
import json
import math
import pathlib
import sys

import torch
from torch import nn

SEED = 20261125
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


class TinyCnn(nn.Module):
    """Five 3x3 convolution stages (stride 2 in four of them), then global average pooling."""

    def __init__(self, width=24, dim=128):
        super().__init__()
        channels = [3, width, width, 2 * width, 4 * width, dim]
        strides = [2, 1, 2, 2, 2]
        layers = []
        for c_in, c_out, stride in zip(channels, channels[1:], strides):
            layers += [nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]
        self.features = nn.Sequential(*layers)

    def forward(self, x):
        return self.features(x).mean(dim=(2, 3))


class Block(nn.Module):
    """A pre-norm transformer block written out, so the scripted graph holds only basic, portable ops."""

    def __init__(self, dim, heads, mlp_ratio=2):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp_ratio * dim), nn.GELU(), nn.Linear(mlp_ratio * dim, dim))

    def forward(self, x):
        b, n, d = x.shape
        qkv = self.qkv(self.norm1(x)).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attention = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(d // self.heads), dim=-1)
        x = x + self.proj((attention @ v).transpose(1, 2).reshape(b, n, d))
        return x + self.mlp(self.norm2(x))


class TinyVit(nn.Module):
    """A ViT in DINOv2's shape (patch embedding, class token, pre-norm blocks, final norm), a few layers deep."""

    def __init__(self, size=64, patch=8, dim=64, depth=4, heads=4, mlp_ratio=2):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, dim, patch, patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.randn(1, (size // patch) ** 2 + 1, dim) * 0.02)
        self.blocks = nn.Sequential(*[Block(dim, heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)

    def forward(self, x):
        tokens = self.patch_embed(x).flatten(2).transpose(1, 2)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        tokens = torch.cat([cls, tokens], dim=1) + self.pos_embed
        return self.norm(self.blocks(tokens))[:, 0]


def probe_input(batch, size):
    """x[b, c, h, w] = sin(0.37 b + 1.3 c + 0.05 h - 0.07 w): the same formula is in the Java test."""
    b = torch.arange(batch, dtype=torch.float64).view(-1, 1, 1, 1)
    c = torch.arange(3, dtype=torch.float64).view(1, -1, 1, 1)
    h = torch.arange(size, dtype=torch.float64).view(1, 1, -1, 1)
    w = torch.arange(size, dtype=torch.float64).view(1, 1, 1, -1)
    return torch.sin(0.37 * b + 1.3 * c + 0.05 * h - 0.07 * w).float()


def export(name, model, size, description, out_dir):
    torch.manual_seed(SEED)
    model = model()
    model.eval()
    example = probe_input(2, size)
    # Scripted, not traced: a trace freezes train/eval branches (batch norm statistics) into constants,
    # and the trainer fine-tunes these modules.
    scripted = torch.jit.script(model)
    with torch.no_grad():
        output = scripted(example)
    scripted.save(str(out_dir / f"{name}.pt"))
    contract = {
        "name": name,
        "format": "torchscript",
        "description": description,
        "embedding_dim": output.shape[1],
        "preprocessing": {"input_size": size, "mean": IMAGENET_MEAN, "std": IMAGENET_STD, "resize": "center_crop"},
        "parameters": sum(p.numel() for p in model.parameters()),
        "seed": SEED,
        "exported_with": f"torch {torch.__version__}",
        "probe": {
            "input": "x[b, c, h, w] = sin(0.37 b + 1.3 c + 0.05 h - 0.07 w), b < 2",
            "batch": 2,
            "output": [[round(v, 7) for v in row] for row in output.tolist()],
        },
    }
    (out_dir / f"{name}.json").write_text(json.dumps(contract, indent=2) + "\n")
    print(f"{name}: {contract['parameters']} parameters, embedding {contract['embedding_dim']}, "
          f"{(out_dir / f'{name}.pt').stat().st_size / 1024:.0f} KiB")


class VitS14(TinyVit):
    """DINOv2 ViT-S/14's geometry (224 px, patch 14, width 384, 12 layers, 6 heads, MLP 4x) with random weights:
    the inference cost of the real encoder, for benchmarks, without its weights (which cannot be downloaded here)."""

    def __init__(self):
        super().__init__(size=224, patch=14, dim=384, depth=12, heads=6, mlp_ratio=4)


def main():
    if sys.argv[1:2] == ["--vit-s14"]:
        # 22 M parameters, 85 MiB: written where asked (a benchmark's folder), never into the library's resources
        out_dir = pathlib.Path(sys.argv[2])
        out_dir.mkdir(parents=True, exist_ok=True)
        export("vit-s14-random", VitS14, 224, "DINOv2 ViT-S/14's geometry with random weights: a realistic "
               "inference cost for benchmarks, no meaning.", out_dir)
        return
    out_dir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    export("tiny-cnn", TinyCnn, 64,
           "Small CNN (5 conv stages, global average pool) for CPU training, tests and the demo.", out_dir)
    export("tiny-vit", TinyVit, 64,
           "Small ViT (patch 8, 4 layers, width 64) in DINOv2's shape, to test the TorchScript ViT path.", out_dir)


if __name__ == "__main__":
    main()
