"""PyTorch twin of Nearlab's reference dual encoder, timed on the same shapes as train.bench.ts.

Image tower: 4 x [conv3x3 pad 1 (no bias) -> BatchNorm -> ReLU -> maxpool 2] with 32/64/128/256
channels on 64x64 RGB, global average pool, linear -> d, L2 normalisation. Text tower: mean of token
embeddings (EmbeddingBag) -> linear 256 -> ReLU -> linear d -> L2 normalisation. Symmetric InfoNCE with a
learnable logit scale, AdamW. Prints one JSON object: {"samplesPerSec": ..., "threads": ..., ...}.
Run with Debian's interpreter: /usr/bin/python3 test/bench/train_torch.py --threads 2
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ImageTower(nn.Module):
    def __init__(self, widths, dim):
        super().__init__()
        layers = []
        cin = 3
        for w in widths:
            layers += [nn.Conv2d(cin, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU(), nn.MaxPool2d(2)]
            cin = w
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(cin, dim)

    def forward(self, x):
        h = self.features(x).mean(dim=(2, 3))
        return F.normalize(self.head(h), dim=1)


class TextTower(nn.Module):
    def __init__(self, vocab, embed, hidden, dim):
        super().__init__()
        self.emb = nn.EmbeddingBag(vocab, embed, mode="mean")
        self.fc1 = nn.Linear(embed, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, ids, offsets):
        return F.normalize(self.fc2(F.relu(self.fc1(self.emb(ids, offsets)))), dim=1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--dim", type=int, default=128)
    p.add_argument("--vocab", type=int, default=6000)
    p.add_argument("--tokens", type=int, default=32)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--seconds", type=float, default=15.0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    img = ImageTower([32, 64, 128, 256], a.dim)
    txt = TextTower(a.vocab, 128, 256, a.dim)
    logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
    params = list(img.parameters()) + list(txt.parameters()) + [logit_scale]
    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.05)
    b = a.batch
    x = torch.rand(b, 3, a.size, a.size)
    ids = torch.randint(0, a.vocab, (b * a.tokens,))
    offsets = torch.arange(0, b * a.tokens, a.tokens)
    labels = torch.arange(b)

    def step():
        opt.zero_grad(set_to_none=True)
        i = img(x)
        t = txt(ids, offsets)
        logits = logit_scale.clamp(max=math.log(100)).exp() * i @ t.t()
        loss = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    steps = 0
    start = time.perf_counter()
    while time.perf_counter() - start < a.seconds:
        step()
        steps += 1
    elapsed = time.perf_counter() - start
    print(json.dumps({
        "samplesPerSec": steps * b / elapsed,
        "steps": steps,
        "seconds": elapsed,
        "threads": a.threads,
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
