"""Word2vec settings and named presets (the chapter's ``scale`` picks one).

Used in: book/word-vectors
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace

__all__ = ["Word2VecConfig", "ARCHS", "BACKENDS"]

ARCHS = ("skipgram", "cbow")
BACKENDS = ("auto", "numba", "torch")


@dataclass
class Word2VecConfig:
    """Every knob of a word2vec run; the defaults are word2vec.c's / gensim's.

    Attributes
    ----------
    arch : "skipgram" (a word predicts its neighbours) or "cbow" (the neighbours' mean predicts the word)
    dim : vector size; window : largest distance of a context word (the actual window is drawn
        uniformly from 1..window for every position: the "dynamic window" that weights near words more)
    negative : noise words per prediction (0 turns negative sampling off); hs : hierarchical softmax
    sample : subsampling threshold (0 = off); min_count / max_vocab : vocabulary cut-offs
    alpha : starting learning rate (None: 0.025 for skip-gram, 0.05 for CBOW, as word2vec.c),
        decayed linearly to ``min_alpha`` over all epochs
    ns_exponent : noise distribution ``count^ns_exponent``
    workers : CPU threads of the numba engine (1 = deterministic)
    backend : "auto" (torch on a GPU, else numba, else torch), "numba" or "torch"
    device : for the torch engine ("auto" = cuda > mps > cpu); batch_size : its pairs per step
        (None: 16384 on a GPU, 1024 on a CPU)
    compute_loss : track the loss for ``history`` (the numba engine then spends one ``log1p`` per
        output; gensim's default, ``compute_loss=False``, skips it; the bench compares without)
    corpus : the corpus the presets train on (see :func:`ptmcourse.word2vec.load_corpus`);
        ``Word2Vec.train`` takes whatever sentences it is given
    """

    arch: str = "skipgram"
    dim: int = 100
    window: int = 5
    negative: int = 5
    hs: bool = False
    sample: float = 1e-3
    min_count: int = 5
    max_vocab: int | None = None
    alpha: float | None = None
    min_alpha: float = 1e-4
    epochs: int = 5
    ns_exponent: float = 0.75
    workers: int = 2
    backend: str = "auto"
    device: str = "auto"
    batch_size: int | None = None
    seed: int = 0
    compute_loss: bool = True
    corpus: str = "ptb"

    def __post_init__(self) -> None:
        if self.arch not in ARCHS:
            raise ValueError(f"arch={self.arch!r}; expected one of {ARCHS}")
        if self.backend not in BACKENDS:
            raise ValueError(f"backend={self.backend!r}; expected one of {BACKENDS}")
        for name in ("dim", "window", "epochs", "workers", "min_count"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name}={v!r}; expected an int >= 1")
        if isinstance(self.negative, bool) or not isinstance(self.negative, int) or self.negative < 0:
            raise ValueError(f"negative={self.negative!r}; expected an int >= 0")
        if self.negative == 0 and not self.hs:
            raise ValueError("negative=0 and hs=False leave no output layer; use negative > 0 or hs=True")
        if not (isinstance(self.sample, (int, float)) and self.sample >= 0):
            raise ValueError(f"sample={self.sample!r}; expected a number >= 0")
        if self.alpha is not None and not self.alpha > 0:
            raise ValueError(f"alpha={self.alpha!r}; expected a positive number or None")
        if self.max_vocab is not None and (not isinstance(self.max_vocab, int) or self.max_vocab < 2):
            raise ValueError(f"max_vocab={self.max_vocab!r}; expected None or an int >= 2")
        if self.batch_size is not None and (not isinstance(self.batch_size, int) or self.batch_size < 1):
            raise ValueError(f"batch_size={self.batch_size!r}; expected None or an int >= 1")

    @property
    def start_alpha(self) -> float:
        return self.alpha if self.alpha is not None else (0.025 if self.arch == "skipgram" else 0.05)

    @staticmethod
    def preset(name: str, **overrides) -> "Word2VecConfig":
        """``smoke`` (seconds), ``book`` (the chapter: PTB, one thread so its outputs reproduce),
        ``paper`` (WikiText-2 + PTB, 2 threads: the settings of the gensim comparison)."""
        presets = {
            "smoke": Word2VecConfig(dim=50, epochs=1, workers=1, corpus="ptb-small"),
            "book": Word2VecConfig(dim=100, epochs=5, workers=1, corpus="ptb"),
            "paper": Word2VecConfig(dim=100, epochs=5, workers=2, corpus="wikitext2+ptb"),
        }
        if name not in presets:
            raise ValueError(f"preset must be one of {sorted(presets)}, got {name!r}")
        return replace(presets[name], **overrides)

    def to_dict(self) -> dict:
        return asdict(self)
