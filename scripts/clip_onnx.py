"""Writes a CLIP's two towers in the Hugging Face/Optimum layout that `nearlab model add FOLDER` reads.

  onnx/vision_model.onnx     pixel_values float32 [batch, 3, H, W] -> image_embeds [batch, d] (+ extra outputs)
  onnx/text_model.onnx       input_ids int64 [batch, seq] (+ attention_mask) -> text_embeds [batch, d]
  tokenizer.json             a CLIP byte-level BPE (Hugging Face tokenizers JSON) from its vocabulary and merges
  tokenizer_config.json      model_max_length and the special tokens
  preprocessor_config.json   CLIP's image preprocessing (resize the short side, centre crop, normalise)

Shared by scripts/make-tiny-clip.py (the test fixture), scripts/cluster-standin.py (the stand-in for a cluster
job) and scripts/openclip-to-onnx.py (a real OpenCLIP checkpoint). Uses torch's TorchScript-based ONNX exporter
(torch 1.13 as Debian ships it; on torch 2.x `dynamo=False` selects the same exporter).
"""

import inspect
import json
import os
import re

import torch

OPSET = 14
# CLIP's pre-tokenizer pattern after the special tokens (tokenizer.json holds it verbatim).
CLIP_WORDS = r"'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"
# preprocessor_config.json's resample: PIL's numbers, as transformers writes them.
RESAMPLE = {"nearest": 0, "bilinear": 2, "bicubic": 3}


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1, ensure_ascii=False)
        f.write("\n")


def export(model, args, path, input_names, output_names, dynamic_axes):
    """torch.onnx.export with the legacy (TorchScript) exporter at opset 14, constants folded."""
    extra = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    torch.onnx.export(
        model,
        args,
        path,
        input_names=input_names,
        output_names=output_names,
        dynamic_axes=dynamic_axes,
        opset_version=OPSET,
        do_constant_folding=True,
        **extra,
    )


def export_vision(vision, pixels, path, extra_outputs=()):
    """The vision tower: pixel_values -> image_embeds (then `extra_outputs`, e.g. last_hidden_state), batch dynamic."""
    outputs = ["image_embeds", *extra_outputs]
    axes = {"pixel_values": {0: "batch_size"}, **{name: {0: "batch_size"} for name in outputs}}
    export(vision, (pixels,), path, ["pixel_values"], outputs, axes)


def export_text(text, ids, mask, path, extra_outputs=(), dynamic_length=True):
    """The text tower: input_ids (and attention_mask unless `mask` is None) -> text_embeds (then `extra_outputs`).

    `dynamic_length=False` for a model whose positional embedding is added whole (OpenCLIP's CLIP): its inputs are
    then always as long as the traced ones, which is tokenizer_config.json's model_max_length.
    """
    names = ["input_ids"] if mask is None else ["input_ids", "attention_mask"]
    seq = {0: "batch_size", 1: "sequence_length"} if dynamic_length else {0: "batch_size"}
    axes = {name: seq for name in names}
    axes["text_embeds"] = {0: "batch_size"}
    for name in extra_outputs:
        axes[name] = seq
    export(text, (ids,) if mask is None else (ids, mask), path, names, ["text_embeds", *extra_outputs], axes)


def tokenizer_json(vocab, merges, sot, eot):
    """CLIP's tokenizer as Hugging Face tokenizers JSON: NFC, white space runs to one space, lower case; CLIP's split
    pattern; byte-level BPE with the end-of-word suffix </w>; `sot` TEXT `eot`, unknown pieces as `eot`."""
    special = lambda i, t: {  # noqa: E731
        "id": i,
        "content": t,
        "single_word": False,
        "lstrip": False,
        "rstrip": False,
        "normalized": True,
        "special": True,
    }
    pattern = f"{re.escape(sot)}|{re.escape(eot)}|{CLIP_WORDS}"
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(vocab[sot], sot), special(vocab[eot], eot)],
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
                {"type": "Split", "pattern": {"Regex": pattern}, "behavior": "Removed", "invert": True},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
            ],
        },
        "post_processor": {
            "type": "RobertaProcessing",
            "sep": [eot, vocab[eot]],
            "cls": [sot, vocab[sot]],
            "trim_offsets": False,
            "add_prefix_space": False,
        },
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": eot,
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "</w>",
            "fuse_unk": False,
            "byte_fallback": False,
            "vocab": vocab,
            "merges": [f"{a} {b}" for a, b in merges],
        },
    }


def tokenizer_config(max_length, sot, eot):
    """Padding with the end token: CLIP pools at the first end token (the highest id), so padding never counts."""
    return {
        "tokenizer_class": "CLIPTokenizer",
        "model_max_length": max_length,
        "bos_token": sot,
        "eos_token": eot,
        "pad_token": eot,
        "unk_token": eot,
        "do_lower_case": True,
    }


def preprocessor_config(size, mean, std, resample="bicubic"):
    """CLIPImageProcessor's keys: resize the short side to `size`, centre-crop size x size, rescale, normalise."""
    return {
        "do_resize": True,
        "size": {"shortest_edge": size},
        "do_center_crop": True,
        "crop_size": {"height": size, "width": size},
        "do_rescale": True,
        "rescale_factor": 1 / 255,
        "do_normalize": True,
        "image_mean": list(mean),
        "image_std": list(std),
        "do_convert_rgb": True,
        "resample": RESAMPLE[resample],
        "image_processor_type": "CLIPImageProcessor",
    }


def write_tokenizer_files(out, vocab, merges, sot, eot, max_length):
    write_json(os.path.join(out, "tokenizer.json"), tokenizer_json(vocab, merges, sot, eot))
    write_json(os.path.join(out, "tokenizer_config.json"), tokenizer_config(max_length, sot, eot))
