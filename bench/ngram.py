"""Benchmark: ptmcourse.ngram against NLTK and KenLM on the Penn Treebank.

    PTMCOURSE_DATA_MIRROR=../shared/data PYTHONPATH=. python bench/ngram.py

1. Ours: build (count + estimate) and full test-set evaluation of Kneser-Ney 3- and 5-grams on all of
   PTB, and how the build time grows with the training-set size.
2. NLTK: ``nltk.lm.KneserNeyInterpolated`` and ours configured identically (``ngram.NLTK_KN``) on
   growing slices of PTB (NLTK is far too slow for the full corpus: its scoring walks all n-grams for
   every query): fit on n training sentences + scoring of n/10 test sentences, from the same strings
   (ours includes building its Vocab and encoding); the two perplexities must agree. Also reported:
   ours from already-encoded ids ("model only").
3. KenLM: query speed of the ``kenlm`` Python module on the ARPA file we export for the KN5 model,
   and the log-probability it gives next to ours.

The last line printed is one JSON object with the measurements. Timings are wall-clock seconds
(best of several runs for the fast parts); they are only meaningful on an otherwise idle machine.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import tempfile
import time

import numpy as np

from ptmcourse import ngram
from ptmcourse.data import Vocab, load_ptb


def best_of(fn, repeats: int = 5) -> tuple[float, object]:
    """(shortest wall time over ``repeats`` calls, the last result)."""
    best, out = math.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def nltk_fit_and_score(order: int, train: list[list[str]], test: list[list[str]]) -> tuple[float, float, float]:
    """(fit seconds, scoring seconds, perplexity) for NLTK's KneserNeyInterpolated(discount=0.1)."""
    from nltk.lm import KneserNeyInterpolated
    from nltk.lm.preprocessing import pad_both_ends, padded_everygram_pipeline

    t0 = time.perf_counter()
    text, words = padded_everygram_pipeline(order, train)
    lm = KneserNeyInterpolated(order, discount=ngram.NLTK_KN["discount"])
    lm.fit(text, words)
    t1 = time.perf_counter()
    total, n = 0.0, 0
    for s in test:
        pad = list(pad_both_ends(s, n=order))
        for i in range(order - 1, len(pad) - (order - 2)):  # every word and the first </s>
            total += math.log(lm.score(pad[i], pad[i - order + 1:i]))
            n += 1
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, math.exp(-total / n)


def ours_nltk_config(order: int, train: list[list[str]], test: list[list[str]]) -> dict:
    """Ours with NLTK's configuration, from the same strings: fit (vocabulary + encoding + counting +
    estimation) and scoring (encoding + scoring) seconds, the perplexity, and the model-only times
    (from ids already encoded)."""
    def fit():
        vocab = Vocab.build(train, specials=("<s>", "</s>"), unk_token="<unk>")
        return vocab, ngram.NgramLM.fit([vocab.encode(s) for s in train], order, **ngram.special_ids(vocab),
                                        **ngram.NLTK_KN)

    t_fit, (vocab, lm) = best_of(fit, 3)
    # the words and the first </s> of each sentence, as NLTK scores them
    t_score, lp = best_of(lambda: lm.token_logprobs([vocab.encode(s) for s in test]), 3)
    train_ids, test_ids = [vocab.encode(s) for s in train], [vocab.encode(s) for s in test]
    t_fit_ids, lm = best_of(lambda: ngram.NgramLM.fit(train_ids, order, **ngram.special_ids(vocab),
                                                      **ngram.NLTK_KN), 3)
    t_score_ids, _ = best_of(lambda: lm.token_logprobs(test_ids), 3)
    return {"fit_s": t_fit, "score_s": t_score, "ppl": float(np.exp(-lp.mean())),
            "model_only_s": t_fit_ids + t_score_ids}


