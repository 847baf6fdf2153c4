#!/usr/bin/env python3
"""Checks a geoloc-stream model bundle on an accelerator with plain PyTorch: no Java, nothing built.

Copy this script and one bundle (a directory or the .zip that `trainer publish` stores) to a GPU host that has
Python 3 and PyTorch, then:

    python3 gpu_check.py BUNDLE                      # CUDA when present, else CPU
    python3 gpu_check.py BUNDLE --device cpu --batch-sizes 1,32 --json report.json

It loads the bundle's TorchScript encoder and its head's parameters (DJL's format, read here), and:

1. runs the bundle's numerics probe (the input formula and the reference logits that the trainer measured on
   its CPU, bundle.json's "numerics") in each precision the device supports and compares the outputs with the
   reference, as the processor does when it loads a bundle;
2. prints images per second per batch size and precision: model only, from a pinned host batch to
   probabilities on the host, so the host-to-device copy is counted and JPEG decoding is not.

Exit status: 0 when every supported precision matches the reference within its tolerance, 1 when one does not,
2 when the bundle cannot be read. Needs torch >= 1.13; tested on CPU in this project's CI (GpuCheckScriptTest).
"""
import argparse
import hashlib
import io
import json
import math
import pathlib
import statistics
import struct
import sys
import time
import zipfile

import torch
from torch import nn

# The tolerances of the processor's own check (ReferenceOutputs): fp32 on CPU uses the bundle's; any GPU at least
# GPU_TOLERANCE, since cuDNN convolves in TF32 by default. Half precisions keep about 3 significant digits per
# operation, so their bar is wider still; a broken kernel is off by far more (docs/numerics.md).
GPU_TOLERANCE = 1e-2
HALF_TOLERANCE = 5e-2
PRECISIONS = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


class BundleError(Exception):
    pass


def read_bundle(path):
    """The bundle's files by name: from a directory, or a zip as the model store keeps it."""
    path = pathlib.Path(path)
    wanted = ("bundle.json", "encoder.pt", "head.params", "cells.json")
    if path.is_dir():
        return {name: (path / name).read_bytes() for name in wanted if (path / name).exists()}
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            return {name: archive.read(name) for name in wanted if name in names}
    raise BundleError(f"{path} is neither a bundle directory nor a bundle zip")


def read_djl_arrays(data):
    """The arrays of a DJL parameter file (Block.saveParameters), in the order they were written.

    Each array is DJL's NDArray encoding: UTF "NDAR", int version, (version >= 3) a name flag and UTF name, UTF
    sparse format, UTF data type, the shape (int rank, rank longs, int layout length, that many UTF-16 chars),
    (version >= 2) one byte order character, int length, then the data. Between arrays are the blocks' own
    headers, which are skipped by finding the next array's magic.
    """
    magic = b"\x00\x04NDAR"
    arrays = []
    position = data.find(magic)
    while position >= 0:
        stream = io.BytesIO(data[position + len(magic):])

        def read(fmt):
            return struct.unpack(">" + fmt, stream.read(struct.calcsize(fmt)))[0]

        def read_utf():
            return stream.read(read("H")).decode("utf-8")

        version = read("i")
        name = None
        if version >= 3 and read("b"):
            name = read_utf()
        sparse, dtype = read_utf(), read_utf()
        shape = tuple(read("q") for _ in range(read("i")))
        stream.read(2 * read("i"))  # the layout's characters
        order = chr(read("b")) if version >= 2 else ">"
        length = read("i")
        if sparse != "DENSE" or dtype != "FLOAT32":
            raise BundleError(f"head.params: array {name} is {sparse} {dtype}; only dense float32 is expected")
        raw = stream.read(length)
        values = struct.unpack(("<" if order == "<" else ">") + f"{length // 4}f", raw)
        arrays.append((name, torch.tensor(values, dtype=torch.float32).reshape(shape)))
        position = data.find(magic, position + len(magic) + stream.tell())
    return arrays


class ClassifierHead(nn.Module):
    """Linear -> ReLU -> (dropout, off at inference) -> Linear, as Heads.build makes it."""

    def __init__(self, arrays):
        super().__init__()
        shapes = [tuple(array.shape) for _, array in arrays]
        if len(arrays) != 4 or len(shapes[0]) != 2 or shapes[1] != shapes[0][:1] or shapes[2][1] != shapes[0][0]:
            raise BundleError(f"head.params: a classifier head has 4 arrays (W1, b1, W2, b2), found shapes {shapes}")
        self.hidden = nn.Linear(shapes[0][1], shapes[0][0])
        self.out = nn.Linear(shapes[2][1], shapes[2][0])
        with torch.no_grad():
            for parameter, (_, array) in zip([self.hidden.weight, self.hidden.bias, self.out.weight, self.out.bias], arrays):
                parameter.copy_(array)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


