import torch


def text_global_pool(x, text=None, pool_type="argmax", eos_token_id=None):
    """open_clip's pooling, the argmax branch: the features at the end token (the highest id)."""
    assert pool_type == "argmax" and text is not None
    return x[torch.arange(x.shape[0], device=x.device), text.argmax(dim=-1)]
