"""A catalog far larger than memory would allow as a tree is read in bounded memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from accord.exchange.formats.commerceml import read_package
from accord.exchange.formats.records import OfferRecord, PackageHeader, ProductRecord
from tests.exchange.formats.generate import product_id, write_import, write_offers

PRODUCTS = 200_000
MB = 2**20


def _rss_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as statm:
            resident_pages = int(statm.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    import resource

    return resident_pages * resource.getpagesize()


def _products_in(path: Path, *, sample_every: int = 0) -> tuple[int, str, int]:
    """Count products; also the last id and the peak resident growth seen while reading."""
    rss_before = _rss_bytes() or 0
    rss_peak = rss_before
    products = 0
    last = ""
    records = read_package(path)
    assert isinstance(next(records), PackageHeader)
    for record in records:
        if isinstance(record, ProductRecord):
            products += 1
            last = record.external_id
            if sample_every and products % sample_every == 0:
                rss_peak = max(rss_peak, _rss_bytes() or 0)
    return products, last, rss_peak - rss_before


def test_a_200k_product_import_streams_in_bounded_memory(tmp_path: Path) -> None:
    path = write_import(tmp_path / "import.xml", PRODUCTS, rich=False)
    assert path.stat().st_size > 40 * MB
    products, last, rss_growth = _products_in(path, sample_every=10_000)
    assert (products, last) == (PRODUCTS, product_id(PRODUCTS - 1))
    # The resident set covers libxml2's tree too, which tracemalloc cannot see.
    if _rss_bytes() is not None:
        assert rss_growth < 100 * MB


def test_python_memory_stays_flat_while_streaming(tmp_path: Path) -> None:
    path = write_import(tmp_path / "import.xml", 30_000, rich=False)
    tracemalloc.start()
    try:
        products, _last, _growth = _products_in(path)
        _current, python_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert products == 30_000
    # Reading holds about one chunk and one record; keeping the records would take ~22 MB.
    assert python_peak < 10 * MB


@pytest.mark.parametrize("count", [1, 2_500])
def test_generated_offers_read_back_in_order(tmp_path: Path, count: int) -> None:
    path = write_offers(tmp_path / "offers.xml", count)
    offers = [r for r in read_package(path) if isinstance(r, OfferRecord)]
    assert [o.external_id for o in offers] == [product_id(i) for i in range(count)]
    assert offers[-1].stock_by_warehouse is not None
    assert offers[-1].prices is not None
    assert offers[-1].prices[0].value == 100 + (count - 1) % 1000 + 0.5
