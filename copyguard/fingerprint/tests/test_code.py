from __future__ import annotations

import random
import re
from collections import Counter

import numpy as np
import pytest

from copyguard.fingerprint.code import (
    TABLE_GAP,
    code_fingerprints,
    code_tokens,
    gen_code_fingerprints,
    gen_code_fingerprints_v0,
    gen_code_fingerprints_v1,
    lexer_for,
)
from copyguard.fingerprint.match import Matcher

ORIGINAL = '''"""Inventory helpers."""
import json

LIMIT = 10


def load_items(path, strict=False):
    """Read items from a JSON file."""
    with open(path) as handle:
        items = json.load(handle)
    result = []
    for item in items:
        if strict and "name" not in item:
            raise ValueError("item without a name: %r" % item)
        result.append({"name": item.get("name", ""), "count": int(item.get("count", 0))})
    return result


def total_count(items):
    total = 0
    for item in items:
        total += item["count"]
    return total


class Shelf:
    def __init__(self, capacity, label):
        self.capacity = capacity
        self.label = label
        self.items = []

    def add(self, item):
        if len(self.items) >= self.capacity:
            raise OverflowError(self.label)
        self.items.append(item)
        return len(self.items)

    def names(self):
        return sorted(item["name"] for item in self.items if item["count"] > LIMIT)
'''

C_SOURCE = """
#include <stdio.h>
/* sum an array */
int sum(const int *values, int n) {
    int total = 0;
    for (int i = 0; i < n; i++) {
        total += values[i];
    }
    return total;
}
"""


def _rename(src: str) -> str:
    names = {
        "load_items": "read_all",
        "path": "p",
        "strict": "check",
        "handle": "fh",
        "items": "things",
        "result": "out",
        "item": "x",
        "total_count": "sum_up",
        "total": "acc",
        "Shelf": "Box",
        "capacity": "size",
        "label": "tag",
        "add": "put",
        "names": "titles",
    }
    return re.sub(r"\b(" + "|".join(names) + r")\b", lambda m: names[m.group(1)], src)


def _reformat(src: str) -> str:
    src = src.replace(", ", " , ").replace(" = ", "=").replace("(", "( ")
    return "\n\n".join(src.split("\n"))


def _comments(src: str) -> str:
    src = re.sub(r"\s+#.*", "", src)
    return src.replace("    return", "    # give the value back\n    return")


def _reorder(src: str) -> str:
    head, *blocks = re.split(r"\n(?=def |class )", src)
    return "\n".join([head, *reversed(blocks)])


def _shared(a: str, b: str) -> float:
    one, two = (
        set(gen_code_fingerprints(a, "Python").hashes),
        set(gen_code_fingerprints(b, "Python").hashes),
    )
    return len(one & two) / max(1, len(one))


@pytest.mark.parametrize("transform", [_rename, _reformat, _comments, _reorder])
def test_copies_keep_their_fingerprints(transform):
    changed = transform(ORIGINAL)
    assert changed != ORIGINAL
    assert _shared(ORIGINAL, changed) >= 0.9


def test_all_transformations_together_still_share_most_fingerprints():
    changed = _reorder(_comments(_reformat(_rename(ORIGINAL))))
    assert _shared(ORIGINAL, changed) >= 0.8


def test_names_become_distances_to_their_previous_use_and_literals_their_type():
    tokens = code_tokens("x = y + 1\nz = x * 'a' 'b'\n", "Python")
    symbols_a = code_tokens("p = q + 2\nr = p * 'c' \"d\"\n", "Python").hashes
    assert np.array_equal(tokens.hashes, symbols_a)
    # but a different data flow is a different stream
    assert not np.array_equal(tokens.hashes, code_tokens("x = y + 1\nz = y * 'a'\n").hashes)


def test_token_offsets_point_into_the_source():
    tokens = code_tokens(ORIGINAL, "Python")
    texts = [ORIGINAL[a:b] for a, b in zip(tokens.starts, tokens.ends, strict=True)]
    assert texts[:4] == ["import", "json", "LIMIT", "="]  # the docstring is documentation
    assert "handle" in texts and "#" not in "".join(texts)