class PrototypeHead(nn.Module):
    """logits_j = (normalise(W x) . t_j) / temperature, as PrototypeHead does."""

    def __init__(self, arrays, temperature):
        super().__init__()
        named = dict(arrays)
        if set(named) != {"prototypes", "weight"}:
            raise BundleError(f"head.params: a prototype head has 'prototypes' and 'weight', found {sorted(named)}")
        self.projection = nn.Linear(named["weight"].shape[1], named["weight"].shape[0], bias=False)
        with torch.no_grad():
            self.projection.weight.copy_(named["weight"])
        self.register_buffer("prototypes", named["prototypes"])
        self.temperature = temperature

    def forward(self, x):
        projected = self.projection(x)
        unit = projected / projected.norm(dim=1, keepdim=True).clamp_min(1e-12)
        return unit @ self.prototypes.t() / self.temperature


class CellLogits(nn.Module):
    """A cell head's region logits: the log-sum-exp of each region's cells (CellPartition.regionLogits)."""

    def __init__(self, head, cells_per_region):
        super().__init__()
        self.head = head
        self.bounds = [0]
        for count in cells_per_region:
            self.bounds.append(self.bounds[-1] + count)

    def forward(self, x):
        output = self.head(x)
        return torch.stack([torch.logsumexp(output[:, a:b], dim=1) for a, b in zip(self.bounds, self.bounds[1:])], dim=1)


class BundleModel(nn.Module):
    def __init__(self, encoder, head):
        super().__init__()
        self.encoder = encoder
        self.head = head

    def forward(self, x):
        return self.head(self.encoder(x))


def load_model(files):
    for name in ("bundle.json", "encoder.pt", "head.params"):
        if name not in files:
            raise BundleError(f"the bundle has no {name}")
    manifest = json.loads(files["bundle.json"])
    # The manifest lists every file's sha256, as the processor checks them: a damaged copy is not the published model.
    for name, data in files.items():
        expected = manifest.get("files", {}).get(name, {}).get("sha256")
        if name != "bundle.json" and expected and hashlib.sha256(data).hexdigest() != expected:
            raise BundleError(f"{name} does not match the manifest's sha256: the copy is damaged")
    encoder = torch.jit.load(io.BytesIO(files["encoder.pt"]), map_location="cpu")
    arrays = read_djl_arrays(files["head.params"])
    spec = manifest["head"]
    if spec["type"] == "classifier":
        head = ClassifierHead(arrays)
    elif spec["type"] == "prototype":
        head = PrototypeHead(arrays, float(spec["temperature"]))
    else:
        raise BundleError(f"unknown head type {spec['type']!r}")
    if "cells.json" in files:
        cells = json.loads(files["cells.json"])["cells"]
        head = CellLogits(head, [sum(1 for cell in cells if cell["region"] == label) for label in manifest["labels"]])
    return manifest, BundleModel(encoder, head).eval()


def probe_input(batch, size):
    """EncoderContract.probeInput: x[b, c, h, w] = sin(0.37 b + 1.3 c + 0.05 h - 0.07 w).

    The exporter of the built-in encoders has the same function; this script travels alone to the GPU host, so it
    keeps its own copy, and GpuCheckScriptTest holds the two to the Java one through the bundles' references."""
    b = torch.arange(batch, dtype=torch.float64).view(-1, 1, 1, 1)
    c = torch.arange(3, dtype=torch.float64).view(1, -1, 1, 1)
    h = torch.arange(size, dtype=torch.float64).view(1, 1, -1, 1)
    w = torch.arange(size, dtype=torch.float64).view(1, 1, 1, -1)
    return torch.sin(0.37 * b + 1.3 * c + 0.05 * h - 0.07 * w).float()


def difference(reference, logits):
    """ReferenceOutputs.difference: the logits' largest difference relative to the largest reference logit, or
    the probabilities' largest absolute difference, whichever is larger; NaN when an output is not finite."""
    if not torch.isfinite(logits).all():
        return math.nan
    ref_logits = torch.tensor(reference["logits"], dtype=torch.float64)
    ref_probabilities = torch.tensor(reference["probabilities"], dtype=torch.float64)
    logits = logits.double()
    scale = ref_logits.abs().max().item()
    worst = (logits - ref_logits).abs().max().item()
    probabilities = torch.softmax(logits, dim=1)
    return max(worst / scale if scale else worst, (probabilities - ref_probabilities).abs().max().item())


def supported(model, device, dtype, size):
    try:
        with torch.no_grad():
            model.to(device=device, dtype=dtype)(torch.zeros(1, 3, size, size, device=device, dtype=dtype))
        return None
    except RuntimeError as error:
        # TorchScript wraps the kernel's refusal ("... not implemented for 'Half'") in its own trace: keep the last line.
        return [line for line in str(error).splitlines() if line.strip()][-1].strip()


