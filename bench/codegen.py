"""Seeded transformations of real Python source, for the code benchmark.

Every function takes source text and a ``random.Random`` and returns new, valid Python
(``ast.parse`` accepts it); they work on the syntax tree (``ast``) and the token stream
(``tokenize``), never on regular expressions over the text:

- :func:`rename` — consistent renaming of what the module itself binds: functions, classes,
  parameters, local and global variables, ``self.`` attributes and methods. Builtins, dunder
  names, imported names and soft keywords keep their names; an attribute after a dot is renamed
  only when the module binds it as an attribute or method (``os.path.join`` stays even when the
  module has its own ``join`` variable). Names inside f-string fields are left as they are.
- :func:`reformat` — a token-level pretty printer in a random style: indentation width
  (2, 3, 8 or a tab), line breaks inside brackets (all joined, or broken after commas),
  operator and comma spacing, blank lines dropped and added, quote style of simple strings.
  Comments stay; the result has the same syntax tree as the input (checked).
- :func:`strip_comments` — every comment and docstring removed (``pass`` where a body would
  become empty).
- :func:`add_comments` — new comment lines before statements, trailing comments, and docstrings
  for functions and classes without one.
- :func:`reorder` — top-level functions and classes shuffled within each run of consecutive
  definitions, and methods shuffled inside every class (comments directly above a definition
  move with it).
- :func:`excerpt` — a contiguous run of definitions (top-level, or methods under their class
  line) holding ``min_lines`` to ``max_lines`` lines of code (blank lines, comments and
  docstrings do not count: both tools ignore what they say).
- :func:`pick_units` / :func:`merge` — a few definitions from each of several modules with
  their imports, shuffled together with unrelated definitions into one file.
- :func:`combined` — rename, then comments removed and new ones added, then reorder, then
  reformat.
"""

from __future__ import annotations

import ast
import builtins
import io
import keyword
import random
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "Unit",
    "add_comments",
    "code_lines",
    "combined",
    "definition_units",
    "excerpt",
    "imports",
    "merge",
    "pick_units",
    "reformat",
    "rename",
    "reorder",
    "strip_comments",
]

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_SOFT_KEYWORDS = frozenset({"match", "case", "type", "_"})
_KEEP = (
    frozenset(dir(builtins))
    | frozenset(keyword.kwlist)
    | _SOFT_KEYWORDS
    | {"self", "cls", "mcs", "metacls"}
)
_WORDS = (  # noqa: SIM905
    "item value node entry data buf key part token record state count total index source "
    "target result handler mode flag size limit chunk field label group block frame spec info "
    "cache queue stack table row col unit step level tag path text line word char pos span "
    "mark slot link ref hint rule plan task job store pool batch item sample shape form view "
    "option setting params args opts context scope track pair cell grid area zone"
).split()
_COMMENT_WORDS = (  # noqa: SIM905  # noqa: SIM905
    "check the value before use make sure we keep this in sync with caller handle edge case "
    "for empty input note this is slow on large data update state here return early if "
    "nothing to do see below for details avoid extra copy compute result once reset counter "
    "after loop keep order stable convert to expected type guard against none simple fast "
    "path fallback when missing"
).split()

# Tokens that carry no code: comments and the shape of the lines.
LAYOUT = frozenset(
    {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENCODING,
        tokenize.ENDMARKER,
    }
)


def _parse_ok(src: str) -> str:
    ast.parse(src)
    return src


def _tokens(src: str) -> list[tokenize.TokenInfo]:
    return list(tokenize.generate_tokens(io.StringIO(src).readline))


def _line_starts(src: str) -> list[int]:
    """Character offset of the start of each line (1-based rows: index row - 1)."""
    starts = [0]
    for line in src.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _char_col(line: str, byte_col: int) -> int:
    """``ast`` columns count UTF-8 bytes; the character column of one."""
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))


# -- renaming ------------------------------------------------------------------------------
def _bound_names(tree: ast.AST) -> tuple[set[str], set[str], set[str]]:
    """(names the module binds, attribute/method names it binds, names it imports)."""
    plain: set[str] = set()
    attrs: set[str] = set()
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            plain.add(node.name)
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    attrs.add(item.name)
                elif isinstance(item, ast.Assign):
                    attrs.update(t.id for t in item.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            plain.add(node.name)
        elif isinstance(node, ast.arg):
            plain.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            plain.add(node.id)
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id in {"self", "cls"}
        ):
            attrs.add(node.attr)
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
            plain.add(node.name)
        elif isinstance(node, ast.Import):
            imported.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.update(a.asname or a.name for a in node.names)
    return plain, attrs, imported


