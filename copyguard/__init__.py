"""copyguard: a full-chain copyright protection platform."""

__version__ = "0.1.0"
