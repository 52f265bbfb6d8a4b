"""A stand-in for the open_clip package, just large enough for scripts/openclip-to-onnx.py: the API it calls
(create_model_and_transforms, get_tokenizer, get_model_preprocess_cfg, tokenizer.SimpleTokenizer,
transformer.text_global_pool) over the tiny CLIP-shaped model of scripts/tiny_clip.py, shaped as open_clip's CLIP is
(encode_image/encode_text, text pooled by text_global_pool at the argmax of the ids, ids padded with 0, special tokens
<start_of_text>/<end_of_text>). open_clip itself is not installed on the test machines.
"""

import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "scripts"))

from . import model as _model  # noqa: E402
from .tokenizer import SimpleTokenizer  # noqa: E402


def create_model_and_transforms(model_name, pretrained=None, **kwargs):
    torch.manual_seed(5)
    m = _model.CLIP()
    if pretrained and os.path.isfile(pretrained):
        m.load_state_dict(torch.load(pretrained)["state_dict"])
    return m, None, None


def get_tokenizer(model_name):
    return SimpleTokenizer()


def get_model_preprocess_cfg(model):
    return dict(model.visual.preprocess_cfg)
