"""The tiny CLIP-shaped model and tokenizer of the tests, shared by scripts/make-tiny-clip.py (the committed
fixture test/fixtures/tiny-clip, random weights) and scripts/cluster-standin.py (the same model trained a few steps on
a WebDataset export, standing in for an OpenCLIP cluster job).

A CLIP in miniature: a ViT vision tower on 32x32 images (8x8 patches) and a causal text transformer that pools at
the end-of-text token (the highest id, found with argmax), both projected to 16 dimensions; a CLIP-style byte-level
BPE learnt on a small corpus. Needs Debian's python3-torch (1.13) and python3-pil.
"""

import math
import os
import re
import unicodedata

import numpy as np
import torch
from torch import nn

import clip_onnx

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
# CLIP's pre-tokenizer pattern is clip_onnx.CLIP_WORDS after the special tokens (tokenizer.json holds it verbatim).
# Python's re has no \p{L}/\p{N}: the reference encoder below uses [^\W\d_] (letters) and \d (digits), which agree
# with it on the test strings.
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
        self.merges = merges
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


def pixel_values(rgb):
    """CLIP's preprocessing of an image already at 32x32: rescale to [0, 1], normalise, channels first."""
    x = torch.tensor(rgb, dtype=torch.float32) / 255.0
    x = (x - torch.tensor(MEAN)) / torch.tensor(STD)
    return x.permute(2, 0, 1)


def preprocess(image):
    """CLIP's preprocessing of a PIL image: RGB, short side resized to IMAGE_SIZE (bicubic), centre crop, then
    pixel_values; what preprocessor_config.json tells Nearlab to do."""
    from PIL import Image

    image = image.convert("RGB")
    w, h = image.size
    scale = IMAGE_SIZE / min(w, h)
    image = image.resize((max(IMAGE_SIZE, round(w * scale)), max(IMAGE_SIZE, round(h * scale))), Image.BICUBIC)
    w, h = image.size
    left, top = (w - IMAGE_SIZE) // 2, (h - IMAGE_SIZE) // 2
    return pixel_values(np.asarray(image.crop((left, top, left + IMAGE_SIZE, top + IMAGE_SIZE))))


def tokenizer():
    """The fixture's tokenizer: BPE merges learnt on CORPUS, CLIP's id order."""
    merges = learn_merges(CORPUS, MERGES)
    vocab = build_vocab(merges)
    return ReferenceTokenizer(vocab, merges, MAX_LENGTH)


def write_folder(out, vision, text, tok, pixels, ids, mask, logit_scale=None):
    """The model folder `nearlab model add` reads: tokenizer, preprocessing, config.json and the two towers.
    `logit_scale`: the trained zero-shot scale (exp of the learnt log scale) for config.json, when there is one."""
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    vocab, merges = tok.vocab, tok.merges
    clip_onnx.write_tokenizer_files(out, vocab, merges, SOT, EOT, MAX_LENGTH)
    clip_onnx.write_json(
        os.path.join(out, "preprocessor_config.json"), clip_onnx.preprocessor_config(IMAGE_SIZE, MEAN, STD)
    )
    config = {
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
    }
    if logit_scale is not None:
        config["logit_scale"] = logit_scale
    clip_onnx.write_json(os.path.join(out, "config.json"), config)
    with torch.no_grad():
        clip_onnx.export_vision(
            vision, pixels, os.path.join(out, "onnx", "vision_model.onnx"), extra_outputs=["last_hidden_state"]
        )
        clip_onnx.export_text(
            text, ids, mask, os.path.join(out, "onnx", "text_model.onnx"), extra_outputs=["last_hidden_state"]
        )
