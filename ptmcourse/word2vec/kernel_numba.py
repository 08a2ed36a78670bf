"""word2vec.c's training loop compiled with numba: per-pair SGD, Hogwild across threads.

This is the CPU engine. Like word2vec.c and gensim it updates the vectors after every single
(context, target) prediction with a learning rate that decays linearly over the run, and lets
several threads write to the shared matrices without locks ("Hogwild", Recht et al. 2011): the
updates are sparse (a handful of rows out of tens of thousands), so collisions are rare and
harmless. That per-pair, sparse, lock-free SGD *is* the lesson of word2vec, so it has its own loop
here instead of the shared ``ptmcourse.train.Trainer`` (which does dense mini-batch steps).

Layout (all C-contiguous):
  corpus (N,) int32 word ids of all sentences back to back; ``starts`` (S+1,) int64 sentence bounds
  syn0 (V, D) float32 input vectors (the word vectors), syn1neg (V, D) output vectors for negative
  sampling, syn1 (V-1, D) inner-node vectors for hierarchical softmax.
One "job" is a run of whole sentences (~10k words) with its own random stream, seeded from
(seed, epoch, job): one thread gives the same result every time; two threads differ only by races.

Used in: book/word-vectors
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["ns_update", "hs_update", "train_jobs_serial", "train_jobs_parallel"]

_FM = {"nsz", "arcp", "contract", "afn", "reassoc"}  # fast math without assuming no inf/nan
_CLIP = np.float32(30.0)  # sigmoid(30) = 1 - 9e-14: clipping the score there changes nothing


@njit(cache=True, fastmath=_FM, nogil=True)
def _lcg(r):
    """word2vec.c's generator (wraps mod 2^64). Its low bits repeat with short periods, so every
    draw uses ``r >> 16`` (as gensim does), never ``r`` itself."""
    return r * np.uint64(25214903917) + np.uint64(11)


@njit(cache=True, fastmath=_FM, nogil=True)
def ns_update(l1, syn1neg, target, negs, alpha, neu1e, want_loss=True):
    """Negative sampling for one prediction: hidden ``l1`` (D,), true word ``target``, noise ``negs``.

    Loss ``-log s(u_t.l1) - sum_k log s(-u_k.l1)`` (s = sigmoid, u = rows of ``syn1neg``). Adds
    ``-alpha * dLoss/dl1`` to ``neu1e`` and does ``u -= alpha * dLoss/du`` in place (each noise word
    equal to ``target`` is skipped, as in word2vec.c). Returns the loss (0 unless ``want_loss``).
    """
    D = l1.shape[0]
    loss = 0.0
    for k in range(negs.shape[0] + 1):
        if k == 0:
            w = target
            label = np.float32(1.0)
        else:
            w = negs[k - 1]
            if w == target:
                continue
            label = np.float32(0.0)
        f = np.float32(0.0)
        for d in range(D):
            f += l1[d] * syn1neg[w, d]
        f = min(max(f, -_CLIP), _CLIP)
        e = np.exp(-f)
        s = np.float32(1.0) / (np.float32(1.0) + e)
        g = (label - s) * alpha                       # = -alpha * dLoss/df
        if want_loss:                                 # -log s(f) = log(1 + e); -log s(-f) = f + log(1 + e)
            loss += np.log1p(e) if k == 0 else f + np.log1p(e)
        for d in range(D):
            neu1e[d] += g * syn1neg[w, d]
            syn1neg[w, d] += g * l1[d]
    return loss


@njit(cache=True, fastmath=_FM, nogil=True)
def hs_update(l1, syn1, points, codes, length, alpha, neu1e, want_loss=True):
    """Hierarchical softmax for one prediction: the word's path ``points[:length]``, ``codes[:length]``.

    Loss ``-sum_j log s((1 - 2 code_j) v_j.l1)`` (v = rows of ``syn1``); same update rule as
    :func:`ns_update`, with label ``1 - code`` at each inner node. Returns the loss.
    """
    D = l1.shape[0]
    loss = 0.0
    for j in range(length):
        n = points[j]
        f = np.float32(0.0)
        for d in range(D):
            f += l1[d] * syn1[n, d]
        f = min(max(f, -_CLIP), _CLIP)
        e = np.exp(-f)
        s = np.float32(1.0) / (np.float32(1.0) + e)
        label = np.float32(1.0) - np.float32(codes[j])
        g = (label - s) * alpha
        if want_loss:
            loss += np.log1p(e) if codes[j] == 0 else f + np.log1p(e)
        for d in range(D):
            neu1e[d] += g * syn1[n, d]
            syn1[n, d] += g * l1[d]
    return loss


@njit(cache=True, fastmath=_FM, nogil=True)
def _train_job(corpus, starts, s_lo, s_hi, word_offset, total_words, syn0, syn1neg, syn1, points, codes,
               lengths, keep, table, sg, hs, negative, window, alpha0, min_alpha, seed, max_len, want_loss):
    """Train on sentences [s_lo, s_hi); returns (summed loss, number of predictions)."""
    D = syn0.shape[1]
    T = np.uint64(table.shape[0])
    neu1 = np.zeros(D, dtype=np.float32)
    neu1e = np.zeros(D, dtype=np.float32)
    negs = np.empty(max(negative, 0), dtype=np.int32)
    sen = np.empty(max_len, dtype=np.int32)
    r = np.uint64(seed)
    words = 0
    loss = 0.0
    n_pred = 0
    for s in range(s_lo, s_hi):
        a, b = starts[s], starts[s + 1]
        n = 0
        for i in range(a, b):                          # subsampling of frequent words
            w = corpus[i]
            if keep[w] < 1.0:
                r = _lcg(r)
                if keep[w] < np.float32((r >> np.uint64(16)) & np.uint64(0xFFFFFF)) / np.float32(16777216.0):
                    continue
            sen[n] = w
            n += 1
        progress = (word_offset + words) / total_words  # linear learning-rate decay
        alpha = np.float32(max(alpha0 - (alpha0 - min_alpha) * progress, min_alpha))
        words += b - a
        for i in range(n):
            r = _lcg(r)
            win = window - np.int64((r >> np.uint64(16)) % np.uint64(window))  # dynamic window: 1..window
            lo = max(0, i - win)
            hi = min(n, i + win + 1)
            center = sen[i]
            if sg:  # skip-gram: each context word's vector predicts the center word
                for j in range(lo, hi):
                    if j == i:
                        continue
                    ctx = sen[j]
                    l1 = syn0[ctx]
                    neu1e[:] = 0.0
                    if hs:
                        loss += hs_update(l1, syn1, points[center], codes[center], lengths[center], alpha, neu1e, want_loss)
                    if negative > 0:
                        for k in range(negative):
                            r = _lcg(r)
                            negs[k] = table[(r >> np.uint64(16)) % T]
                        loss += ns_update(l1, syn1neg, center, negs, alpha, neu1e, want_loss)
                    for d in range(D):
                        l1[d] += neu1e[d]
                    n_pred += 1
            else:  # CBOW: the mean of the context vectors predicts the center word
                neu1[:] = 0.0
                cw = 0
                for j in range(lo, hi):
                    if j != i:
                        row = syn0[sen[j]]
                        for d in range(D):
                            neu1[d] += row[d]
                        cw += 1
                if cw == 0:
                    continue
                inv = np.float32(1.0) / np.float32(cw)
                for d in range(D):
                    neu1[d] *= inv
                neu1e[:] = 0.0
                if hs:
                    loss += hs_update(neu1, syn1, points[center], codes[center], lengths[center], alpha, neu1e, want_loss)
                if negative > 0:
                    for k in range(negative):
                        r = _lcg(r)
                        negs[k] = table[(r >> np.uint64(16)) % T]
                    loss += ns_update(neu1, syn1neg, center, negs, alpha, neu1e, want_loss)
                for j in range(lo, hi):  # word2vec.c: every context word gets the whole error
                    if j != i:
                        row = syn0[sen[j]]
                        for d in range(D):
                            row[d] += neu1e[d]
                n_pred += 1
    return loss, n_pred


@njit(cache=True, nogil=True)
def train_jobs_serial(corpus, starts, job_sent, job_words, total_words, syn0, syn1neg, syn1, points, codes,
                      lengths, keep, table, sg, hs, negative, window, alpha0, min_alpha, seeds, max_len, want_loss):
    """Run every job in order on this thread; returns per-job (loss, predictions)."""
    n_jobs = job_sent.shape[0] - 1
    losses = np.zeros(n_jobs)
    preds = np.zeros(n_jobs, dtype=np.int64)
    for j in range(n_jobs):
        losses[j], preds[j] = _train_job(corpus, starts, job_sent[j], job_sent[j + 1], job_words[j], total_words,
                                         syn0, syn1neg, syn1, points, codes, lengths, keep, table, sg, hs,
                                         negative, window, alpha0, min_alpha, seeds[j], max_len, want_loss)
    return losses, preds


@njit(cache=True, nogil=True, parallel=True)
def train_jobs_parallel(corpus, starts, job_sent, job_words, total_words, syn0, syn1neg, syn1, points, codes,
                        lengths, keep, table, sg, hs, negative, window, alpha0, min_alpha, seeds, max_len, want_loss,
                        order):
    """Run the jobs on numba's thread pool, writing to the shared matrices without locks (Hogwild).

    prange hands each thread a contiguous block of iterations; ``order`` maps iteration -> job so
    that the threads' blocks interleave (thread t gets jobs t, t+T, t+2T, ...) and all threads
    move through the corpus together, each at the learning rate of its place, as gensim's workers do.
    """
    n_jobs = job_sent.shape[0] - 1
    losses = np.zeros(n_jobs)
    preds = np.zeros(n_jobs, dtype=np.int64)
    for k in prange(n_jobs):
        j = order[k]
        lo, pr = _train_job(corpus, starts, job_sent[j], job_sent[j + 1], job_words[j], total_words,
                            syn0, syn1neg, syn1, points, codes, lengths, keep, table, sg, hs,
                            negative, window, alpha0, min_alpha, seeds[j], max_len, want_loss)
        losses[j] = lo
        preds[j] = pr
    return losses, preds