def test_top_level_blocks_group_tokens_and_small_statements_join_the_previous_block():
    tokens = code_tokens(ORIGINAL, "Python")
    starts = [
        ORIGINAL[tokens.starts[i] : tokens.ends[i]]
        for i in np.flatnonzero(np.r_[True, tokens.groups[1:] != tokens.groups[:-1]])
    ]
    assert starts == ["import", "def", "def", "class"]  # the docstring is documentation


def test_decorators_start_the_block_of_the_function_they_decorate():
    src = (
        "import os\n\n\n"
        "@cache\n"
        "def size(items, width, margin):\n"
        "    return len(items) * width + margin\n\n\n"
        "@register('empty')\n"
        "@cache\n"
        "def empty(width, margin=0):\n"
        "    return size([], width, margin) + os.sep.count('/')\n"
    )
    tokens = code_tokens(src, "Python")
    heads = np.flatnonzero(np.r_[True, tokens.groups[1:] != tokens.groups[:-1]])
    assert [src[tokens.starts[i] : tokens.ends[i]] for i in heads] == [
        "import",
        "@cache",
        "@register",
    ]


def test_fingerprint_offsets_point_into_the_source():
    fp = gen_code_fingerprints(ORIGINAL, "Python")
    assert len(fp) > 10
    assert all(0 <= a < b <= len(ORIGINAL) for a, b in zip(fp.start, fp.end, strict=True))


def test_lexer_by_name_alias_file_name_or_guess():
    assert lexer_for("", "Python").name == "Python"
    assert lexer_for("", "c").name == "C"
    assert lexer_for(C_SOURCE, filename="sum.c").name == "C"
    assert lexer_for("#!/usr/bin/env python\nimport os\n").name.startswith("Python")
    assert len(gen_code_fingerprints(C_SOURCE, filename="sum.c")) > 0


def test_empty_and_comment_only_sources():
    assert len(gen_code_fingerprints("", "Python")) == 0
    assert len(gen_code_fingerprints("# nothing\n", "Python")) == 0


def _module(rng: random.Random, n_functions: int) -> str:
    ops = ["+", "-", "*", "//", "%"]
    out = ["import math\n"]
    for f in range(n_functions):
        args = [f"a{f}_{i}" for i in range(rng.randint(1, 3))]
        body = [f"def fn_{f}({', '.join(args)}):"]
        for line in range(rng.randint(4, 9)):
            a, b = rng.choice(args), rng.choice(args)
            kind = rng.randint(0, 3)
            if kind == 0:
                body.append(f"    v{line} = {a} {rng.choice(ops)} {b}")
            elif kind == 1:
                body.append(f"    if {a} > {rng.randint(0, 99)}:\n        {b} = math.sqrt({a})")
            elif kind == 2:
                body.append(f"    for k in range({a}):\n        {b} += k {rng.choice(ops)} 3")
            else:
                body.append(f"    {a} = [{b}, {a}, '{rng.random():.3f}']")
        body.append(f"    return {args[0]}")
        out.append("\n".join(body) + "\n")
    return "\n".join(out)


def test_matcher_finds_a_transformed_copy_of_a_module_and_not_unrelated_code():
    rng = random.Random(4)
    modules = {f"mod{i}.py": _module(rng, 8) for i in range(6)}
    m = Matcher()
    for name, src in modules.items():
        m.add_reference(name, src, media="code", language="Python")
    copy = _reorder(_comments(_reformat(_rename(modules["mod2.py"]))))
    results = m.query(copy, media="code", language="Python")
    assert [r.reference_id for r in results if r.match] == ["mod2.py"]
    assert results[0].segments and results[0].coverage.reference > 0.5
    unrelated = _module(random.Random(99), 8)
    assert not any(r.match for r in m.query(unrelated, media="code", language="Python"))


