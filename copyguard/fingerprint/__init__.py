"""copyguard's identification engine: extraction, fingerprints, index and matching.

A pure library: it imports nothing from Django or from the rest of copyguard.
"""

from copyguard.fingerprint.code import gen_code_fingerprints, gen_code_fingerprints_v0
from copyguard.fingerprint.extract import ExtractionError, extract
from copyguard.fingerprint.index import Hits, Index, IndexFormatError
from copyguard.fingerprint.match import (
    DEFAULT_THRESHOLD,
    Coverage,
    Match,
    Matcher,
    MatchSegment,
)
from copyguard.fingerprint.normalize import Normalized, normalize, normalize_v0
from copyguard.fingerprint.text import (
    Fingerprints,
    gen_iscc_text_code,
    gen_text_fingerprints,
    gen_text_fingerprints_v0,
    gen_text_simcode,
    gen_text_simcode_v0,
    is_near_duplicate,
    simcode_distance,
)

__all__: list[str] = [
    "DEFAULT_THRESHOLD",
    "Coverage",
    "ExtractionError",
    "Fingerprints",
    "Hits",
    "Index",
    "IndexFormatError",
    "Match",
    "MatchSegment",
    "Matcher",
    "Normalized",
    "extract",
    "gen_code_fingerprints",
    "gen_code_fingerprints_v0",
    "gen_iscc_text_code",
    "gen_text_fingerprints",
    "gen_text_fingerprints_v0",
    "gen_text_simcode",
    "gen_text_simcode_v0",
    "is_near_duplicate",
    "normalize",
    "normalize_v0",
    "simcode_distance",
]
