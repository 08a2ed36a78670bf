"""Log-linear models trained by maximum likelihood: a unigram softmax LM and bag-of-words
logistic regression.

Both are the smallest models for which "minimise the cross-entropy loss" *is* maximum likelihood:
the unigram LM learns a distribution over words (the generative case), the logistic regression a
distribution over labels given a sentence (the discriminative case).

Used in: book/maximum-likelihood
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import torch
import torch.nn as nn
import torch.nn.functional as F


class UnigramLM(nn.Module):
    """p(w) = softmax(theta)_w: one free logit per vocabulary word, no context.

    Trained by minimising the cross-entropy of observed tokens, its softmax converges to the
    relative frequencies (the closed-form MLE).
    """

    def __init__(self, vocab_size: int):
        super().__init__()
        if vocab_size < 1:
            raise ValueError(f"vocab_size must be >= 1, got {vocab_size}")
        self.logits = nn.Parameter(torch.zeros(vocab_size))  # (V,) uniform start

    def log_probs(self) -> torch.Tensor:
        return F.log_softmax(self.logits, dim=-1)  # (V,)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Mean negative log-likelihood (nats/token) of token ids ``ids`` (any shape)."""
        return -self.log_probs()[ids].mean()


@dataclass
class LogRegConfig:
    """Bag-of-words logistic regression on SST-2, and how to train it."""

    vocab_min_count: int = 2     # words seen fewer times in train map to <unk>
    max_train: int | None = None  # use only the first N training sentences (None: all)
    epochs: int = 4
    batch_size: int = 256
    lr: float = 0.02
    weight_decay: float = 0.0
    seed: int = 0

    @staticmethod
    def preset(scale: str) -> "LogRegConfig":
        """Named presets: ``smoke`` (seconds), ``book`` (the chapter), ``paper`` (longer training)."""
        presets = {
            "smoke": LogRegConfig(max_train=5000, epochs=1),
            "book": LogRegConfig(),
            "paper": LogRegConfig(epochs=10),
        }
        if scale not in presets:
            raise ValueError(f"scale must be one of {sorted(presets)}, got {scale!r}")
        return replace(presets[scale])

    def to_dict(self) -> dict:
        return asdict(self)


class BowLogisticRegression(nn.Module):
    """Logistic regression on word counts: logit = b + sum_{w in sentence} theta_w.

    An ``EmbeddingBag`` in "sum" mode computes the dot product of the count vector with the weights
    without ever materialising the (sparse) count vector.
    """

    def __init__(self, vocab_size: int, num_classes: int = 2, pad_id: int | None = 0):
        super().__init__()
        if vocab_size < 1 or num_classes < 2:
            raise ValueError(f"need vocab_size >= 1 and num_classes >= 2, got {vocab_size}, {num_classes}")
        self.weights = nn.EmbeddingBag(vocab_size, num_classes, mode="sum", padding_idx=pad_id)
        self.bias = nn.Parameter(torch.zeros(num_classes))
        nn.init.zeros_(self.weights.weight)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """``ids`` (B, T) padded token ids -> class logits (B, C)."""
        return self.weights(ids) + self.bias  # (B, C)
