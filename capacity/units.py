"""Readable units. Everything is decimal (SI): 1 KB = 1,000 bytes, 1 Mbit/s = 1,000,000 bit/s;
counts use K (thousand), M (million), B (billion), T (trillion)."""

from __future__ import annotations

_COUNT = (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3))
_BYTES = (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3))
_BITS = (("Tbit/s", 1e12), ("Gbit/s", 1e9), ("Mbit/s", 1e6), ("Kbit/s", 1e3))

CONVERSIONS = (
    "1 KB = 1,000 B; 1 MB = 1,000 KB; 1 GB = 1,000 MB; 1 TB = 1,000 GB; 1 PB = 1,000 TB; "
    "1 byte = 8 bits; 1 Mbit/s = 1,000,000 bit/s; 1 day = 86,400 s; 1 year = 365 days; "
    "K = thousand, M = million, B = billion, T = trillion"
)


def _scaled(value: float, units: tuple[tuple[str, float], ...], base: str, sep: str = "") -> str:
    for suffix, size in units:
        # The largest unit in which the value shows as at least 1.0 (so 999,950 is 1.0M, not
        # 1000.0K), while 999 stays 999.
        if abs(value) >= size * 0.99995:
            return f"{value / size:.1f}{sep}{suffix}"
    text = f"{int(value)}" if float(value).is_integer() else f"{value:.1f}"
    return f"{text}{sep}{base}" if base else text


def count(value: float) -> str:
    """999 → '999', 1,000 → '1.0K', 2,500,000 → '2.5M'."""
    return _scaled(value, _COUNT, "")


def size(n_bytes: float) -> str:
    """999 → '999 B', 1,000 → '1.0 KB', 1.5e12 → '1.5 TB'."""
    return _scaled(n_bytes, _BYTES, "B", " ")


def rate(bits_per_s: float) -> str:
    """999 → '999 bit/s', 1e6 → '1.0 Mbit/s', 2.5e12 → '2.5 Tbit/s'."""
    return _scaled(bits_per_s, _BITS, "bit/s", " ")
