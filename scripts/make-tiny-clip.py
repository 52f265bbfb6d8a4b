#!/usr/bin/python3
"""Makes test/fixtures/tiny-clip: a tiny CLIP-shaped model with random weights, in the Hugging Face layout.

The folder has what a Hugging Face/Optimum-style export of CLIP has, in miniature:
  onnx/vision_model.onnx     pixel_values float32 [batch, 3, 32, 32] -> image_embeds [batch, 16], last_hidden_state
  onnx/text_model.onnx       input_ids int64 [batch, seq], attention_mask -> text_embeds [batch, 16], last_hidden_state
  tokenizer.json             a CLIP-style byte-level BPE (Hugging Face tokenizers JSON), a few hundred tokens
  tokenizer_config.json      model_max_length and the special tokens
  preprocessor_config.json   CLIP's image preprocessing keys
  config.json                model_type 'clip', projection_dim, text/vision configs
  images/*.png               two 32x32 test images
  expected.json              token ids and torch's embeddings of the test images and texts (the reference)
and, beside it in OUT-variants/, encoders that are wrong on purpose for the tests of bad folders:
  vision_model_nhwc.onnx     pixel_values channels last [batch, 32, 32, 3] (the wrong input shape)
and the same two towers in one graph, as `optimum-cli export onnx` writes a CLIP (its CLIPModel export):
  model.onnx                 input_ids, pixel_values, attention_mask -> logits_per_image, logits_per_text,
                             text_embeds, image_embeds (unit length), with logit scale exp(LOGIT_SCALE) = 50

Like CLIP, the text model pools at the end-of-text token, the highest id, found with argmax(input_ids), so the
tokenizer matters. Run with Debian's python3 and python3-torch (1.13, its legacy ONNX exporter):

  /usr/bin/python3 scripts/make-tiny-clip.py [OUT]      (default OUT: test/fixtures/tiny-clip)

Everything is seeded: running it again writes the same weights, ids and expected vectors. The model, tokenizer and
folder writing live in scripts/tiny_clip.py and scripts/clip_onnx.py (shared with scripts/cluster-standin.py).
"""

import os
import sys

import numpy as np
import torch
from PIL import Image
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clip_onnx import export, write_json  # noqa: E402
from tiny_clip import (  # noqa: E402
    IMAGE_SIZE,
    LOGIT_SCALE,
    MAX_LENGTH,
    PROJECTION_DIM,
    SEED,
    TextModel,
    VisionModel,
    pixel_values,
    tokenizer,
    write_folder,
)

# --- variants --------------------------------------------------------------------------------------------------


class ChannelsLastVision(nn.Module):
    """A vision model taking channels-last images (TensorFlow's layout): not what a CLIP export takes."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(3, PROJECTION_DIM)

    def forward(self, pixel_values):
        return self.proj(pixel_values.mean(dim=(1, 2)))


class CombinedClip(nn.Module):
    """Both towers in one graph with CLIP's outputs: what Optimum's export of a CLIPModel looks like."""

    def __init__(self, vision, text):
        super().__init__()
        self.vision = vision
        self.text = text
        self.logit_scale = nn.Parameter(torch.tensor(LOGIT_SCALE))

    def forward(self, input_ids, pixel_values, attention_mask):
        image = self.vision(pixel_values)[0]
        text = self.text(input_ids, attention_mask)[0]
        image = image / image.norm(dim=-1, keepdim=True)
        text = text / text.norm(dim=-1, keepdim=True)
        logits_per_text = self.logit_scale.exp() * text @ image.t()
        return logits_per_text.t(), logits_per_text, text, image


# --- files -----------------------------------------------------------------------------------------------------


def test_images():
    """Two 32x32 RGB images: a red disc on white and a blue-green gradient."""
    y, x = np.mgrid[0:IMAGE_SIZE, 0:IMAGE_SIZE]
    disc = np.full((IMAGE_SIZE, IMAGE_SIZE, 3), 255, np.uint8)
    disc[(x - 15.5) ** 2 + (y - 13.5) ** 2 < 81] = [220, 30, 30]
    gradient = np.stack([x * 4, 120 + y * 3, 255 - x * 6], axis=-1).clip(0, 255).astype(np.uint8)
    return {"red-disc.png": disc, "gradient.png": gradient}


def main():
    default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "tiny-clip")
    out = os.path.normpath(sys.argv[1] if len(sys.argv) > 1 else default)
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    torch.manual_seed(SEED)

    tok = tokenizer()
    vocab = tok.vocab
    vision = VisionModel().eval()
    text = TextModel(len(vocab)).eval()
    images = test_images()
    for name, rgb in images.items():
        Image.fromarray(rgb, "RGB").save(os.path.join(out, "images", name))
    pixels = torch.stack([pixel_values(rgb) for rgb in images.values()])
    texts = ["A photo of a red disc.", "Yellow squares, blue bars & 3 green flowers!"]
    ids, mask = tok.batch(texts)
    write_folder(out, vision, text, tok, pixels, ids, mask)
    with torch.no_grad():
        image_embeds = vision(pixels)[0]
        text_embeds = text(ids, mask)[0]

    token_strings = [
        "a photo of a cat",
        "The RED   apple\tis on the table.",
        "flags, animals & food: 42 emoji!",
        "you'll see it's the dog's",
        "unwantéd café",
        " ".join(["a red square"] * 12),
    ]
    write_json(
        os.path.join(out, "expected.json"),
        {
            "about": "Made by scripts/make-tiny-clip.py with torch: token ids of its reference tokenizer, and the "
            "unnormalised embeddings of the test images and texts.",
            "maxLength": MAX_LENGTH,
            "vocabSize": len(vocab),
            "tokens": [{"text": s, "ids": tok.encode(s)} for s in token_strings],
            "images": [
                {"file": f"images/{name}", "embedding": [round(v, 7) for v in image_embeds[i].tolist()]}
                for i, name in enumerate(images)
            ],
            "texts": [
                {"text": t, "ids": tok.encode(t), "embedding": [round(v, 7) for v in text_embeds[i].tolist()]}
                for i, t in enumerate(texts)
            ],
        },
    )
    variants = out.rstrip("/") + "-variants"
    os.makedirs(variants, exist_ok=True)
    with torch.no_grad():
        export(
            ChannelsLastVision().eval(),
            (pixels.permute(0, 2, 3, 1),),
            os.path.join(variants, "vision_model_nhwc.onnx"),
            ["pixel_values"],
            ["image_embeds"],
            {"pixel_values": {0: "batch_size"}, "image_embeds": {0: "batch_size"}},
        )
    with torch.no_grad():
        export(
            CombinedClip(vision, text).eval(),
            (ids, pixels, mask),
            os.path.join(variants, "model.onnx"),
            ["input_ids", "pixel_values", "attention_mask"],
            ["logits_per_image", "logits_per_text", "text_embeds", "image_embeds"],
            {
                "input_ids": {0: "text_batch_size", 1: "sequence_length"},
                "pixel_values": {0: "image_batch_size"},
                "attention_mask": {0: "text_batch_size", 1: "sequence_length"},
                "logits_per_image": {0: "image_batch_size", 1: "text_batch_size"},
                "logits_per_text": {0: "text_batch_size", 1: "image_batch_size"},
                "text_embeds": {0: "text_batch_size"},
                "image_embeds": {0: "image_batch_size"},
            },
        )
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
    print(f"wrote {out}: vocabulary {len(vocab)} tokens, {total} bytes")


if __name__ == "__main__":
    main()