def check_numerics(model, manifest, device, precision, tolerance):
    reference = manifest.get("numerics")
    if not reference:
        return {"precision": precision, "status": "no reference", "ok": True}
    probe = reference["probe"]
    x = probe_input(probe["batch"], probe["input_size"]).to(device=device, dtype=PRECISIONS[precision])
    with torch.no_grad():
        logits = model(x).float().cpu()
    found = difference(reference, logits)
    agree = (logits.argmax(dim=1) == torch.tensor(reference["logits"]).argmax(dim=1)).float().mean().item()
    ok = found <= tolerance
    return {"precision": precision, "difference": found, "tolerance": tolerance, "top1_agreement": agree,
            "ok": ok, "status": "ok" if ok else "MISMATCH"}


def throughput(model, device, dtype, batch, size, seconds):
    """Median images/s over rounds: a pinned host batch copied in, forward, probabilities copied out."""
    host = torch.randn(batch, 3, size, size)
    if device.type == "cuda":
        host = host.pin_memory()

    def step():
        with torch.no_grad():
            x = host.to(device=device, dtype=dtype, non_blocking=True)
            return torch.softmax(model(x).float(), dim=1).cpu()

    for _ in range(3):
        step()
    rates = []
    deadline = time.perf_counter() + seconds
    while len(rates) < 5 or (time.perf_counter() < deadline and len(rates) < 200):
        start = time.perf_counter()
        step()  # .cpu() waits for the device
        rates.append(batch / (time.perf_counter() - start))
    return statistics.median(rates)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", help="a bundle directory or zip")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu",
                        help="cuda, cuda:N or cpu (default: cuda when available)")
    parser.add_argument("--batch-sizes", default="1,32,128,512", help="comma-separated (default 1,32,128,512)")
    parser.add_argument("--seconds", type=float, default=3.0, help="time per throughput measurement (default 3)")
    parser.add_argument("--json", help="also write the report to this file")
    args = parser.parse_args()
    device = torch.device(args.device)
    try:
        manifest, model = load_model(read_bundle(args.bundle))
    except (BundleError, OSError, KeyError, ValueError, RuntimeError) as error:
        print(f"gpu_check: cannot read the bundle {args.bundle}: {error}", file=sys.stderr)
        return 2
    size = manifest["preprocessing"]["input_size"]
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    # A bundle written by `trainer half` has its encoder in that precision; each check below casts the whole model.
    exported_in = manifest["encoder"].get("precision", "fp32")
    print(f"Bundle: {manifest['model_name']} ({manifest['encoder']['name']} exported in {exported_in},"
          f" {manifest['head']['type']} head, {len(manifest['labels'])} regions, {size} px); torch {torch.__version__};"
          f" device {device} ({name})")
    bundle_tolerance = manifest.get("numerics", {}).get("tolerance", 1e-3)
    report = {"bundle": manifest["model_name"], "encoder": manifest["encoder"]["name"],
              "encoder_precision": exported_in, "device": str(device),
              "device_name": name, "torch": torch.__version__, "input_size": size, "checks": [], "throughput": []}
    usable = []
    for precision, dtype in PRECISIONS.items():
        unsupported = supported(model, device, dtype, size)
        if unsupported:
            report["checks"].append({"precision": precision, "status": "unsupported", "ok": True, "why": unsupported})
            print(f"  {precision}: not supported on {device}: {unsupported}")
            continue
        tolerance = HALF_TOLERANCE if precision != "fp32" else (
            max(bundle_tolerance, GPU_TOLERANCE) if device.type == "cuda" else bundle_tolerance)
        result = check_numerics(model, manifest, device, precision, tolerance)
        report["checks"].append(result)
        usable.append(precision)
        if "difference" in result:
            print(f"  {precision}: {result['status']}, difference {result['difference']:.2e} (tolerance"
                  f" {tolerance:.0e}), top-1 agreement with the reference {result['top1_agreement']:.2f}")
        else:
            print(f"  {precision}: {result['status']}")
    print()
    print("| Batch | " + " | ".join(f"{p} img/s" for p in usable) + " |")
    print("|---:|" + "---:|" * len(usable))
    for batch in (int(b) for b in args.batch_sizes.split(",")):
        rates = {p: throughput(model.to(device=device, dtype=PRECISIONS[p]), device, PRECISIONS[p], batch, size,
                               args.seconds) for p in usable}
        report["throughput"].append({"batch": batch, **{p: round(r, 1) for p, r in rates.items()}})
        print(f"| {batch} | " + " | ".join(f"{rates[p]:.1f}" for p in usable) + " |")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    failed = [c["precision"] for c in report["checks"] if not c["ok"]]
    if failed:
        print(f"gpu_check: {', '.join(failed)} outputs differ from the bundle's reference beyond tolerance",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
