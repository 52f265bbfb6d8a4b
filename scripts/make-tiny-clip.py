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

Everything is seeded: running it again writes the same weights, ids and expected vectors.
"""

import json
import math
import os
import re
import sys
import unicodedata

import numpy as np
import torch
from PIL import Image
from torch import nn

SEED = 11
IMAGE_SIZE = 32
PATCH = 8
WIDTH = 32
HEADS = 2
LAYERS = 1
PROJECTION_DIM = 16
MAX_LENGTH = 24  # text positions (real CLIP: 77)
LOGIT_SCALE = math.log(50.0)  # of the combined export (real CLIP: log 100)
MERGES = 160
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]

# --- tokenizer -------------------------------------------------------------------------------------------------

SOT = "<|startoftext|>"
EOT = "<|endoftext|>"
# CLIP's pre-tokenizer pattern (tokenizer.json holds it verbatim). Python's re has no \p{L}/\p{N}: the reference
# encoder below uses [^\W\d_] (letters) and \d (digits), which agree with it on the test strings.
CLIP_PATTERN = r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"
PY_PATTERN = re.compile(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|[^\s\w]+|_+")

CORPUS = """
a photo of a red square. a photo of a green disc. a photo of a blue bar. a yellow square on white.
a picture of a cat, a dog and a car. the red apple is on the table. a smiling face with heart eyes.
an emoji of a grinning face. a small blue circle and a large green triangle. flags, animals, food and drink.
the quick brown fox jumps over the lazy dog. photos of mountains, rivers, trees and flowers at sunset.
"""


def bytes_to_unicode():
    """GPT-2/CLIP's reversible map of the 256 bytes to printable characters, in CLIP's order."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_CHARS = bytes_to_unicode()


def normalize(text):
    """tokenizer.json's normalizer: NFC, runs of white space to one space, lower case."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).lower()


def pre_tokenize(text):
    return ["".join(BYTE_CHARS[b] for b in w.encode("utf-8")) for w in PY_PATTERN.findall(normalize(text))]


def word_symbols(word):
    return list(word[:-1]) + [word[-1] + "</w>"]


def learn_merges(corpus, count):
    """Plain BPE training on the corpus's words (with CLIP's end-of-word suffix): the `count` most frequent pairs."""
    words = {}
    for w in pre_tokenize(corpus):
        key = tuple(word_symbols(w))
        words[key] = words.get(key, 0) + 1
    merges = []
    for _ in range(count):
        pairs = {}
        for symbols, f in words.items():
            for a, b in zip(symbols, symbols[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + f
        if not pairs:
            break
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        merges.append(best)
        merged = {}
        for symbols, f in words.items():
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == best:
                    out.append(symbols[i] + symbols[i + 1])
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + f
        words = merged
    return merges


def build_vocab(merges):
    """CLIP's id order: the 256 byte characters, the same with </w>, the merges, then the two special tokens."""
    chars = list(BYTE_CHARS.values())
    tokens = chars + [c + "</w>" for c in chars] + ["".join(m) for m in merges]
    vocab = {}
    for t in tokens:
        vocab.setdefault(t, len(vocab))
    vocab[SOT] = len(vocab)
    vocab[EOT] = len(vocab)
    return vocab


class ReferenceTokenizer:
    """CLIP's BPE as the Hugging Face tokenizer.json below describes it: the reference for the JavaScript side."""

    def __init__(self, vocab, merges, max_length):
        self.vocab = vocab
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.max_length = max_length

    def bpe(self, word):
        symbols = word_symbols(word)
        while len(symbols) > 1:
            pairs = [(self.ranks.get(p, math.inf), i) for i, p in enumerate(zip(symbols, symbols[1:]))]
            rank, i = min(pairs)
            if rank == math.inf:
                break
            symbols = symbols[:i] + [symbols[i] + symbols[i + 1]] + symbols[i + 2 :]
        return symbols

    def encode(self, text):
        """Token ids with <|startoftext|> and <|endoftext|>, truncated to max_length (the end token kept)."""
        ids = [self.vocab.get(s, self.vocab[EOT]) for w in pre_tokenize(text) for s in self.bpe(w)]
        ids = ids[: self.max_length - 2]
        return [self.vocab[SOT]] + ids + [self.vocab[EOT]]

    def batch(self, texts):
        """input_ids and attention_mask padded with <|endoftext|> to max_length."""
        rows = [self.encode(t) for t in texts]
        ids = [r + [self.vocab[EOT]] * (self.max_length - len(r)) for r in rows]
        mask = [[1] * len(r) + [0] * (self.max_length - len(r)) for r in rows]
        return torch.tensor(ids, dtype=torch.int64), torch.tensor(mask, dtype=torch.int64)


