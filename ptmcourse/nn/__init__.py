"""Building blocks of Transformer models: attention, masks, positions and blocks.

>>> from ptmcourse import nn as pnn
>>> mha = pnn.MultiHeadAttention(d_model=64, n_heads=4)
>>> y = mha(x, is_causal=True)                       # (B, T, 64), causal self-attention
>>> block = pnn.TransformerBlock(64, 4, norm_first=False)   # post-LN (BERT); True = pre-LN (GPT-2)

Masks: bool, True = may attend; ``padding_mask`` (B, S) True at real tokens. See ``attention.py``.

Used in: book/attention, book/gpt, and the BERT, XLNet, ELMo and ConSERT chapters.
"""
from .attention import (KVCache, MultiHeadAttention, attention_math, capture_attention, causal_mask, merge_masks,
                        padding_mask_from_lengths, scaled_dot_product_attention)
from .positions import LearnedPositions, SinusoidalPositions, sinusoidal_positions
from .transformer import ACTIVATIONS, HF_ACTIVATIONS, FeedForward, TransformerBlock, TransformerStack

__all__ = [
    "attention_math", "scaled_dot_product_attention", "causal_mask", "padding_mask_from_lengths", "merge_masks",
    "KVCache", "MultiHeadAttention", "capture_attention",
    "sinusoidal_positions", "SinusoidalPositions", "LearnedPositions",
    "ACTIVATIONS", "HF_ACTIVATIONS", "FeedForward", "TransformerBlock", "TransformerStack",
]