def main() -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nltk-slices", default="200,400,800",
                    help="training-set sizes (sentences) for NLTK; adding 1200 costs about a minute more")
    ap.add_argument("--no-kenlm", action="store_true")
    args = ap.parse_args()
    t_start = time.perf_counter()
    out: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} CPUs", "note":
                 "wall-clock timings; valid only on an idle machine"}

    train_w, test_w = load_ptb("train"), load_ptb("test")
    t0 = time.perf_counter()
    vocab = Vocab.build(train_w, specials=("<s>", "</s>"), unk_token="<unk>")
    train = [vocab.encode(s) for s in train_w]
    test = [vocab.encode(s) for s in test_w]
    out["vocab_and_encode_s"] = round(time.perf_counter() - t0, 3)
    special = ngram.special_ids(vocab)
    n_test = sum(map(len, test)) + len(test)

    # 1. ours on full PTB
    models = {}
    for order in (3, 5):
        t_build, lm = best_of(lambda: ngram.NgramLM.fit(train, order, **special, method="mkn"), 3)
        t_eval, lp = best_of(lambda: lm.token_logprobs(test), 5)
        models[order] = lm
        out[f"ppl_kn{order}_ptb_test"] = round(float(np.exp(-lp.mean())), 4)
        out[f"build_s_kn{order}_ptb"] = round(t_build, 3)
        out[f"eval_s_kn{order}_ptb"] = round(t_eval, 4)
        print(f"ours  KN{order} (modified): build {t_build:.2f} s, test ppl {np.exp(-lp.mean()):.4g}, "
              f"scoring {n_test / t_eval:,.0f} tokens/s")
    out["eval_tokens_per_s"] = round(n_test / out["eval_s_kn5_ptb"])
    scaling = []
    for frac in (0.125, 0.25, 0.5, 1.0):
        part = train[: int(len(train) * frac)]
        t, _ = best_of(lambda: ngram.NgramLM.fit(part, 5, **special, method="mkn"), 3)
        scaling.append({"train_sentences": len(part), "build_s": round(t, 3)})
    out["ours_kn5_build_scaling"] = scaling
    print("ours  KN5 build time vs training size:", [(d["train_sentences"], d["build_s"]) for d in scaling])

    # 2. NLTK on slices: KN3 with NLTK's configuration on both sides, fit on n training sentences and
    # score n/10 test sentences (PTB's own test/train ratio is 0.09)
    rows = []
    for n in [int(x) for x in args.nltk_slices.split(",")]:
        sl = train_w[:n]
        seen = {w for s in sl for w in s}
        # NLTK maps unseen words to its own "<UNK>" (probability 0); PTB's unknown word is "<unk>"
        tw = [[w if w in seen else "<unk>" for w in s] for s in test_w[: max(1, n // 10)]]
        nf, ns, nppl = nltk_fit_and_score(3, sl, tw)
        o = ours_nltk_config(3, sl, tw)
        rows.append({"train_sentences": n, "train_tokens": sum(map(len, sl)) + n,
                     "scored_tokens": sum(map(len, tw)) + len(tw),
                     "nltk_fit_s": round(nf, 3), "nltk_score_s": round(ns, 3),
                     "ours_fit_s": round(o["fit_s"], 5), "ours_score_s": round(o["score_s"], 6),
                     "nltk_ppl": round(nppl, 6), "ours_ppl": round(o["ppl"], 6),
                     "speedup": round((nf + ns) / (o["fit_s"] + o["score_s"])),
                     "speedup_model_only": round((nf + ns) / o["model_only_s"])})
        print(f"NLTK  KN3, {n} train / {len(tw)} test sentences: fit {nf:.2f} s + score {ns:.2f} s; "
              f"ours {o['fit_s'] * 1e3:.1f} ms + {o['score_s'] * 1e3:.2f} ms (from ids: "
              f"{o['model_only_s'] * 1e3:.1f} ms); ppl {nppl:.6g} vs {o['ppl']:.6g}; "
              f"speed-up {rows[-1]['speedup']:,}x (model only {rows[-1]['speedup_model_only']:,}x)")
    out["nltk_slices"] = rows
    out["nltk_speedup"] = rows[-1]["speedup"]  # fit + score, both from the same strings
    out["nltk_speedup_model_only"] = rows[-1]["speedup_model_only"]  # ours from ids, NLTK from strings
    out["nltk_ppl_rel_diff"] = max(abs(r["nltk_ppl"] / r["ours_ppl"] - 1) for r in rows)

    # 3. KenLM on our ARPA export of the KN5 model
    if not args.no_kenlm:
        import kenlm

        lm = models[5]
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "kn5.arpa")
            t0 = time.perf_counter()
            ngram.write_arpa(lm, path, vocab.itos)
            out["arpa_write_s"] = round(time.perf_counter() - t0, 2)
            cfg = kenlm.Config()
            cfg.show_progress, cfg.arpa_complain = False, kenlm.ARPALoadComplain.NONE
            t0 = time.perf_counter()
            km = kenlm.Model(path, cfg)
            out["kenlm_load_arpa_s"] = round(time.perf_counter() - t0, 2)
        sents = [" ".join(s) for s in test_w]
        t_k, total = best_of(lambda: sum(km.score(s, bos=True, eos=True) for s in sents), 5)
        out["kenlm_tokens_per_s"] = round(n_test / t_k)
        out["kenlm_log10prob_test"] = round(total, 4)
        out["ours_log10prob_test"] = round(float(lm.logprob(test)) / math.log(10), 4)
        print(f"KenLM KN5 query: {n_test / t_k:,.0f} tokens/s (Python loop over sentences); "
              f"log10 p(test) {total:.8g} vs ours {out['ours_log10prob_test']:.8g}")
    out["total_s"] = round(time.perf_counter() - t_start, 1)
    return out


if __name__ == "__main__":
    os.environ.setdefault("PTMCOURSE_QUIET", "1")
    print(json.dumps(main()))