def tokenizer_json(vocab, merges):
    special = lambda i, t: {  # noqa: E731
        "id": i,
        "content": t,
        "single_word": False,
        "lstrip": False,
        "rstrip": False,
        "normalized": True,
        "special": True,
    }
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(vocab[SOT], SOT), special(vocab[EOT], EOT)],
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {"type": "NFC"},
                {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "},
                {"type": "Lowercase"},
            ],
        },
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": CLIP_PATTERN}, "behavior": "Removed", "invert": True},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
            ],
        },
        "post_processor": {
            "type": "RobertaProcessing",
            "sep": [EOT, vocab[EOT]],
            "cls": [SOT, vocab[SOT]],
            "trim_offsets": False,
            "add_prefix_space": False,
        },
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": EOT,
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "</w>",
            "fuse_unk": False,
            "byte_fallback": False,
            "vocab": vocab,
            "merges": [f"{a} {b}" for a, b in merges],
        },
    }


# --- model -----------------------------------------------------------------------------------------------------


class QuickGelu(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Layer(nn.Module):
    """A CLIP encoder layer: pre-norm self-attention and MLP, each with a residual."""

    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(WIDTH)
        self.qkv = nn.Linear(WIDTH, 3 * WIDTH)
        self.out = nn.Linear(WIDTH, WIDTH)
        self.ln2 = nn.LayerNorm(WIDTH)
        self.mlp = nn.Sequential(nn.Linear(WIDTH, 4 * WIDTH), QuickGelu(), nn.Linear(4 * WIDTH, WIDTH))

    def forward(self, x, bias):
        b, n, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).reshape(b, n, 3, HEADS, WIDTH // HEADS).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(WIDTH // HEADS) + bias
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, n, WIDTH)
        x = x + self.out(y)
        return x + self.mlp(self.ln2(x))


class VisionModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch = nn.Conv2d(3, WIDTH, PATCH, PATCH, bias=False)
        self.cls = nn.Parameter(torch.randn(WIDTH) * 0.2)
        self.pos = nn.Parameter(torch.randn((IMAGE_SIZE // PATCH) ** 2 + 1, WIDTH) * 0.2)
        self.pre_ln = nn.LayerNorm(WIDTH)
        self.layers = nn.ModuleList([Layer() for _ in range(LAYERS)])
        self.post_ln = nn.LayerNorm(WIDTH)
        self.proj = nn.Linear(WIDTH, PROJECTION_DIM, bias=False)

    def forward(self, pixel_values):
        x = self.patch(pixel_values).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], 1, WIDTH), x], dim=1) + self.pos
        x = self.pre_ln(x)
        for layer in self.layers:
            x = layer(x, 0.0)
        return self.proj(self.post_ln(x[:, 0])), x


class TextModel(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, WIDTH)
        self.pos = nn.Parameter(torch.randn(MAX_LENGTH, WIDTH) * 0.2)
        self.layers = nn.ModuleList([Layer() for _ in range(LAYERS)])
        self.final_ln = nn.LayerNorm(WIDTH)
        self.proj = nn.Linear(WIDTH, PROJECTION_DIM, bias=False)

    def forward(self, input_ids, attention_mask):
        n = input_ids.shape[1]
        x = self.tok(input_ids) + self.pos[:n]
        causal = torch.triu(torch.full((n, n), -1e9), diagonal=1)
        padding = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * -1e9
        for layer in self.layers:
            x = layer(x, causal + padding)
        x = self.final_ln(x)
        # Like CLIP: the end-of-text token has the highest id; argmax on int32 (ONNX Runtime's ArgMax takes it).
        eot = input_ids.to(torch.int32).argmax(dim=-1)
        pooled = x[torch.arange(x.shape[0]), eot]
        return self.proj(pooled), x


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


def pixel_values(rgb):
    """CLIP's preprocessing of an image already at 32x32: rescale to [0, 1], normalise, channels first."""
    x = torch.tensor(rgb, dtype=torch.float32) / 255.0
    x = (x - torch.tensor(MEAN)) / torch.tensor(STD)
    return x.permute(2, 0, 1)


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1, ensure_ascii=False)
        f.write("\n")


