#!/usr/bin/env python3
"""Exports a pretrained DINOv2 or CLIP image encoder to TorchScript for geoloc-stream.

Run it where the weights can be downloaded (this project's build machines cannot), then copy the output
folder to where the trainer runs. It writes, for --model NAME:

  NAME.pt               TorchScript: float32 [B, 3, 224, 224] (RGB, normalised) -> float32 [B, D]
  NAME.json             the encoder contract the trainer and bundles read (embedding size, preprocessing)
  NAME-prototypes.json  CLIP only: unit-length text embeddings of one prompt per region of the catalog,
                        for the prototype head and the zero-shot baseline

Requirements: torch >= 1.13; for CLIP also open_clip_torch (pip install open_clip_torch).

  python3 export_encoder.py --model dinov2-vits14 --out encoders/
  python3 export_encoder.py --model clip-vitb32 --catalog los-angeles.json --out encoders/
  java -jar geoloc-trainer.jar train --encoder encoders/dinov2-vits14.pt --encoder-lr 1e-5 ...
"""
import argparse
import json
import pathlib

import torch
from torch import nn

IMAGENET = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
CLIP_NORM = ([0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711])
MODELS = {
    # name: (family, hub or open_clip name, embedding size)
    "dinov2-vits14": ("dinov2", "dinov2_vits14", 384),
    "dinov2-vitb14": ("dinov2", "dinov2_vitb14", 768),
    "clip-vitb32": ("clip", "ViT-B-32", 512),
    "clip-vitl14": ("clip", "ViT-L-14", 768),
}
PROMPT = "a street view photo of {name}, Los Angeles"


class ClipImageEncoder(nn.Module):
    """CLIP's image tower alone, so the exported graph holds no text weights."""

    def __init__(self, clip_model):
        super().__init__()
        self.visual = clip_model.visual

    def forward(self, x):
        return self.visual(x)


def load(name):
    family, source, dim = MODELS[name]
    if family == "dinov2":
        # The hub model's forward returns the normalised class token: one embedding per image.
        return torch.hub.load("facebookresearch/dinov2", source), None, dim, IMAGENET
    import open_clip
    model, _, _ = open_clip.create_model_and_transforms(source, pretrained="openai")
    return ClipImageEncoder(model), model, dim, CLIP_NORM


def prototypes(clip_model, name, catalog_file):
    import open_clip
    regions = json.loads(pathlib.Path(catalog_file).read_text())["regions"]
    tokenizer = open_clip.get_tokenizer(MODELS[name][1])
    prompts = [PROMPT.format(name=r["name"]) for r in regions]
    with torch.no_grad():
        text = clip_model.encode_text(tokenizer(prompts))
        text = text / text.norm(dim=-1, keepdim=True)
    return {"encoder": name, "prompt": PROMPT, "regions": {r["id"]: row for r, row in zip(regions, text.tolist())}}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, choices=sorted(MODELS))
    parser.add_argument("--out", required=True, type=pathlib.Path)
    parser.add_argument("--catalog", help="region catalog JSON, for CLIP's region prototypes")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    encoder, clip_model, dim, (mean, std) = load(args.model)
    encoder.eval()
    example = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        # Traced at 224 px: ViTs have no train/eval branches worth keeping, and tracing avoids the
        # scripting gaps of third-party model code. The trainer fine-tunes the traced graph.
        traced = torch.jit.trace(encoder, example, check_trace=False)
        output = traced(example)
    if tuple(output.shape) != (2, dim):
        raise SystemExit(f"{args.model} returned {tuple(output.shape)}, expected (2, {dim})")
    traced.save(str(args.out / f"{args.model}.pt"))
    contract = {
        "name": args.model,
        "format": "torchscript",
        "description": f"{args.model} image encoder, pretrained weights, exported by export_encoder.py",
        "embedding_dim": dim,
        "preprocessing": {"input_size": 224, "mean": mean, "std": std, "resize": "center_crop"},
    }
    (args.out / f"{args.model}.json").write_text(json.dumps(contract, indent=2) + "\n")
    if clip_model is not None and args.catalog:
        (args.out / f"{args.model}-prototypes.json").write_text(
            json.dumps(prototypes(clip_model, args.model, args.catalog)) + "\n")
    print(f"wrote {args.out / args.model}.pt (+ .json) — embedding {dim}")


if __name__ == "__main__":
    main()
