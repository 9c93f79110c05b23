"""`accord bench import`: a generated spreadsheet of N clients through the whole import.

The CSV (semicolons, UTF-8 with BOM, as Excel saves it in Russia) holds companies and sole
traders with valid INNs, phones in mixed formats, e-mails, a contact person with a position
and tags; one row in a hundred is bad (a wrong INN check digit or an unreadable phone), so
validation and the failed-rows report are part of the figure. Steps: the check (dry run),
the first load, the re-load of the same file (must change nothing), and reading an XLSX
copy of the file (T3). Writes N counterparties: use a scratch database.
"""

from __future__ import annotations

import csv
import multiprocessing
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from stdnum.ru import inn as stdnum_inn

from accord.bench.exchange import peak_rss_mb
from accord.imports.formats.tables import open_table
from accord.imports.models import ImportJob, ImportStatus
from accord.imports.services import import_apply, import_check, import_map, import_upload
from accord.users.models import User

HEADER = ["Наименование", "ИНН", "КПП", "Телефон", "E-mail", "Контактное лицо", "Должность",
          "Теги"]  # fmt: skip
MAPPING = {
    "object": "counterparties",
    "columns": {"Наименование": "name", "ИНН": "inn", "КПП": "kpp", "Телефон": "phone",
                "E-mail": "email", "Контактное лицо": "contact.name",
                "Должность": "contact.position", "Теги": "tags"},
    "key": "inn_kpp", "policy": "upsert", "on_error": "skip",
}  # fmt: skip
WORDS = ["Альфа", "Вектор", "Гранит", "Дельта", "Заря", "Исток", "Кедр", "Лидер", "Меридиан",
         "Норд", "Орион", "Прогресс", "Ресурс", "Сфера", "Техно", "Урал", "Феникс", "Эталон"]  # fmt: skip
FORMS = ["ООО", "АО", "ПАО", "ИП"]
FIRST = ["Анна", "Борис", "Виктор", "Галина", "Дмитрий", "Елена", "Иван", "Мария", "Олег"]
FEMALE = {"Анна", "Галина", "Елена", "Мария"}
LAST = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов"]
POSITIONS = ["Директор", "Главный бухгалтер", "Менеджер по закупкам", "Снабженец"]
TAGS = ["опт", "розница", "регион", "VIP-кандидат", ""]


@dataclass(frozen=True)
class Step:
    name: str
    seconds: float
    rows: int
    counts: dict[str, int]

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _inn(n: int, person: bool) -> str:
    if person:
        body = f"50{n:08d}"
        return body + stdnum_inn.calc_personal_check_digits(body)
    body = f"50{n:07d}"
    return body + stdnum_inn.calc_company_check_digit(body)


def _phone(rng: random.Random) -> str:
    digits = f"9{rng.randrange(10**9):09d}"
    shapes = ("+7 ({0}) {1}-{2}-{3}", "8{0}{1}{2}{3}", "8 {0} {1} {2} {3}", "+7{0}{1}{2}{3}")
    return rng.choice(shapes).format(digits[:3], digits[3:6], digits[6:8], digits[8:])


def write_csv(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADER)
        for n in range(1, rows + 1):
            form = rng.choice(FORMS)
            person = form == "ИП"
            last, first = rng.choice(LAST), rng.choice(FIRST)
            if first in FEMALE:
                last += "а"
            name = f"ИП {last} {first[0]}." if person else f'{form} "{rng.choice(WORDS)}-{n}"'
            inn = _inn(n, person)
            phone = _phone(rng)
            if n % 100 == 0:  # one bad row in a hundred
                inn, phone = (
                    (inn[:-1] + str((int(inn[-1]) + 1) % 10), phone) if n % 200 else (inn, "12-34")
                )
            kpp = "" if person else f"{inn[:4]}01001"
            writer.writerow([
                name, inn, kpp, phone, f"info{n}@example.ru", f"{last} {first}",
                rng.choice(POSITIONS), rng.choice(TAGS),
            ])  # fmt: skip


def write_xlsx(csv_path: Path, xlsx_path: Path) -> None:
    book = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    sheet = book.add_worksheet("Клиенты")
    with csv_path.open(encoding="utf-8-sig", newline="") as source:
        for r, row in enumerate(csv.reader(source, delimiter=";")):
            for c, value in enumerate(row):
                sheet.write_string(r, c, value)
    book.close()


def _write_apart(folder: Path, rows: int, seed: int) -> tuple[Path, Path]:
    """Write the files in a child process: the generator's memory never counts in the RSS."""
    csv_path, xlsx_path = folder / "clients.csv", folder / "clients.xlsx"

    def both() -> None:
        write_csv(csv_path, rows, seed)
        write_xlsx(csv_path, xlsx_path)

    child = multiprocessing.get_context("fork").Process(target=both)
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"Writing the bench files failed (exit code {child.exitcode}).")
    return csv_path, xlsx_path


def _actor() -> User:
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        user = User.objects.create_superuser("bench-import", password="bench-import-password")
    return user


def _import(actor: User, path: Path, *, write: bool) -> tuple[ImportJob, float]:
    with path.open("rb") as source:
        job = import_upload(actor=actor, obj="counterparties", filename=path.name, source=source)
    job = import_map(actor=actor, job=job, mapping=MAPPING)
    started = time.perf_counter()
    if write:
        job = import_apply(actor=actor, job=job, run_now=True)
    else:
        job = import_check(actor=actor, job=job, run_now=True)
    seconds = time.perf_counter() - started
    if job.status not in (ImportStatus.DONE, ImportStatus.CHECKED):
        raise RuntimeError(f"The import failed: {job.message}")
    return job, seconds


def run(*, rows: int, seed: int) -> tuple[list[Step], dict[str, Any]]:
    actor = _actor()
    with tempfile.TemporaryDirectory(prefix="accord-bench-import-") as tmp:
        csv_path, xlsx_path = _write_apart(Path(tmp), rows, seed)
        sizes = {p.name: round(p.stat().st_size / 1e6, 1) for p in (csv_path, xlsx_path)}
        steps = []
        for name, write in (
            ("check (dry run)", False),
            ("load (new)", True),
            ("load (again)", True),
        ):
            job, seconds = _import(actor, csv_path, write=write)
            counts = job.counts if write else job.check_counts
            steps.append(Step(name, seconds, rows, counts))
        started = time.perf_counter()
        read = 0
        with open_table(xlsx_path) as table:
            for _row in table:
                read += 1
        steps.append(Step("xlsx read", time.perf_counter() - started, read, {}))
    return steps, {"sizes_mb": sizes, "peak_rss_mb": round(peak_rss_mb(), 1)}