def test_docstrings_count_as_documentation_like_comments():
    documented = 'def area(w, h):\n    """Area of a w x h box."""\n    return w * h + 0\n'
    bare = "def area(w, h):\n    return w * h + 0\n"
    assert np.array_equal(
        code_tokens(documented, "Python").hashes, code_tokens(bare, "Python").hashes
    )
    # algorithm v0 kept them as strings
    v0 = code_tokens(documented, "Python", version=0).hashes
    assert len(v0) == len(code_tokens(bare, "Python", version=0).hashes) + 1


def test_a_structure_the_file_repeats_again_and_again_leaves_no_fingerprint():
    wrappers = "".join(
        f"    def {name}(self, value):\n        return self.tk.call(self._w, '{name}', value)\n\n"
        for name in ["get", "set", "insert", "delete", "index", "see", "scan", "mark"]
    )
    unique = (
        "def load_items(path, strict=False):\n"
        "    with open(path) as handle:\n"
        "        items = json.load(handle)\n"
        "    return [x for x in items if not strict or 'name' in x]\n\n\n"
    )
    src = unique + "class Widget:\n" + wrappers
    fp = gen_code_fingerprints(src, "Python")
    everything = gen_code_fingerprints_v0(src, "Python")
    assert len(fp) < len(everything)
    assert all(c < 3 for c in Counter(fp.hashes.tolist()).values())
    # the code that is not repeated keeps its fingerprints
    assert set(gen_code_fingerprints(unique, "Python").hashes) <= set(fp.hashes)


TABLE = (
    "import codecs\n\n\n"
    "def decode(data, errors='strict'):\n"
    "    return codecs.charmap_decode(data, errors, decoding_table)\n\n\n"
    "decoding_table = (\n"
    + "".join(f"    '\\u{0x400 + i:04x}'  # 0x{i:02x} -> CYRILLIC LETTER {i}\n" for i in range(200))
    + "".join(f"    '{chr(c)}'  # 0x{c:02x} -> LATIN LETTER {chr(c)}\n" for c in range(65, 91))
    + ")\n"
)


def test_long_literals_are_content_by_value():
    # A table is its value: another table behind the same code gives other fingerprints...
    other = TABLE.replace("'A'", "'Z'").replace("'B'", "'Y'").replace("u041", "u051")
    assert _shared(TABLE, other) < 0.9
    # ...while quote style, how the value is split into pieces and comments do not matter.
    pieces = re.findall(r"^    '(.+?)'", TABLE, flags=re.M)
    head = TABLE.split("decoding_table = (")[0]
    first, rest = "".join(pieces[:30]), "".join(pieces[30:])
    joined = head + f'decoding_table = (\n    "{first}"\n    "{rest}"\n)\n'
    assert np.array_equal(code_tokens(TABLE, "Python").hashes, code_tokens(joined, "Python").hashes)
    # Also where the lexer gives a whole literal, quotes included, as one piece (JavaScript).
    double = 'const TABLE = "abcdefghijklmnopqrstuvwxyz it\'s 0123456789";\n'
    single = "const TABLE = 'abcdefghijklmnopqrstuvwxyz it\\'s 0123456789';\n"
    assert np.array_equal(
        code_tokens(double, "JavaScript").hashes, code_tokens(single, "JavaScript").hashes
    )
    other = double.replace("abc", "xyz")
    assert not np.array_equal(
        code_tokens(double, "JavaScript").hashes, code_tokens(other, "JavaScript").hashes
    )
    # Short literals stay one STR, whatever they say.
    short = code_tokens("x = f('a short message')\n", "Python").hashes
    assert np.array_equal(short, code_tokens('y = g("another one")\n', "Python").hashes)
    assert len(code_tokens(TABLE, "Python")) > len(code_tokens(TABLE, "Python", version=0)) + 50


def test_a_table_copied_without_its_comments_aligns_in_full():
    # The comments make the reference's table several times longer in characters than the
    # copy's; the literal's symbols stay together, so the copy still aligns as one stretch.
    bare = re.sub(r"  # .*", "", TABLE)
    matcher = Matcher()
    matcher.add_reference("codec", TABLE, media="code", filename="codec.py")
    (copy,) = matcher.query(bare, media="code", filename="copy.py", candidates=True)
    (same,) = matcher.query(TABLE, media="code", filename="same.py", candidates=True)
    assert copy.coverage.query > 0.95 and copy.coverage.reference > 0.95
    assert copy.evidence == pytest.approx(same.evidence)


