"""``Word2Vec``: build a vocabulary, train skip-gram or CBOW with negative sampling and/or
hierarchical softmax, and hand back the word vectors.

>>> w2v = Word2Vec(Word2VecConfig.preset("book")).fit(load_corpus("ptb"))
>>> w2v.wv.most_similar("monday", topn=5)

Training follows word2vec.c step for step: words below ``min_count`` are removed from the text;
each epoch drops frequent words at random (subsampling), draws a window size per position, and
does one SGD step per prediction with a learning rate that falls linearly from ``alpha`` to
``min_alpha`` over the whole run. On a CPU the loop is :mod:`.kernel_numba` (word2vec.c's own
per-pair updates, Hogwild across ``workers`` threads); on a GPU it is :mod:`.kernel_torch`
(the same updates in large batches). Neither uses the shared ``Trainer``: sparse, lr-decayed,
lock-free per-pair SGD is the subject of the lesson, not a detail to hide.

Used in: book/word-vectors
"""
from __future__ import annotations

import time
import warnings
from typing import Callable, Iterable, Sequence

import numpy as np

from ..data import Vocab
from ..utils import progress
from .config import Word2VecConfig
from .huffman import build_huffman
from .sampling import keep_probabilities, noise_table
from .vectors import KeyedVectors

__all__ = ["Word2Vec", "HAVE_NUMBA", "encode_corpus"]

try:  # numba is a dependency, but the package must still import (and train, slower) without it
    import numba  # noqa: F401

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - exercised only where numba is missing
    HAVE_NUMBA = False

JOB_WORDS = 10_000  # words per job (as gensim's batch_words); a job is the unit of threading


def encode_corpus(sentences: Sequence[Sequence[str]], vocab: Vocab) -> tuple[np.ndarray, np.ndarray, int]:
    """Word ids of all in-vocabulary tokens back to back, int32 (N,), the sentence bounds int64
    (S+1,), and the number of tokens read (before dropping out-of-vocabulary ones)."""
    stoi = vocab.stoi
    lens = np.fromiter((len(s) for s in sentences), dtype=np.int64, count=len(sentences))
    ids = np.fromiter((stoi.get(t, -1) for s in sentences for t in s), dtype=np.int64, count=int(lens.sum()))
    sid = np.repeat(np.arange(len(sentences)), lens)
    known = ids >= 0
    per_sent = np.bincount(sid[known], minlength=len(sentences))
    starts = np.concatenate([[0], np.cumsum(per_sent)]).astype(np.int64)
    return ids[known].astype(np.int32), starts, int(lens.sum())


def _check_sentences(sentences: object) -> list:
    if isinstance(sentences, (str, bytes)):
        raise TypeError("sentences must be a list of token lists, not a string; use [text.split()]")
    sentences = list(sentences)  # type: ignore[arg-type]
    if not sentences or not any(len(s) for s in sentences):
        raise ValueError("sentences is empty: word2vec needs a corpus of token lists, e.g. data.load_ptb('train')")
    for i, s in enumerate(sentences[:1000]):
        if isinstance(s, str) or not all(isinstance(t, str) for t in s):
            raise TypeError(f"sentences[{i}] must be a list of str tokens, got {type(s).__name__} {str(s)[:60]!r}")
    return sentences


