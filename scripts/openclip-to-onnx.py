#!/usr/bin/env python3
"""Exports an OpenCLIP model (a checkpoint of open_clip_train, or a pretrained tag) to the ONNX folder Nearlab reads.

  pip install open_clip_torch torch
  python scripts/openclip-to-onnx.py --model ViT-B-32 --checkpoint logs/NAME/checkpoints/epoch_10.pt --out my-clip
  nearlab model add my-clip

Writes the Hugging Face/Optimum layout (scripts/clip_onnx.py, shared with the tests' stand-in):
  onnx/vision_model.onnx     pixel_values [batch, 3, S, S] -> image_embeds [batch, d]   (model.encode_image)
  onnx/text_model.onnx       input_ids [batch, 77] -> text_embeds [batch, d]            (model.encode_text)
  tokenizer.json, tokenizer_config.json   open_clip's CLIP BPE (its vocabulary, merges and special tokens)
  preprocessor_config.json   the model's preprocess config (size, mean, std, interpolation)
  config.json                model_type clip, projection_dim

For models with open_clip's own CLIP tokenizer (SimpleTokenizer: the OpenAI-style ViT and ConvNeXt CLIPs); models
with a Hugging Face tokenizer (SigLIP, XLM-R, ...) are refused with a message. The text tower pools at the end
token, the highest id; its argmax is taken on int32 ids, which ONNX Runtime's ArgMax takes (not on int64). When
onnxruntime is installed, the export is checked against torch on a batch of two images and texts.

open_clip is not installed on Nearlab's test machines: this file is written from open_clip's source (factory,
model.py's encode_image/encode_text, transformer.py's text_global_pool, tokenizer.py's SimpleTokenizer) and its
ONNX writing is the part the tests run, through scripts/cluster-standin.py.
"""

import argparse
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_onnx  # noqa: E402


class Vision(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        return self.model.encode_image(pixel_values)


class Text(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids):
        return self.model.encode_text(input_ids)


def pool_on_int32():
    """text_global_pool's argmax on int32 ids: same index, and an ArgMax that ONNX Runtime runs."""
    import open_clip.model as model_module
    import open_clip.transformer as transformer_module

    original = getattr(transformer_module, "text_global_pool", None)
    if original is None:
        return  # an older open_clip pools inline

    def pool(x, text=None, pool_type="argmax", eos_token_id=None):
        if text is not None and pool_type == "argmax":
            text = text.to(torch.int32)
        return original(x, text, pool_type, eos_token_id)

    for module in (model_module, transformer_module):
        if hasattr(module, "text_global_pool"):
            module.text_global_pool = pool


def sizes(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="open_clip model name, e.g. ViT-B-32")
    parser.add_argument("--checkpoint", help="a checkpoint file of open_clip_train (epoch_N.pt)")
    parser.add_argument("--pretrained", help="or a pretrained tag, e.g. laion2b_s34b_b79k")
    parser.add_argument("--out", required=True, help="the folder to write")
    args = parser.parse_args()
    if bool(args.checkpoint) == bool(args.pretrained):
        parser.error("give one of --checkpoint and --pretrained")

    import open_clip
    from open_clip.tokenizer import SimpleTokenizer

    model, _, _ = open_clip.create_model_and_transforms(args.model, pretrained=args.checkpoint or args.pretrained)
    model.eval()
    tokenizer = open_clip.get_tokenizer(args.model)
    if not isinstance(tokenizer, SimpleTokenizer):
        sys.exit(f"{args.model} uses {type(tokenizer).__name__}, not open_clip's CLIP tokenizer: not supported here")
    pool_on_int32()

    cfg = open_clip.get_model_preprocess_cfg(model)
    height, width = sizes(cfg["size"])
    if height != width:
        sys.exit(f"{args.model} takes {height}x{width} images; Nearlab's CLIP preprocessing crops squares")
    interpolation = cfg.get("interpolation", "bicubic")
    if cfg.get("resize_mode", "shortest") != "shortest":
        print(f"note: {args.model} resizes with {cfg['resize_mode']}; Nearlab resizes the short side and crops")

    sot = tokenizer.decoder[tokenizer.sot_token_id]
    eot = tokenizer.decoder[tokenizer.eot_token_id]
    merges = sorted(tokenizer.bpe_ranks, key=tokenizer.bpe_ranks.get)
    length = tokenizer.context_length

    os.makedirs(os.path.join(args.out, "onnx"), exist_ok=True)
    clip_onnx.write_tokenizer_files(args.out, tokenizer.encoder, merges, sot, eot, length)
    clip_onnx.write_json(
        os.path.join(args.out, "preprocessor_config.json"),
        clip_onnx.preprocessor_config(height, cfg["mean"], cfg["std"], interpolation),
    )
    pixels = torch.randn(2, 3, height, width)
    ids = tokenizer(["a photo of a cat", "a diagram"])
    vision, text = Vision(model).eval(), Text(model).eval()
    with torch.no_grad():
        image_embeds, text_embeds = vision(pixels), text(ids)
        clip_onnx.export_vision(vision, pixels, os.path.join(args.out, "onnx", "vision_model.onnx"))
        # The positional embedding is added whole: the inputs are always context_length long (model_max_length).
        clip_onnx.export_text(text, ids, None, os.path.join(args.out, "onnx", "text_model.onnx"), dynamic_length=False)
    clip_onnx.write_json(
        os.path.join(args.out, "config.json"),
        {
            "architectures": ["CLIPModel"],
            "model_type": "clip",
            "projection_dim": int(image_embeds.shape[1]),
            "logit_scale": round(model.logit_scale.exp().item(), 4),
            "text_config": {"max_position_embeddings": length, "vocab_size": len(tokenizer.encoder)},
            "vision_config": {"image_size": height},
            "open_clip": {"model": args.model, "checkpoint": args.checkpoint, "pretrained": args.pretrained},
        },
    )
    try:
        import onnxruntime as ort
    except ImportError:
        print("onnxruntime not installed: the export was not run back (pip install onnxruntime to check it)")
    else:
        for name, feed, want in [
            ("vision_model", {"pixel_values": pixels.numpy()}, image_embeds),
            ("text_model", {"input_ids": ids.numpy()}, text_embeds),
        ]:
            session = ort.InferenceSession(os.path.join(args.out, "onnx", f"{name}.onnx"))
            got = torch.from_numpy(session.run(None, feed)[0])
            error = (got - want).abs().max().item()
            print(f"{name}.onnx: largest difference from torch {error:.2e}")
            if error > 1e-3:
                sys.exit(f"{name}.onnx does not match torch (largest difference {error:.2e})")
    print(f"wrote {args.out}: add it with `nearlab model add {args.out}`")


if __name__ == "__main__":
    main()