def _fresh_names(rng: random.Random, originals: Sequence[str], taken: set[str]) -> list[str]:
    """A new, unused name per original, in the same case style (classes stay CamelCase)."""
    out = []
    for name in originals:
        while True:
            words = rng.sample(_WORDS, rng.choice((1, 2, 2, 3)))
            if name[:1].isupper() and not name.isupper():
                new = "".join(w.capitalize() for w in words)
            elif name.isupper() and len(name) > 1:
                new = "_".join(words).upper()
            else:
                new = "_".join(words)
            if rng.random() < 0.3:
                new += str(rng.randrange(10))
            if name.startswith("_"):
                new = "_" + new
            if new not in taken:
                taken.add(new)
                out.append(new)
                break
    return out


def rename(src: str, rng: random.Random) -> str:
    """Consistently rename what the module binds (see the module docstring)."""
    tree = ast.parse(src)
    plain, attrs, imported = _bound_names(tree)
    tokens = _tokens(src)
    in_use = {t.string for t in tokens if t.type == tokenize.NAME}

    def renamable(name: str) -> bool:
        dunder = name.startswith("__") and name.endswith("__")
        return not dunder and name not in _KEEP and name not in imported

    targets = sorted(n for n in plain | attrs if renamable(n))
    mapping = dict(zip(targets, _fresh_names(rng, targets, in_use | set(_KEEP)), strict=True))
    starts = _line_starts(src)
    edits = []
    previous = None
    for tok in tokens:
        if tok.type == tokenize.NAME and tok.string in mapping:
            after_dot = previous is not None and previous.string == "."
            if not after_dot or tok.string in attrs:
                edits.append((starts[tok.start[0] - 1] + tok.start[1], tok.string))
        if tok.type not in (tokenize.NL, tokenize.COMMENT):
            previous = tok
    out = []
    cursor = 0
    for offset, name in edits:
        out.append(src[cursor:offset])
        out.append(mapping[name])
        cursor = offset + len(name)
    out.append(src[cursor:])
    return _parse_ok("".join(out))


# -- re-formatting -------------------------------------------------------------------------
@dataclass(frozen=True)
class _Style:
    indent: str
    break_after_comma: float  # chance of a line break after a comma inside brackets
    tight: bool  # no spaces around binary operators, none after commas
    drop_blank: float  # chance of dropping a blank line
    add_blank: float  # chance of a blank line after a statement
    quote: str  # preferred quote for simple strings


_OPENING = {"(", "[", "{"}
_CLOSING = {")", "]", "}"}
_BINARY = {
    "+", "-", "*", "/", "//", "%", "**", "@", "==", "!=", "<", ">", "<=", ">=", "|", "&", "^",
    "<<", ">>",
}  # fmt: skip
_UNARY_AFTER = {"return", "in", "if", "else", "and", "or", "not", "yield", "lambda", "await"}


def _requote(s: str, quote: str) -> str:
    """A simple one-line string literal in the preferred quote (unchanged when not simple)."""
    i = 0
    while i < len(s) and s[i] not in "'\"":
        i += 1
    prefix, body = s[:i], s[i:]
    if len(body) < 2 or body[:3] in ("'''", '"""'):
        return s
    inner = body[1:-1]
    if "'" in inner or '"' in inner or "\\" in inner:
        return s
    return prefix + quote + inner + quote


def _wordy(tok: tokenize.TokenInfo) -> bool:
    return tok.type in (tokenize.NAME, tokenize.NUMBER, tokenize.STRING)


