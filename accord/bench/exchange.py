"""`accord bench exchange`: load a generated 1C catalog of N products through the exchange.

The files are written the way UT 11's standard module writes them (CommerceML 2.07,
namespace, BOM, `import0_1.xml` then `offers0_1.xml` with two price types and two
warehouses), so the figure covers the whole pipeline: the checking pass, the streaming
reader, the mapping and the database. It loads both files twice (the second time is the
idempotent re-import: every record unchanged), then an offers file in which every price and
stock figure has changed (the hourly update from 1C).
"""

from __future__ import annotations

import multiprocessing
import random
import resource
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from django.db import transaction

from accord.exchange.models import ExchangeNode, ExchangeRun, RunSource
from accord.exchange.node_services import node_add_or_update
from accord.exchange.run_services import run_create, run_process

NS = "urn:1C.ru:commerceml_2"
HEAD = '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n'
ROOT = f'<КоммерческаяИнформация xmlns="{NS}" ВерсияСхемы="2.07" ДатаФормирования="2026-11-23T10:00:00">\n'
GROUPS = 100


@dataclass(frozen=True)
class Step:
    name: str
    seconds: float
    records: int
    counts: dict[str, Any]
    status: str

    @property
    def rows_per_second(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def catalog_paths(folder: Path) -> tuple[Path, Path, Path]:
    """Where `write_catalog` puts the catalog, its offers and the changed offers."""
    return (
        folder / "import0_1.xml",
        folder / "offers0_1.xml",
        folder / "offers0_1-changed" / "offers0_1.xml",
    )


def write_catalog(folder: Path, products: int, seed: int) -> tuple[Path, Path, Path]:
    """import0_1.xml, offers0_1.xml with `products` products, and a second offers file
    in which every price and stock figure has changed; deterministic for a seed."""
    rng = random.Random(seed)
    catalog = _uid(rng)
    groups = [_uid(rng) for _ in range(GROUPS)]
    ids = [_uid(rng) for _ in range(products)]
    prices, stores = [_uid(rng), _uid(rng)], [_uid(rng), _uid(rng)]
    import_path, offers_path, changed_path = catalog_paths(folder)
    with import_path.open("w", encoding="utf-8") as out:
        out.write(
            HEAD
            + ROOT
            + f"<Классификатор><Ид>{catalog}</Ид><Наименование>Бенч</Наименование><Группы>"
        )
        for n, group in enumerate(groups):
            out.write(f"<Группа><Ид>{group}</Ид><Наименование>Группа {n}</Наименование></Группа>")
        out.write(f'</Группы></Классификатор><Каталог СодержитТолькоИзменения="false"><Ид>{catalog}</Ид>'
                  f"<ИдКлассификатора>{catalog}</ИдКлассификатора><Наименование>Бенч</Наименование><Товары>\n")  # fmt: skip
        for n, pid in enumerate(ids):
            _product(out, pid, n, groups[n % GROUPS])
        out.write("</Товары></Каталог></КоммерческаяИнформация>\n")
    changed_path.parent.mkdir()
    for path, shift in ((offers_path, 0), (changed_path, 1)):
        with path.open("w", encoding="utf-8") as out:
            _offers(out, catalog, ids, prices, stores, shift)
    return import_path, offers_path, changed_path


def _offers(
    out: TextIO, catalog: str, ids: list[str], prices: list[str], stores: list[str], shift: int
) -> None:
    out.write(HEAD + ROOT + f'<ПакетПредложений СодержитТолькоИзменения="false"><Ид>{catalog}#</Ид>'
              f"<Наименование>Бенч</Наименование><ИдКаталога>{catalog}</ИдКаталога><ТипыЦен>")  # fmt: skip
    for n, pt in enumerate(prices):
        out.write(
            f"<ТипЦены><Ид>{pt}</Ид><Наименование>Цена {n}</Наименование><Валюта>RUB</Валюта></ТипЦены>"
        )
    out.write("</ТипыЦен><Склады>")
    for n, store in enumerate(stores):
        out.write(f"<Склад><Ид>{store}</Ид><Наименование>Склад {n}</Наименование></Склад>")
    out.write("</Склады><Предложения>\n")
    for n, pid in enumerate(ids):
        price = 100 + (n * 37) % 9000 + shift
        out.write(
            f"<Предложение><Ид>{pid}</Ид><Наименование>Товар {n}</Наименование>"
            f"<Цены><Цена><ИдТипаЦены>{prices[0]}</ИдТипаЦены><ЦенаЗаЕдиницу>{price}.00</ЦенаЗаЕдиницу>"
            f"<Валюта>RUB</Валюта></Цена><Цена><ИдТипаЦены>{prices[1]}</ИдТипаЦены>"
            f"<ЦенаЗаЕдиницу>{price * 0.8:.2f}</ЦенаЗаЕдиницу><Валюта>RUB</Валюта></Цена></Цены>"
            f"<Количество>{n % 50 + shift}</Количество>"
            f'<Склад ИдСклада="{stores[0]}" КоличествоНаСкладе="{n % 30 + shift}"/>'
            f'<Склад ИдСклада="{stores[1]}" КоличествоНаСкладе="{n % 20 + shift}"/></Предложение>\n'
        )
    out.write("</Предложения></ПакетПредложений></КоммерческаяИнформация>\n")


def _product(out: TextIO, pid: str, n: int, group: str) -> None:
    out.write(
        f"<Товар><Ид>{pid}</Ид><Штрихкод>46{n:011d}</Штрихкод><Артикул>A-{n:07d}</Артикул>"
        f"<Наименование>Товар {n}</Наименование>"
        '<БазоваяЕдиница Код="796" НаименованиеПолное="Штука" МеждународноеСокращение="PCE">шт</БазоваяЕдиница>'
        f"<Группы><Ид>{group}</Ид></Группы><Описание>Описание товара {n}</Описание>"
        "<СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>20</Ставка></СтавкаНалога></СтавкиНалогов>"
        "<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>ТипНоменклатуры</Наименование><Значение>Товар</Значение></ЗначениеРеквизита>"
        f"<ЗначениеРеквизита><Наименование>Полное наименование</Наименование><Значение>Товар номер {n}</Значение></ЗначениеРеквизита>"
        "</ЗначенияРеквизитов></Товар>\n"
    )


def _load(node: ExchangeNode, path: Path, name: str) -> Step:
    started = time.perf_counter()
    with transaction.atomic():
        run = run_create(node=node, path=path, filename=path.name, source=RunSource.CLI)
    run_process(run.pk)
    seconds = time.perf_counter() - started
    run = ExchangeRun.objects.get(pk=run.pk)
    return Step(name, seconds, run.totals()["read"], run.counts, run.status)


def peak_rss_mb() -> float:
    """The peak resident memory of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _write_apart(folder: Path, products: int, seed: int) -> tuple[Path, Path, Path]:
    """Write the files in a child process, so that the generator's lists of ids (100 MB for
    a million products) never count in the peak RSS measured for the loading."""
    child = multiprocessing.get_context("fork").Process(
        target=write_catalog, args=(folder, products, seed)
    )
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"Writing the bench files failed (exit code {child.exitcode}).")
    return catalog_paths(folder)


def run(*, products: int, seed: int) -> tuple[list[Step], dict[str, float]]:
    """Generate the files, load them twice, answer the steps and the file sizes in MB."""
    node, _created = node_add_or_update(name="bench", login="bench", password="bench-password")
    with tempfile.TemporaryDirectory(prefix="accord-bench-1c-") as tmp:
        import_path, offers_path, changed_path = _write_apart(Path(tmp), products, seed)
        sizes = {p.name: p.stat().st_size / 1e6 for p in (import_path, offers_path)}
        steps = [
            _load(node, import_path, "import (new)"),
            _load(node, offers_path, "offers (new)"),
            _load(node, import_path, "import (again)"),
            _load(node, offers_path, "offers (again)"),
            _load(node, changed_path, "offers (changed)"),
        ]
    return steps, sizes