def export(model, args, path, input_names, output_names, dynamic_axes):
    torch.onnx.export(
        model,
        args,
        path,
        input_names=input_names,
        output_names=output_names,
        dynamic_axes=dynamic_axes,
        opset_version=14,
        do_constant_folding=True,
    )


def main():
    default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "tiny-clip")
    out = os.path.normpath(sys.argv[1] if len(sys.argv) > 1 else default)
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    torch.manual_seed(SEED)

    merges = learn_merges(CORPUS, MERGES)
    vocab = build_vocab(merges)
    tokenizer = ReferenceTokenizer(vocab, merges, MAX_LENGTH)
    write_json(os.path.join(out, "tokenizer.json"), tokenizer_json(vocab, merges))
    write_json(
        os.path.join(out, "tokenizer_config.json"),
        {
            "tokenizer_class": "CLIPTokenizer",
            "model_max_length": MAX_LENGTH,
            "bos_token": SOT,
            "eos_token": EOT,
            "pad_token": EOT,
            "unk_token": EOT,
            "do_lower_case": True,
        },
    )
    write_json(
        os.path.join(out, "preprocessor_config.json"),
        {
            "do_resize": True,
            "size": {"shortest_edge": IMAGE_SIZE},
            "do_center_crop": True,
            "crop_size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE},
            "do_rescale": True,
            "rescale_factor": 1 / 255,
            "do_normalize": True,
            "image_mean": MEAN,
            "image_std": STD,
            "do_convert_rgb": True,
            "resample": 3,
            "image_processor_type": "CLIPImageProcessor",
        },
    )
    write_json(
        os.path.join(out, "config.json"),
        {
            "architectures": ["CLIPModel"],
            "model_type": "clip",
            "projection_dim": PROJECTION_DIM,
            "logit_scale_init_value": 2.6592,
            "text_config": {
                "model_type": "clip_text_model",
                "vocab_size": len(vocab),
                "hidden_size": WIDTH,
                "num_attention_heads": HEADS,
                "num_hidden_layers": LAYERS,
                "max_position_embeddings": MAX_LENGTH,
                "bos_token_id": vocab[SOT],
                "eos_token_id": vocab[EOT],
                "pad_token_id": vocab[EOT],
            },
            "vision_config": {
                "model_type": "clip_vision_model",
                "image_size": IMAGE_SIZE,
                "patch_size": PATCH,
                "hidden_size": WIDTH,
                "num_attention_heads": HEADS,
                "num_hidden_layers": LAYERS,
            },
        },
    )

    vision = VisionModel().eval()
    text = TextModel(len(vocab)).eval()
    images = test_images()
    for name, rgb in images.items():
        Image.fromarray(rgb, "RGB").save(os.path.join(out, "images", name))
    pixels = torch.stack([pixel_values(rgb) for rgb in images.values()])
    texts = ["A photo of a red disc.", "Yellow squares, blue bars & 3 green flowers!"]
    ids, mask = tokenizer.batch(texts)
    with torch.no_grad():
        export(
            vision,
            (pixels,),
            os.path.join(out, "onnx", "vision_model.onnx"),
            ["pixel_values"],
            ["image_embeds", "last_hidden_state"],
            {"pixel_values": {0: "batch_size"}, "image_embeds": {0: "batch_size"}, "last_hidden_state": {0: "batch_size"}},
        )
        export(
            text,
            (ids, mask),
            os.path.join(out, "onnx", "text_model.onnx"),
            ["input_ids", "attention_mask"],
            ["text_embeds", "last_hidden_state"],
            {
                "input_ids": {0: "batch_size", 1: "sequence_length"},
                "attention_mask": {0: "batch_size", 1: "sequence_length"},
                "text_embeds": {0: "batch_size"},
                "last_hidden_state": {0: "batch_size", 1: "sequence_length"},
            },
        )
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
            "tokens": [{"text": s, "ids": tokenizer.encode(s)} for s in token_strings],
            "images": [
                {"file": f"images/{name}", "embedding": [round(v, 7) for v in image_embeds[i].tolist()]}
                for i, name in enumerate(images)
            ],
            "texts": [
                {"text": t, "ids": tokenizer.encode(t), "embedding": [round(v, 7) for v in text_embeds[i].tolist()]}
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
