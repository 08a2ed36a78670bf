"""word2vec (Mikolov et al. 2013): skip-gram and CBOW word vectors (词向量) with negative sampling
(负采样) and hierarchical softmax (层次softmax), subsampling of frequent words, a dynamic window and
a linearly decaying learning rate; a numba CPU engine (word2vec.c's per-pair Hogwild SGD) and a
torch engine for GPUs; word vectors with neighbours, analogies and files gensim can read.

>>> from ptmcourse.word2vec import Word2Vec, Word2VecConfig, load_corpus
>>> model = Word2Vec(Word2VecConfig.preset("book")).fit(load_corpus("ptb"))
>>> model.wv.most_similar("bank", topn=5)

Used in: book/word-vectors
"""
from __future__ import annotations

from .config import ARCHS, BACKENDS, Word2VecConfig
from .corpus import CORPORA, load_corpus
from .grads import hs_loss_and_grads, sgns_loss_and_grads
from .huffman import HuffmanTree, build_huffman, leaf_log_probs
from .model import HAVE_NUMBA, Word2Vec, encode_corpus
from .sampling import keep_probabilities, noise_distribution, noise_table
from .vectors import KeyedVectors

__all__ = ["Word2Vec", "Word2VecConfig", "KeyedVectors", "ARCHS", "BACKENDS", "CORPORA", "load_corpus",
           "HuffmanTree", "build_huffman", "leaf_log_probs", "keep_probabilities", "noise_distribution",
           "noise_table", "sgns_loss_and_grads", "hs_loss_and_grads", "encode_corpus", "HAVE_NUMBA"]
