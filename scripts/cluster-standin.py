#!/usr/bin/python3
"""Stands in for the OpenCLIP cluster job of TRAIN.md, on one CPU, so the round trip is tested without a cluster.

  /usr/bin/python3 scripts/cluster-standin.py --train-data 'DIR/shard-{000000..000003}.tar' --out MODEL [--steps 40]

What a cluster run does, in miniature:
  1. reads the WebDataset shards of `nearlab export --format webdataset` as webdataset does: Python's tarfile,
     members in order, grouped into samples by key (the name up to the first dot of its base name; a new sample
     when the key changes or an extension repeats), keeping the samples with an image (jpg/png/jpeg/webp) and a txt,
     as OpenCLIP's filter does;
  2. trains the tiny CLIP-shaped model of scripts/tiny_clip.py from its seeded random weights for a few steps with
     CLIP's symmetric InfoNCE loss (cross-entropy of the image-to-text and text-to-image similarity logits, learnt
     temperature) on the samples' captions;
  3. writes the ONNX folder `nearlab model add MODEL` reads (scripts/clip_onnx.py, as scripts/openclip-to-onnx.py
     does for a real OpenCLIP checkpoint), and MODEL/training.json with the loss over all samples before and after.

Prints one JSON line (samples, shards, steps, loss before and after). Needs Debian's python3-torch and python3-pil.
"""

import argparse
import io
import json
import math
import os
import re
import sys
import tarfile

import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_onnx  # noqa: E402
import tiny_clip  # noqa: E402

IMAGE_EXTENSIONS = ("jpg", "png", "jpeg", "webp")  # OpenCLIP's DEFAULT_IMAGE_KEY, in its order
BRACES = re.compile(r"\{(\d+)\.\.(\d+)\}")


def expand(pattern):
    """braceexpand's {000000..000009} ranges (zero-padding kept), as webdataset expands --train-data."""
    m = BRACES.search(pattern)
    if not m:
        return [pattern]
    a, b = m.group(1), m.group(2)
    width = len(a) if a.startswith("0") else 0
    head, tail = pattern[: m.start()], pattern[m.end() :]
    return [p for i in range(int(a), int(b) + 1) for p in expand(f"{head}{str(i).zfill(width)}{tail}")]


def base_plus_ext(name):
    """webdataset's split of a member name: key (directory and base name up to its first dot) and extension."""
    m = re.match(r"^((?:.*/|)[^.]+)[.]([^/]*)$", name)
    return (m.group(1), m.group(2).lower()) if m else (None, None)


def samples_of(shard):
    """The shard's samples in order, as webdataset's group_by_keys makes them: dicts of extension -> bytes."""
    current = None
    with tarfile.open(shard, "r") as tar:
        for member in tar:
            if not member.isfile():
                continue
            key, ext = base_plus_ext(member.name)
            if key is None:
                continue
            if current is None or key != current["__key__"] or ext in current:
                if current is not None:
                    yield current
                current = {"__key__": key}
            current[ext] = tar.extractfile(member).read()
    if current is not None:
        yield current


def load(pattern):
    shards = expand(pattern)
    images, captions, keys = [], [], []
    for shard in shards:
        for s in samples_of(shard):
            ext = next((e for e in IMAGE_EXTENSIONS if e in s), None)
            if ext is None or "txt" not in s:
                continue  # OpenCLIP's filter_no_caption_or_no_image
            images.append(tiny_clip.preprocess(Image.open(io.BytesIO(s[ext]))))
            captions.append(s["txt"].decode("utf-8"))
            keys.append(s["__key__"])
    if not keys:
        raise SystemExit(f"cluster-standin: no image-caption samples in {pattern}")
    if len(set(keys)) != len(keys):
        raise SystemExit("cluster-standin: a key occurs in two samples: the shards are not in key order")
    return shards, torch.stack(images), captions


def clip_loss(vision, text, logit_scale, pixels, ids, mask):
    """CLIP's symmetric InfoNCE: the i-th image and i-th caption are the positives of row and column i."""
    image = F.normalize(vision(pixels)[0], dim=-1)
    caption = F.normalize(text(ids, mask)[0], dim=-1)
    logits = logit_scale.exp() * image @ caption.t()
    labels = torch.arange(len(pixels))
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train-data", required=True, help="shard path or brace pattern, as OpenCLIP's")
    parser.add_argument("--out", required=True, help="the ONNX model folder to write")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=tiny_clip.SEED)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    shards, pixels, captions = load(args.train_data)
    tok = tiny_clip.tokenizer()
    ids, mask = tok.batch(captions)
    vision = tiny_clip.VisionModel()
    text = tiny_clip.TextModel(len(tok.vocab))
    logit_scale = torch.nn.Parameter(torch.tensor(math.log(1 / 0.07)))  # CLIP's initial temperature
    params = [*vision.parameters(), *text.parameters(), logit_scale]
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.1)

    def eval_loss():
        vision.eval(), text.eval()
        with torch.no_grad():
            return clip_loss(vision, text, logit_scale, pixels, ids, mask).item()

    before = eval_loss()
    n = len(captions)
    batch = min(args.batch_size, n)
    order = torch.randperm(n)
    vision.train(), text.train()
    for step in range(args.steps):
        start = (step * batch) % n
        if start + batch > n:
            order, start = torch.randperm(n), 0
        idx = order[start : start + batch]
        loss = clip_loss(vision, text, logit_scale, pixels[idx], ids[idx], mask[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            logit_scale.clamp_(0, math.log(100))  # as OpenCLIP clamps it
    after = eval_loss()

    scale = round(logit_scale.exp().item(), 4)
    tiny_clip.write_folder(args.out, vision.eval(), text.eval(), tok, pixels[:2], ids[:2], mask[:2], scale)
    report = {
        "samples": n,
        "shards": len(shards),
        "steps": args.steps,
        "batchSize": batch,
        "lossBefore": round(before, 4),
        "lossAfter": round(after, 4),
        "logitScale": scale,
    }
    clip_onnx.write_json(os.path.join(args.out, "training.json"), report)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
