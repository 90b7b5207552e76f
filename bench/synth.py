"""Synthetic documents with the statistics of the real material, for large-scale benchmarks.

The real material (KJV, fortunes, fortunes-zh) is about 9 MB; speed benchmarks need hundreds of
megabytes. :class:`TokenModel` learns an *interpolated bigram model* from real text — each next
token follows the previous one as in the source with probability ``follow`` (default 0.5),
otherwise it is drawn from the source's token frequencies — so the output keeps the real
vocabulary, its Zipf frequencies, word lengths, punctuation and the commonest phrases, while
runs longer than a few tokens are new text.

- **English**: a token is a whitespace-delimited word with its punctuation and the white space
  after it (a space, or a line break where the source had one).
- **Chinese**: a token is one character: CJK ideographs, CJK and full-width punctuation, and line
  breaks; the Latin text, tables and box drawing inside ``fortunes-zh`` are left out.

Generation is vectorised: ``chains`` independent Markov chains advance together, one numpy step
per token position, and the chains are laid end to end (so a chain boundary is one more abrupt
transition, as the unigram draws are anyway). Rendering gathers the tokens' UTF-8 bytes with
numpy. Everything is seeded by the caller's ``numpy.random.Generator`` (``common.rng(label)``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from bench.common import Doc

__all__ = ["TokenModel", "chinese_model", "documents", "english_model", "log_uniform_sizes"]

_WORD = re.compile(r"(\S+)(\s*)")
_PART = re.compile(r"[^\W_]+")
MAX_PARTS = 3
#: Characters a Chinese token may be: CJK ideographs (with extension A and compatibility
#: ideographs), CJK symbols and punctuation, full-width forms, and the line break.
_ZH_KEEP = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\n]")


@dataclass(frozen=True)
class TokenModel:
    """An interpolated bigram model over a token vocabulary (module docstring).

    Drawing the successor of token ``t`` in proportion to the source's bigram counts is the same
    as taking the token after a random occurrence of ``t`` in the source, and drawing by unigram
    frequency the same as taking a random source token, so both are O(1) gathers.
    """

    lang: str
    names: np.ndarray  # object: the text of each token
    source: np.ndarray  # int32 token ids of the source text, plus its first token again
    occurrences: np.ndarray  # int32 source positions sorted by token id
    first: np.ndarray  # int64 first row of each token in ``occurrences`` (len vocab + 1)
    byte_mean: float  # mean UTF-8 bytes per token of the source
    follow: float = 0.5

    @property
    def size(self) -> int:
        return len(self.names)

    def mean_bytes(self) -> float:
        """Expected UTF-8 bytes per generated token (the source's mean)."""
        return self.byte_mean

    @classmethod
    def from_tokens(cls, lang: str, tokens: list[str], follow: float = 0.5) -> TokenModel:
        if len(tokens) < 2:
            raise ValueError("a token model needs at least two tokens of source text")
        numbers: dict[str, int] = {}
        ids = np.fromiter(
            (numbers.setdefault(t, len(numbers)) for t in tokens), dtype=np.int32, count=len(tokens)
        )
        names = np.empty(len(numbers), dtype=object)
        names[:] = list(numbers)
        occurrences = np.argsort(ids, kind="stable").astype(np.int32)
        first = np.searchsorted(ids[occurrences], np.arange(len(names) + 1)).astype(np.int64)
        source = np.append(ids, ids[0]).astype(np.int32)
        lengths = np.array([len(s.encode("utf-8")) for s in numbers], dtype=np.float64)
        byte_mean = float(lengths[ids].mean())
        return cls(lang, names, source, occurrences, first, byte_mean, follow)

    def generate(self, rng: np.random.Generator, n_tokens: int, chains: int = 65536) -> np.ndarray:
        """``n_tokens`` token ids: ``chains`` Markov chains stepped together, laid end to end."""
        chains = max(1, min(chains, n_tokens))
        steps = -(-n_tokens // chains)
        n_source = len(self.source) - 1
        out = np.empty((chains, steps), dtype=np.int32)
        current = self.source[rng.integers(0, n_source, chains)]
        out[:, 0] = current
        for step in range(1, steps):
            fresh = self.source[rng.integers(0, n_source, chains)]
            lo = self.first[current]
            count = self.first[current + 1] - lo
            row = lo + (rng.random(chains) * count).astype(np.int64)
            after = self.source[self.occurrences[row].astype(np.int64) + 1]
            current = np.where(rng.random(chains) < self.follow, after, fresh)
            out[:, step] = current
        return out.reshape(-1)[:n_tokens]

    def render(self, ids: np.ndarray) -> str:
        """The text of a token sequence."""
        return "".join(self.names[ids].tolist())

    def text(self, rng: np.random.Generator, n_bytes: int) -> str:
        """A text of about ``n_bytes`` UTF-8 bytes (a few tokens more or less)."""
        return self.render(self.generate(rng, max(1, round(n_bytes / self.mean_bytes()))))


def english_model(texts: Iterable[str], follow: float = 0.5) -> TokenModel:
    """Word model of English text: each token is a word and the white space that follows it.

    Runs without white space that hold more than ``MAX_PARTS`` words (URLs, version lists,
    ASCII art) are left out: drawn as one token they would repeat a whole passage verbatim in
    every document that draws them — real copies, which the benchmarks must not plant.
    """
    tokens = []
    for text in texts:
        for word, space in _WORD.findall(text):
            if len(_PART.findall(word)) > MAX_PARTS:
                continue
            tokens.append(word + ("\n" if "\n" in space else " "))
    return TokenModel.from_tokens("en", tokens, follow)


def chinese_model(texts: Iterable[str], follow: float = 0.5) -> TokenModel:
    """Character model of Chinese text: ideographs, CJK punctuation and line breaks."""
    tokens: list[str] = []
    for text in texts:
        kept = "".join(_ZH_KEEP.findall(text))
        tokens.extend(re.sub(r"\n{2,}", "\n", kept).lstrip("\n"))
    return TokenModel.from_tokens("zh", tokens, follow)


def log_uniform_sizes(rng: np.random.Generator, total: int, low: int, high: int) -> np.ndarray:
    """Document sizes drawn log-uniformly from ``[low, high]`` until they add up to ``total``
    (the last one is cut to fit, but not below ``low``)."""
    if total <= 0:
        return np.zeros(0, dtype=np.int64)
    mean = (high - low) / np.log(high / low) if high > low else float(low)
    sizes = np.exp(rng.uniform(np.log(low), np.log(high), int(total / mean * 1.5) + 8))
    sizes = sizes.astype(np.int64)
    while sizes.sum() < total:
        more = np.exp(rng.uniform(np.log(low), np.log(high), len(sizes))).astype(np.int64)
        sizes = np.concatenate([sizes, more])
    keep = int(np.searchsorted(np.cumsum(sizes), total)) + 1
    sizes = sizes[:keep]
    sizes[-1] = max(low, int(total - sizes[:-1].sum()))
    return sizes


def documents(
    model: TokenModel,
    rng: np.random.Generator,
    total_bytes: int,
    low: int,
    high: int,
    prefix: str,
) -> list[Doc]:
    """Documents of ``model``'s language adding up to about ``total_bytes`` UTF-8 bytes, sizes
    log-uniform in ``[low, high]`` bytes, generated in one vectorised pass."""
    sizes = log_uniform_sizes(rng, total_bytes, low, high)
    per_token = model.mean_bytes()
    counts = np.maximum(1, np.rint(sizes / per_token)).astype(np.int64)
    ids = model.generate(rng, int(counts.sum()))
    bounds = np.concatenate([[0], np.cumsum(counts)])
    return [
        Doc(f"{prefix}/{i}", model.lang, model.render(ids[bounds[i] : bounds[i + 1]]))
        for i in range(len(counts))
    ]
