#!/usr/bin/env python3
"""Exports a geoloc-stream bundle's encoder in half precision, for `trainer half` to make the bundle that serves it.

    python3 export_half.py BUNDLE --precision fp16|bf16 --out encoder-fp16.pt

BUNDLE is a bundle directory or the .zip that `trainer publish` stores. The encoder written keeps the bundle's
contract, float32 images in and float32 embeddings out; inside, its weights and its arithmetic are in the half type,
which on a GPU roughly doubles the model's rate (docs/performance.md#half-precision) and halves the file. DJL cannot
cast a loaded TorchScript module, so this is done here, with PyTorch. Then, where Java runs, on the device that will
serve it:

    geoloc-trainer half --bundle BUNDLE --encoder encoder-fp16.pt --precision fp16 --out DIR --device gpu

Needs torch >= 1.13 and gpu_check.py beside it (which reads the bundle). Tested on CPU, bf16, in this project's CI
(HalfCommandTest).
"""
import argparse
import io
import json
import sys

import torch
from torch import nn

from gpu_check import PRECISIONS, BundleError, read_bundle


class HalfPrecision(nn.Module):
    """The encoder in a half type behind the float32 contract. The input is cast to the type of the `precision`
    buffer, which `.to(dtype)` moves along with the weights, so the module can still be cast as a whole (gpu_check.py
    does, to measure each precision)."""

    def __init__(self, encoder, dtype):
        super().__init__()
        self.encoder = encoder.to(dtype)
        self.register_buffer("precision", torch.zeros(0, dtype=dtype))

    def forward(self, x):
        return self.encoder(x.to(self.precision.dtype)).float()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", help="a bundle directory or zip, in fp32")
    parser.add_argument("--precision", required=True, choices=["fp16", "bf16"])
    parser.add_argument("--out", required=True, help="the TorchScript file to write")
    args = parser.parse_args()
    try:
        files = read_bundle(args.bundle)
        if "encoder.pt" not in files or "bundle.json" not in files:
            raise BundleError("the bundle has no encoder.pt or no bundle.json")
        precision = json.loads(files["bundle.json"]).get("encoder", {}).get("precision", "fp32")
        if precision != "fp32":
            raise BundleError(f"its encoder computes in {precision} already; export from the fp32 bundle")
        encoder = torch.jit.load(io.BytesIO(files["encoder.pt"]), map_location="cpu")
    except (BundleError, OSError, RuntimeError) as error:
        print(f"export_half: {args.bundle}: {error}", file=sys.stderr)
        return 2
    exported = torch.jit.script(HalfPrecision(encoder, PRECISIONS[args.precision]).eval())
    exported.save(args.out)
    print(f"{args.out}: the encoder of {args.bundle} in {args.precision}, float32 in and out; "
          f"now run: geoloc-trainer half --bundle {args.bundle} --encoder {args.out} --precision {args.precision} "
          f"--out DIR")
    return 0


if __name__ == "__main__":
    sys.exit(main())
