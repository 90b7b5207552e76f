"""The source deposit of a software registration, made from the uploaded source code.

The deposit is the first and the last ``PAGES_EACH_END`` pages of the source (all of it
when it is shorter), ``LINES_PER_PAGE`` lines a page, files in name order, each headed by
its name. The applicant may black out up to half of the deposited pages: their lines are
replaced by blocks of the same length, so the page layout stays as it was.
"""

from __future__ import annotations

from typing import TypedDict

__all__ = [
    "LINES_PER_PAGE",
    "PAGES_EACH_END",
    "DepositPage",
    "SourceDeposit",
    "all_lines",
    "make_deposit",
    "max_redacted",
    "page_numbers",
]

LINES_PER_PAGE = 50
PAGES_EACH_END = 30
REDACTED = "█"


class DepositPage(TypedDict):
    number: int  # page number in the whole source, from 1
    redacted: bool
    lines: list[str]


class SourceDeposit(TypedDict):
    lines_per_page: int
    total_lines: int
    total_pages: int
    pages: list[DepositPage]


def max_redacted(page_count: int) -> int:
    return page_count // 2


def all_lines(sources: list[tuple[str, str]]) -> list[str]:
    lines: list[str] = []
    for name, text in sorted(sources):
        lines.append(f"// ===== {name} =====")
        lines.extend(text.splitlines())
    return lines


def page_numbers(line_count: int) -> list[int]:
    """Numbers of the pages deposited from a source of ``line_count`` lines."""
    total_pages = -(-line_count // LINES_PER_PAGE)
    if total_pages <= 2 * PAGES_EACH_END:
        return list(range(1, total_pages + 1))
    return list(range(1, PAGES_EACH_END + 1)) + list(
        range(total_pages - PAGES_EACH_END + 1, total_pages + 1)
    )


def make_deposit(
    sources: list[tuple[str, str]], redact: set[int] | frozenset[int] = frozenset()
) -> SourceDeposit:
    """The deposit of ``sources`` (file name, text) with page numbers ``redact`` blacked out.

    Raises ``ValueError`` when a page to redact is not in the deposit or more than half
    would be; callers check both first to give the user a translated message.
    """
    lines = all_lines(sources)
    numbers = page_numbers(len(lines))
    total_pages = -(-len(lines) // LINES_PER_PAGE)
    unknown = sorted(set(redact) - set(numbers))
    if unknown:
        raise ValueError(f"page {unknown[0]} is not in the deposit")
    if len(redact) > max_redacted(len(numbers)):
        raise ValueError(
            f"at most {max_redacted(len(numbers))} of the {len(numbers)} pages may be redacted"
        )
    pages: list[DepositPage] = []
    for number in numbers:
        chunk = lines[(number - 1) * LINES_PER_PAGE : number * LINES_PER_PAGE]
        hidden = number in redact
        if hidden:
            chunk = [REDACTED * len(line) for line in chunk]
        pages.append({"number": number, "redacted": hidden, "lines": chunk})
    return {
        "lines_per_page": LINES_PER_PAGE,
        "total_lines": len(lines),
        "total_pages": total_pages,
        "pages": pages,
    }