def _space(
    a: tokenize.TokenInfo,
    b: tokenize.TokenInfo,
    before_a: tokenize.TokenInfo | None,
    brackets: list[str],
    first_of_line: bool,
    style: _Style,
) -> str:
    """The separator between consecutive tokens ``a`` and ``b`` on one output line."""
    if _wordy(a) and _wordy(b):
        return " "
    x, y = a.string, b.string
    a_kw = a.type == tokenize.NAME and (
        keyword.iskeyword(x) or (first_of_line and keyword.issoftkeyword(x))
    )
    b_kw = b.type == tokenize.NAME and keyword.iskeyword(y)
    if x in _OPENING or y in _CLOSING or y in {",", ";"}:
        return ""
    if y == ".":
        return " " if a.type == tokenize.NUMBER or a_kw else ""
    if x == ".":
        return " " if b_kw else ""
    if y in {"(", "["} and (
        (a.type == tokenize.NAME and not a_kw) or x in {")", "]"} or a.type == tokenize.STRING
    ):
        return ""
    if x == "@" and first_of_line:
        return ""
    if y == ":" or (x == ":" and brackets and brackets[-1] == "["):
        return ""
    if (x == "=" or y == "=") and brackets and brackets[-1] == "(":
        return ""
    if x in {"-", "+", "~", "*", "**"} and (
        before_a is None
        or (before_a.type == tokenize.OP and before_a.string not in _CLOSING)
        or before_a.string in _UNARY_AFTER
    ):
        return ""
    if x == "," or y == ",":
        return "" if style.tight and x == "," and brackets else " "
    if style.tight and (x in _BINARY or y in _BINARY) and not (a_kw or b_kw):
        return ""
    return " "


def reformat(src: str, rng: random.Random) -> str:
    """Re-print the token stream in a random style (see the module docstring)."""
    style = _Style(
        indent=rng.choice(["  ", "   ", "\t", " " * 8]),
        break_after_comma=rng.choice([0.0, 0.0, 0.35, 1.0]),
        tight=rng.random() < 0.5,
        drop_blank=rng.choice([0.3, 0.7, 1.0]),
        add_blank=rng.choice([0.0, 0.05, 0.15]),
        quote=rng.choice(["'", '"']),
    )
    out = _print_tokens(src, style, rng)
    if ast.dump(ast.parse(out)) != ast.dump(ast.parse(src)):
        raise ValueError("re-formatting changed the syntax tree")
    return out


def _print_tokens(src: str, style: _Style, rng: random.Random) -> str:
    out: list[str] = []
    line: list[str] = []  # pieces of the output line being built
    level = 0
    original_indents = [0]
    brackets: list[str] = []
    prev: tokenize.TokenInfo | None = None  # previous token on this output line
    before_prev: tokenize.TokenInfo | None = None
    after_comment_line = False

    def end_line() -> None:
        nonlocal prev, before_prev
        out.append("".join(line).rstrip() + "\n")
        line.clear()
        prev = before_prev = None

    def continuation() -> None:
        end_line()
        line.append(style.indent * (level + 2))

    for tok in _tokens(src):
        kind = tok.type
        if kind in (tokenize.ENCODING, tokenize.ENDMARKER):
            continue
        if kind == tokenize.INDENT:
            level += 1
            original_indents.append(len(tok.string.expandtabs()))
            continue
        if kind == tokenize.DEDENT:
            level -= 1
            original_indents.pop()
            continue
        if kind == tokenize.NEWLINE:
            decorator = line[1:2] == ["@"]
            end_line()
            if style.add_blank and not decorator and rng.random() < style.add_blank:
                out.append("\n")
            continue
        if kind == tokenize.NL:
            if brackets:
                continue  # breaks inside brackets are decided anew
            if line:
                end_line()
            elif after_comment_line:
                after_comment_line = False
            elif rng.random() >= style.drop_blank:
                out.append("\n")  # a blank line kept
            continue
        if kind == tokenize.COMMENT:
            if not line:  # a comment on a line of its own
                col = len(tok.line[: tok.start[1]].expandtabs())
                depth = sum(1 for c in original_indents[1:] if c <= col)
                depth += col > original_indents[-1]  # above the first line of a block
                out.append(style.indent * depth + tok.string + "\n")
                after_comment_line = True
                continue
            line.append("  " + tok.string)
            if brackets:
                continuation()
            else:
                prev = tok
            continue
        text = tok.string
        if kind == tokenize.STRING:
            text = _requote(text, style.quote)
        if not line:
            line.append(style.indent * level)
        elif prev is not None:  # (None: the start of a continuation line)
            line.append(_space(prev, tok, before_prev, brackets, len(line) == 2, style))
        line.append(text)
        before_prev, prev = prev, tok
        if text in _OPENING:
            brackets.append(text)
        elif text in _CLOSING:
            brackets.pop()
        elif text == "," and brackets and rng.random() < style.break_after_comma:
            continuation()
    if line:
        end_line()
    return "".join(out)