class Word2Vec:
    """Skip-gram / CBOW word vectors (Mikolov et al. 2013a, b).

    Parameters
    ----------
    config : Word2VecConfig, optional; ``**overrides`` replace its fields.

    Attributes (after :meth:`fit`)
    ----------
    vocab : Vocab (most frequent word first); ``syn0`` (V, D) the input vectors (the word vectors),
    ``syn1neg`` (V, D) / ``syn1`` (V-1, D) the output vectors; ``history``: list of dicts
    (``epoch`` as a float, ``loss`` per prediction, ``alpha``); ``words_per_s``, ``train_seconds``.

    Used in: book/word-vectors
    """

    def __init__(self, config: Word2VecConfig | None = None, **overrides) -> None:
        from dataclasses import replace

        config = config if config is not None else Word2VecConfig()
        if not isinstance(config, Word2VecConfig):
            raise TypeError(f"config must be a Word2VecConfig, got {type(config).__name__}")
        self.config = replace(config, **overrides) if overrides else config
        self.vocab: Vocab | None = None
        self.history: list[dict] = []
        self.epoch_seconds: list[float] = []
        self.train_seconds = 0.0
        self.words_per_s = float("nan")
        self.backend, self.device = self._choose_backend()

    def _choose_backend(self):
        import torch

        from .. import get_device

        cfg = self.config
        dev = get_device(cfg.device)
        if cfg.backend == "numba" or (cfg.backend == "auto" and dev.type == "cpu"):
            if HAVE_NUMBA:
                return "numba", torch.device("cpu")
            if cfg.backend == "numba":
                raise ValueError("backend='numba' but numba is not installed; pip install numba, or use backend='torch'")
            warnings.warn("numba is not installed: training with the (slower) torch engine on the CPU", stacklevel=3)
        return "torch", dev

    # ------------------------------------------------------------------ vocabulary
    def build_vocab(self, sentences: Iterable[Sequence[str]]) -> Vocab:
        """Count words, keep those seen ``min_count`` times (at most ``max_vocab``), most frequent first."""
        sentences = _check_sentences(sentences)
        cfg = self.config
        vocab = Vocab.build(sentences, min_count=cfg.min_count, max_size=cfg.max_vocab, specials=(), unk_token=None)
        if len(vocab) < 2:
            top = max(Vocab.build(sentences, specials=(), unk_token=None).counts.values())
            raise ValueError(f"min_count={cfg.min_count} leaves {len(vocab)} word(s) in the vocabulary (the most "
                             f"frequent word occurs {top} times); lower min_count or give a larger corpus")
        self.vocab = vocab
        counts = vocab.count_array()
        V, D = len(vocab), cfg.dim
        rng = np.random.default_rng(cfg.seed)
        self.syn0 = ((rng.random((V, D), dtype=np.float32) - 0.5) / D).astype(np.float32)  # word2vec.c's init
        self.syn1neg = np.zeros((V if cfg.negative else 0, D), dtype=np.float32)
        self.tree = build_huffman(counts) if cfg.hs else None
        self.syn1 = np.zeros((V - 1 if cfg.hs else 0, D), dtype=np.float32)
        self.keep = keep_probabilities(counts, cfg.sample)
        self.table = noise_table(counts, cfg.ns_exponent) if cfg.negative else np.zeros(1, dtype=np.int32)
        self.history, self.epoch_seconds = [], []
        return vocab

    # ------------------------------------------------------------------ training
    def fit(self, sentences: Iterable[Sequence[str]], callback: Callable | None = None) -> "Word2Vec":
        """:meth:`build_vocab` then :meth:`train`; returns self."""
        sentences = _check_sentences(sentences)
        self.build_vocab(sentences)
        self.train(sentences, callback=callback)
        return self

    def train(self, sentences: Iterable[Sequence[str]], callback: Callable | None = None) -> list[dict]:
        """Train ``config.epochs`` epochs on ``sentences``; ``callback(model, epoch)`` runs after each.

        Returns ``history``. ``words_per_s`` counts every token read (in-vocabulary or not) per
        second of training, as gensim reports raw words.
        """
        if self.vocab is None:
            raise RuntimeError("call build_vocab(sentences) (or fit) before train")
        sentences = _check_sentences(sentences)
        t0 = time.perf_counter()
        corpus, starts, n_raw = encode_corpus(sentences, self.vocab)
        if corpus.size == 0:
            raise ValueError("no token of sentences is in the vocabulary")
        cfg = self.config
        train = self._train_numba if self.backend == "numba" else self._train_torch
        bar = progress(total=cfg.epochs, desc="word2vec", unit="epoch")
        try:
            train(corpus, starts, callback, bar)
        finally:
            bar.close()
        self.train_seconds = time.perf_counter() - t0
        self.words_per_s = n_raw * cfg.epochs / self.train_seconds
        return self.history

    def _args(self):
        cfg = self.config
        tree = self.tree
        if tree is None:
            points = np.zeros((1, 1), np.int32)
            codes = np.zeros((1, 1), np.int8)
            lengths = np.zeros(1, np.int32)
        else:
            points, codes, lengths = tree.points, tree.codes, tree.lengths
        return points, codes, lengths, cfg.arch == "skipgram", bool(cfg.hs), int(cfg.negative), int(cfg.window)

    def _train_numba(self, corpus, starts, callback, bar) -> None:
        import numba

        from .kernel_numba import train_jobs_parallel, train_jobs_serial

        cfg = self.config
        total = int(corpus.size)
        cum = starts[1:]                                                   # words up to each sentence end
        cuts = np.searchsorted(cum, np.arange(JOB_WORDS, total, JOB_WORDS), side="left") + 1
        job_sent = np.unique(np.concatenate([[0], cuts, [len(starts) - 1]])).astype(np.int64)  # (J+1,)
        job_words = starts[job_sent[:-1]]                                  # words before each job
        max_len = int(np.diff(starts).max())
        points, codes, lengths, sg, hs, neg, win = self._args()
        threads = min(cfg.workers, numba.config.NUMBA_NUM_THREADS)
        if threads < cfg.workers:
            warnings.warn(f"workers={cfg.workers} but numba has {threads} threads (NUMBA_NUM_THREADS)", stacklevel=4)
        run = train_jobs_serial if threads == 1 else train_jobs_parallel
        if threads > 1:
            numba.set_num_threads(threads)
        grand_total = float(total) * cfg.epochs
        n_jobs = len(job_sent) - 1
        extra = () if threads == 1 else (np.concatenate([np.arange(t, n_jobs, threads) for t in range(threads)]),)
        for epoch in range(cfg.epochs):
            seeds = np.random.SeedSequence([cfg.seed, epoch]).generate_state(len(job_sent) - 1, dtype=np.uint64)
            t0 = time.perf_counter()
            losses, preds = run(corpus, starts, job_sent, job_words + epoch * total, grand_total, self.syn0,
                                self.syn1neg, self.syn1, points, codes, lengths, self.keep, self.table, sg, hs, neg,
                                win, float(cfg.start_alpha), float(cfg.min_alpha), seeds, max_len,
                                bool(cfg.compute_loss), *extra)
            self.epoch_seconds.append(time.perf_counter() - t0)
            bins = np.array_split(np.arange(len(losses)), min(10, len(losses)))
            for b in bins:
                frac = (job_words[b[-1]] + (starts[job_sent[b[-1] + 1]] - starts[job_sent[b[-1]]])) / total
                self._log(epoch + frac, losses[b].sum(), preds[b].sum())
            bar.update(1)
            if callback is not None:
                callback(self, epoch + 1)

    def _train_torch(self, corpus, starts, callback, bar) -> None:
        import torch

        from .kernel_torch import TorchState, batch_size_default, train_epoch

        cfg, dev = self.config, self.device
        points, codes, lengths, sg, hs, neg, win = self._args()
        mask = (np.arange(points.shape[1])[None, :] < lengths[:, None]).astype(np.float32)
        st = TorchState(*(torch.from_numpy(a).to(dev) for a in (self.syn0, self.syn1neg, self.syn1)),
                        torch.from_numpy(points.astype(np.int64)).to(dev), torch.from_numpy(codes.astype(np.float32)).to(dev),
                        torch.from_numpy(mask).to(dev), torch.from_numpy(self.keep).to(dev),
                        torch.from_numpy(self.table.astype(np.int64)).to(dev))
        corpus_t = torch.from_numpy(corpus.astype(np.int64)).to(dev)
        sent_t = torch.from_numpy(np.repeat(np.arange(len(starts) - 1), np.diff(starts))).to(dev)
        gen = torch.Generator(device=dev).manual_seed(cfg.seed)
        bs = cfg.batch_size or batch_size_default(dev)
        for epoch in range(cfg.epochs):
            t0 = time.perf_counter()
            loss, n_pred = train_epoch(st, corpus_t, sent_t, sg=sg, hs=hs, negative=neg, window=win,
                                       alpha0=cfg.start_alpha, min_alpha=cfg.min_alpha, progress0=epoch / cfg.epochs,
                                       progress1=(epoch + 1) / cfg.epochs, batch_size=bs, gen=gen)
            for name, t in (("syn0", st.syn0), ("syn1neg", st.syn1neg), ("syn1", st.syn1)):
                setattr(self, name, t.detach().cpu().numpy())
            self.epoch_seconds.append(time.perf_counter() - t0)
            self._log(epoch + 1.0, loss, n_pred)
            bar.update(1)
            if callback is not None:
                callback(self, epoch + 1)

    def _log(self, epoch: float, loss: float, n_pred: int) -> None:
        cfg = self.config
        alpha = max(cfg.start_alpha - (cfg.start_alpha - cfg.min_alpha) * epoch / cfg.epochs, cfg.min_alpha)
        mean = float(loss) / max(int(n_pred), 1) if cfg.compute_loss or self.backend == "torch" else None
        self.history.append({"epoch": float(epoch), "loss": mean, "predictions": int(n_pred), "alpha": alpha})
        if mean is not None and not np.isfinite(mean):
            raise FloatingPointError(f"word2vec loss became {self.history[-1]['loss']} at epoch {epoch:.2f}; "
                                     f"lower alpha (now {cfg.start_alpha})")

    # ------------------------------------------------------------------ results
    @property
    def wv(self) -> KeyedVectors:
        """The word vectors (a copy of ``syn0``) with their words and counts."""
        if self.vocab is None:
            raise RuntimeError("the model has no vocabulary yet; call fit(sentences)")
        return KeyedVectors(self.vocab.itos, self.syn0.copy(), self.vocab.count_array())
