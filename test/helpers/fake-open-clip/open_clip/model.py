import math

import tiny_clip
import torch
from torch import nn

from .transformer import text_global_pool


class CLIP(nn.Module):
    """open_clip's CLIP interface over the tiny towers: the text path as open_clip's _encode_text runs it."""

    def __init__(self):
        super().__init__()
        self.visual = tiny_clip.VisionModel()
        self.visual.preprocess_cfg = {
            "size": tiny_clip.IMAGE_SIZE,
            "mean": tuple(tiny_clip.MEAN),
            "std": tuple(tiny_clip.STD),
            "interpolation": "bicubic",
            "resize_mode": "shortest",
        }
        self.text = tiny_clip.TextModel(len(tiny_clip.tokenizer().vocab))
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def encode_image(self, image, normalize=False):
        return self.visual(image)[0]

    def encode_text(self, text, normalize=False):
        t = self.text
        n = text.shape[1]
        x = t.tok(text) + t.pos  # added whole, as open_clip's CLIP does
        causal = torch.triu(torch.full((n, n), -1e9), diagonal=1)
        for layer in t.layers:
            x = layer(x, causal)
        x = text_global_pool(t.final_ln(x), text, "argmax")
        return t.proj(x)
