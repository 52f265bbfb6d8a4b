"""PyTorch twin of Nearlab's default backbone, timed on the same inputs as features.bench.ts.

torchvision's MobileNetV2 with width_mult 1.4 (the architecture of nsfwjs' mobilenet_v2_mid), random weights,
eval mode: the convolutional trunk and global average pooling (the 1792-d features Nearlab stores; the
classifier is not run, as Nearlab does not run nsfwjs' head). The images are the raw 224x224 RGB bytes of
--images, scaled to [0, 1]; batches of --batch on --threads threads, timed for about --seconds after a warm-up
batch. Prints one JSON object: {"imagesPerSec": ..., "threads": ..., "batch": ..., ...}.
Run with Debian's interpreter: /usr/bin/python3 test/bench/features_torch.py --images FILE --count N --threads 2
"""
import argparse
import json
import time

import torch
import torchvision


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=10)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    s = args.size
    raw = open(args.images, "rb").read()
    assert len(raw) == args.count * s * s * 3, "image file size does not match --count and --size"
    x = torch.frombuffer(bytearray(raw), dtype=torch.uint8).reshape(args.count, s, s, 3)
    x = x.permute(0, 3, 1, 2).float().div(255).contiguous()
    model = torchvision.models.mobilenet_v2(weights=None, width_mult=1.4).eval()
    trunk = torch.nn.Sequential(model.features, torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten())
    batches = [x[i : i + args.batch] for i in range(0, args.count - args.batch + 1, args.batch)]
    with torch.inference_mode():
        out = trunk(batches[0])
        assert out.shape == (args.batch, 1792), out.shape
        done = 0
        t0 = time.perf_counter()
        while True:
            for b in batches:
                trunk(b)
                done += b.shape[0]
            elapsed = time.perf_counter() - t0
            if elapsed >= args.seconds:
                break
    print(
        json.dumps(
            {
                "imagesPerSec": done / elapsed,
                "images": done,
                "seconds": elapsed,
                "threads": args.threads,
                "batch": args.batch,
                "torch": torch.__version__,
                "torchvision": torchvision.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
