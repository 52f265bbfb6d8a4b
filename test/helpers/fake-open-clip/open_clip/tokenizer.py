import tiny_clip
import torch

SPECIAL = {tiny_clip.SOT: "<start_of_text>", tiny_clip.EOT: "<end_of_text>"}


class SimpleTokenizer:
    """open_clip's tokenizer attributes (encoder, decoder, bpe_ranks, special ids, context_length) and call."""

    def __init__(self):
        self.reference = tiny_clip.tokenizer()
        self.encoder = {SPECIAL.get(t, t): i for t, i in self.reference.vocab.items()}
        self.decoder = {i: t for t, i in self.encoder.items()}
        self.bpe_ranks = {m: i for i, m in enumerate(self.reference.merges)}
        self.sot_token_id = self.encoder["<start_of_text>"]
        self.eot_token_id = self.encoder["<end_of_text>"]
        self.context_length = tiny_clip.MAX_LENGTH

    def __call__(self, texts):
        """Ids padded with 0 to context_length, as open_clip's tokenizer pads."""
        out = torch.zeros(len(texts), self.context_length, dtype=torch.long)
        for i, t in enumerate(texts):
            ids = self.reference.encode(t)
            out[i, : len(ids)] = torch.tensor(ids)
        return out