CONSTANTS = "# Symbolic constants\n" + "".join(
    f"{word.upper()}{n} = '{word}{n}'\n"
    for n in ("", "_a", "_b")
    for word in [
        "north",
        "south",
        "east",
        "west",
        "centre",
        "left",
        "right",
        "top",
        "bottom",
        "raised",
        "sunken",
        "flat",
        "groove",
        "ridge",
        "solid",
        "horizontal",
        "vertical",
        "numeric",
        "char",
        "word",
        "baseline",
        "inside",
        "outside",
        "first",
        "last",
    ]
)
HEX_MAP = (
    "decoding_map = {\n"
    + "".join(f"    0x{0x80 + i:04x}: 0x{0xC7 + 3 * i:04x},  # letter {i}\n" for i in range(40))
    + "}\n"
)


def test_tables_of_short_literals_are_found_by_their_values():
    # v1 sees ``ID = STR`` again and again: next to nothing to fingerprint.
    assert len(gen_code_fingerprints_v1(CONSTANTS, "Python")) == 0
    renamed = re.sub(
        r"^([A-Z_AB]+) =", lambda m: m.group(1).lower() + "_x =", CONSTANTS, flags=re.M
    )
    copy = renamed.replace("'", '"')
    assert len(gen_code_fingerprints(CONSTANTS, "Python")) >= 5
    assert _shared(CONSTANTS, copy) == 1.0
    matcher = Matcher()
    matcher.add_reference("constants", CONSTANTS, media="code", language="Python")
    (found,) = matcher.query(copy, media="code", language="Python", candidates=True)
    assert found.match and found.coverage.reference > 0.9
    # Other values in the same layout are another table.
    other = re.sub(r"'(\w+)'", lambda m: repr(m.group(1)[::-1]), CONSTANTS)
    assert not any(r.match for r in matcher.query(other, media="code", language="Python"))


def test_numbers_count_by_value_whatever_their_notation():
    decimal = re.sub(r"0x[0-9a-f]+", lambda m: str(int(m.group(0), 16)), HEX_MAP)
    assert decimal != HEX_MAP
    assert _shared(HEX_MAP, decimal) == 1.0
    a = gen_code_fingerprints(HEX_MAP, "Python")
    b = gen_code_fingerprints(HEX_MAP.replace("0x00c7", "0x00c8"), "Python")
    assert set(a.hashes.tolist()) != set(b.hashes.tolist())


def test_literals_far_apart_make_no_table():
    # Messages spread through code: v2 adds nothing to v1.
    body = "".join(
        f"def check_{i}(value):\n"
        f"    if value > limit:\n"
        f"        raise ValueError('value {i} is too large')\n"
        f"    return value\n\n\n"
        for i in range(12)
    )
    # (each message is over TABLE_GAP tokens from the next one)
    assert len(code_tokens(body, "Python")) // 12 > TABLE_GAP
    assert np.array_equal(
        gen_code_fingerprints(body, "Python").hashes,
        gen_code_fingerprints_v1(body, "Python").hashes,
    )


def test_table_fingerprints_sit_in_the_code_token_stream():
    fp, tokens = code_fingerprints(HEX_MAP, "Python")
    assert np.all(np.diff(fp.start) >= 0)
    assert np.all(fp.wend > fp.wstart) and fp.wend.max() <= tokens.weights[-1]
    table = ~np.isin(fp.hashes, gen_code_fingerprints_v1(HEX_MAP, "Python").hashes)
    assert table.sum() >= 5
    for start, end in zip(fp.start[table].tolist(), fp.end[table].tolist(), strict=True):
        assert HEX_MAP[start : start + 2] == "0x" and HEX_MAP[end - 1] in "0123456789abcdef"