# -- comments ------------------------------------------------------------------------------
def _docstring_nodes(tree: ast.AST) -> Iterator[tuple[ast.AST, ast.Expr]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                yield node, first


def strip_comments(src: str, rng: random.Random | None = None) -> str:
    """Every comment and docstring removed (``rng`` is unused: the result is determined)."""
    lines = src.splitlines(keepends=True)
    tree = ast.parse(src)
    spans = []
    for owner, doc in _docstring_nodes(tree):
        assert doc.end_lineno is not None and doc.end_col_offset is not None
        first, last = lines[doc.lineno - 1], lines[doc.end_lineno - 1]
        head = first[: _char_col(first, doc.col_offset)]
        tail = last[_char_col(last, doc.end_col_offset) :]
        if head.strip() or (tail.strip() and not tail.strip().startswith("#")):
            continue  # shares a line with other code: leave it
        alone = len(getattr(owner, "body", [])) == 1 and not isinstance(owner, ast.Module)
        spans.append((doc.lineno - 1, doc.end_lineno, head + "pass\n" if alone else ""))
    for a, b, replacement in sorted(spans, reverse=True):
        lines[a:b] = [replacement] if replacement else []
    src = "".join(lines)
    lines = src.splitlines(keepends=True)
    drop_lines: set[int] = set()
    cuts: dict[int, int] = {}
    for tok in _tokens(src):
        if tok.type != tokenize.COMMENT:
            continue
        row, col = tok.start
        if not tok.line[:col].strip():
            drop_lines.add(row - 1)
        else:
            cuts[row - 1] = col
    out = []
    for i, line in enumerate(lines):
        if i in drop_lines:
            continue
        if i in cuts:
            line = line[: cuts[i]].rstrip() + "\n"
        out.append(line)
    return _parse_ok("".join(out))


def _sentence(rng: random.Random, lo: int = 3, hi: int = 9) -> str:
    words = rng.choices(_COMMENT_WORDS, k=rng.randint(lo, hi))
    return " ".join(words).capitalize()


def add_comments(src: str, rng: random.Random, rate: float = 0.15) -> str:
    """New comment lines, trailing comments and docstrings (see the module docstring)."""
    lines = src.splitlines(keepends=True)
    tree = ast.parse(src)
    has_comment = {t.start[0] - 1 for t in _tokens(src) if t.type == tokenize.COMMENT}
    before: dict[int, list[str]] = {}
    trailing: dict[int, str] = {}
    documented = {id(owner) for owner, _ in _docstring_nodes(tree)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        row = node.lineno - 1
        line = lines[row]
        col = _char_col(line, node.col_offset)
        indent = line[:col]
        if indent.strip():
            continue  # not the first statement on its line
        if isinstance(node, _DEFS) and id(node) not in documented and rng.random() < 0.6:
            body = node.body[0]
            decorators = getattr(body, "decorator_list", [])
            body_row = min([body.lineno, *(d.lineno for d in decorators)]) - 1
            body_line = lines[body.lineno - 1]
            body_col = _char_col(body_line, body.col_offset)
            if body_row >= node.lineno and not body_line[:body_col].strip():
                doc = f'{body_line[:body_col]}"""{_sentence(rng, 4, 12)}."""\n'
                before.setdefault(body_row, []).append(doc)
        if getattr(node, "decorator_list", None):
            continue  # a comment goes above the decorators, not between them and the def
        if rng.random() < rate:
            before.setdefault(row, []).insert(0, f"{indent}# {_sentence(rng)}\n")
        elif (
            node.end_lineno == node.lineno
            and row not in has_comment
            and not isinstance(node, (*_DEFS, ast.If, ast.For, ast.While, ast.With, ast.Try))
            and rng.random() < rate
        ):
            assert node.end_col_offset is not None
            rest = line[_char_col(line, node.end_col_offset) :]
            if not rest.strip():
                trailing[row] = f"  # {_sentence(rng, 2, 6).lower()}"
    out = []
    for i, line in enumerate(lines):
        out.extend(before.get(i, []))
        if i in trailing:
            line = line.rstrip("\r\n") + trailing[i] + "\n"
        out.append(line)
    return _parse_ok("".join(out))


# -- reordering ----------------------------------------------------------------------------
def _whole_line_spans(lines: list[str], body: list[ast.stmt], lo: int) -> list[tuple[int, int]]:
    """Line span [a, b) of each statement, with the comment lines right above it, or [] when
    some statement shares a line with another (then the body is left as it is)."""
    spans = []
    floor = lo
    for node in body:
        assert node.end_lineno is not None and node.end_col_offset is not None
        decorators = getattr(node, "decorator_list", [])
        first = min([node.lineno, *(d.lineno for d in decorators)])
        a, b = first - 1, node.end_lineno
        start_line = lines[a]
        col = _char_col(start_line, min([node.col_offset, *(d.col_offset - 1 for d in decorators)]))
        end_line = lines[b - 1]
        tail = end_line[_char_col(end_line, node.end_col_offset) :].strip()
        if start_line[:col].strip() or (tail and not tail.startswith("#")) or a < floor:
            return []
        while a - 1 >= floor and lines[a - 1].strip().startswith("#"):
            a -= 1
        spans.append((a, b))
        floor = b
    return spans


def _render(lines: list[str], lo: int, hi: int, body: list[ast.stmt], rng: random.Random) -> str:
    """``lines[lo:hi]`` with the definitions of ``body`` shuffled (classes recursively)."""
    spans = _whole_line_spans(lines, body, lo)
    if not spans:
        return "".join(lines[lo:hi])
    texts = []
    for node, (a, b) in zip(body, spans, strict=True):
        if isinstance(node, ast.ClassDef):
            texts.append(_render(lines, a, b, node.body, rng))
        else:
            texts.append("".join(lines[a:b]))
    order = list(range(len(body)))
    run: list[int] = []
    for i in [*range(len(body)), len(body)]:
        if i < len(body) and isinstance(body[i], _DEFS):
            run.append(i)
            continue
        if len(run) > 1:
            shuffled = run[:]
            while shuffled == run:
                rng.shuffle(shuffled)
            for slot, item in zip(run, shuffled, strict=True):
                order[slot] = item
        run = []
    pieces = []
    cursor = lo
    for slot, (a, b) in enumerate(spans):
        pieces.append("".join(lines[cursor:a]))
        text = texts[order[slot]]
        pieces.append(text if text.endswith("\n") else text + "\n")
        cursor = b
    pieces.append("".join(lines[cursor:hi]))
    return "".join(pieces)


def reorder(src: str, rng: random.Random) -> str:
    """Functions and classes shuffled, and methods inside every class (module docstring)."""
    lines = src.splitlines(keepends=True)
    tree = ast.parse(src)
    return _parse_ok(_render(lines, 0, len(lines), tree.body, rng))


# -- excerpts and merges -------------------------------------------------------------------
@dataclass(frozen=True)
class Unit:
    """A piece of a module that is valid Python on its own."""

    text: str
    lines: int  # lines of code (:func:`code_lines`)


def _header(lines: list[str], node: ast.ClassDef, a: int) -> str:
    """The lines of a class statement before its first body statement (decorators included)."""
    first = node.body[0]
    start = min([first.lineno, *(d.lineno for d in getattr(first, "decorator_list", []))])
    return "".join(lines[a : start - 1])


def _bodies(src: str) -> Iterator[tuple[str, list[str], list[ast.stmt], list[tuple[int, int]]]]:
    """(prefix, lines, statements, spans) for the module and for every top-level class."""
    lines = src.splitlines(keepends=True)
    tree = ast.parse(src)
    spans = _whole_line_spans(lines, tree.body, 0)
    if not spans:
        return
    yield "", lines, tree.body, spans
    for node, (a, _b) in zip(tree.body, spans, strict=True):
        if isinstance(node, ast.ClassDef):
            inner = _whole_line_spans(lines, node.body, a)
            if inner:
                header = _header(lines, node, a)
                if header.strip():
                    yield header, lines, node.body, inner


def code_lines(src: str) -> list[int]:
    """``out[i]``: how many of the first ``i`` lines hold code (not blank, not only a comment,
    not part of a docstring) — lines of code are counted as ``out[b] - out[a]``."""
    lines = src.splitlines(keepends=True)
    docs: set[int] = set()
    for _, doc in _docstring_nodes(ast.parse(src)):
        assert doc.end_lineno is not None
        docs.update(range(doc.lineno - 1, doc.end_lineno))
    code = {t.start[0] - 1 for t in _tokens(src) if t.type not in LAYOUT} - docs
    out = [0]
    for i in range(len(lines)):
        out.append(out[-1] + (i in code))
    return out


def excerpt(src: str, rng: random.Random, min_lines: int = 40, max_lines: int = 150) -> str | None:
    """A contiguous run of definitions holding ``min_lines``..``max_lines`` lines of code
    (:func:`code_lines`), or None."""
    windows = []
    loc = code_lines(src)
    for prefix, lines, body, spans in _bodies(src):
        for i, node in enumerate(body):
            if not isinstance(node, _DEFS):
                continue
            for j in range(i, len(body)):
                size = loc[spans[j][1]] - loc[spans[i][0]]
                if size >= min_lines:
                    if size <= max_lines:
                        windows.append((prefix, "".join(lines[spans[i][0] : spans[j][1]])))
                    break
    if not windows:
        return None
    prefix, text = rng.choice(windows)
    return _parse_ok(prefix + text)


def definition_units(src: str, max_lines: int = 150) -> list[Unit]:
    """Top-level functions and classes of at most ``max_lines`` lines of code, and the methods of
    longer classes under their class line."""
    lines = src.splitlines(keepends=True)
    tree = ast.parse(src)
    loc = code_lines(src)
    units: list[Unit] = []
    spans = _whole_line_spans(lines, tree.body, 0)
    for node, (a, b) in zip(tree.body, spans if spans else [], strict=bool(spans)):
        if not isinstance(node, _DEFS):
            continue
        if loc[b] - loc[a] <= max_lines:
            units.append(Unit("".join(lines[a:b]), loc[b] - loc[a]))
        elif isinstance(node, ast.ClassDef):
            header = _header(lines, node, a)
            inner = _whole_line_spans(lines, node.body, a)
            for item, (c, d) in zip(node.body, inner, strict=bool(inner)):
                method = isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                if method and 3 < loc[d] - loc[c] <= max_lines:
                    units.append(Unit(header + "".join(lines[c:d]), loc[d] - loc[c]))
    return [u for u in units if _valid(u.text)]


def _valid(src: str) -> bool:
    try:
        ast.parse(src)
    except SyntaxError:
        return False
    return True


def pick_units(src: str, rng: random.Random, min_lines: int) -> list[Unit]:
    """Random definitions (:func:`definition_units`) with ``min_lines`` lines of code or more."""
    units = definition_units(src)
    rng.shuffle(units)
    picked, total = [], 0
    for unit in units:
        if total >= min_lines:
            break
        picked.append(unit)
        total += unit.lines
    return picked if total >= min_lines else []


def imports(src: str) -> list[str]:
    """The module's top-level import statements, as text."""
    tree = ast.parse(src)
    return [
        ast.get_source_segment(src, node) or ""
        for node in tree.body
        if isinstance(node, ast.Import)
        or (isinstance(node, ast.ImportFrom) and node.module != "__future__")
    ]


def merge(parts: Sequence[Sequence[Unit]], import_lines: Sequence[str], rng: random.Random) -> str:
    """Definitions from several modules (and unrelated ones) shuffled into one file."""
    blocks = [u.text.rstrip("\n") + "\n" for units in parts for u in units]
    rng.shuffle(blocks)
    seen: list[str] = []
    for line in import_lines:
        if line and line not in seen:
            seen.append(line)
    head = "".join(line + "\n" for line in seen)
    return _parse_ok(head + "\n\n" + "\n\n".join(blocks))


def combined(src: str, rng: random.Random) -> str:
    """Rename, strip and add comments, reorder, re-format."""
    out = rename(src, rng)
    out = add_comments(strip_comments(out), rng)
    out = reorder(out, rng)
    return reformat(out, rng)
