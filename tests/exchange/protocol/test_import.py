"""import: polled until the background run is over; resumed when its worker went silent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accord.catalog.models import Product
from accord.exchange.models import ExchangeRun, RunStatus
from accord.exchange.run_services import run_process
from tests.exchange.protocol.conftest import catalog_xml

pytestmark = pytest.mark.django_db


def test_import_of_a_file_never_uploaded_fails(authed):
    authed.lines("init")

    lines = authed.lines("import", filename="import0_1.xml")

    assert lines == ["failure", "Файл import0_1.xml не найден."]
    assert not ExchangeRun.objects.exists()


def test_import_without_a_filename_or_with_an_unsafe_one_fails(authed):
    assert authed.lines("import")[0] == "failure"
    assert authed.lines("import", filename="../../etc/passwd")[0] == "failure"
    assert not ExchangeRun.objects.exists()


def test_import_is_polled_until_the_run_is_done(authed, django_capture_on_commit_callbacks):
    authed.lines("init")
    authed.upload("import0_1.xml", catalog_xml(3))

    with django_capture_on_commit_callbacks(execute=True):
        first = authed.lines("import", filename="import0_1.xml")

    assert first[0] == "progress"
    run = ExchangeRun.objects.get()
    assert run.status == RunStatus.QUEUED
    assert DBTaskResult.objects.filter(args_kwargs__args=[run.pk]).count() == 1
    assert authed.lines("import", filename="import0_1.xml")[0] == "progress"
    assert ExchangeRun.objects.count() == 1  # the same run, not a second one

    run_process(run.pk)
    done = authed.lines("import", filename="import0_1.xml")

    assert done[0] == "success", done
    assert Product.objects.count() == 3
    assert ExchangeRun.objects.count() == 1


def test_a_failed_run_answers_failure_with_its_reason(authed):
    authed.upload("import.xml", b"<?xml version='1.0'?><NotCommerceML/>")
    authed.lines("import", filename="import.xml")
    run = ExchangeRun.objects.get()

    run_process(run.pk)
    lines = authed.lines("import", filename="import.xml")

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert lines[0] == "failure"
    assert lines[1]
    assert "\n" not in lines[1]


def test_a_run_whose_worker_died_is_queued_again_by_the_next_poll(authed):
    authed.upload("import0_1.xml", catalog_xml(2))
    authed.lines("import", filename="import0_1.xml")
    run = ExchangeRun.objects.get()
    stale = timezone.now() - dt.timedelta(minutes=10)
    # A worker claimed it, then was killed: RUNNING, heartbeat long ago.
    ExchangeRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, claimed_by="dead-worker", heartbeat_at=stale, started_at=stale
    )
    tasks_before = DBTaskResult.objects.count()

    assert authed.lines("import", filename="import0_1.xml")[0] == "progress"

    assert DBTaskResult.objects.count() == tasks_before + 1
    task = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert task is not None
    assert task.args_kwargs["args"] == [run.pk]
    run_process(run.pk)  # what the worker does with that task
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert authed.lines("import", filename="import0_1.xml")[0] == "success"
    assert Product.objects.count() == 2


def test_a_live_run_is_not_queued_twice(authed):
    authed.upload("import0_1.xml", catalog_xml(2))
    authed.lines("import", filename="import0_1.xml")
    run = ExchangeRun.objects.get()
    ExchangeRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, claimed_by="live-worker", heartbeat_at=timezone.now()
    )
    tasks_before = DBTaskResult.objects.count()

    assert authed.lines("import", filename="import0_1.xml")[0] == "progress"
    assert DBTaskResult.objects.count() == tasks_before


def test_a_closed_session_still_reports_its_runs_and_nothing_else(authed):
    authed.upload("import0_1.xml", catalog_xml(1))
    authed.lines("import", filename="import0_1.xml")
    old_cookie, old_sessid = authed.cookie, authed.sessid
    authed.checkauth()  # 1C starts the next file
    authed.cookie, authed.sessid = old_cookie, old_sessid

    assert authed.lines("import", filename="import0_1.xml")[0] == "progress"
    assert authed.lines("import", filename="offers0_1.xml")[0] == "failure"
    assert authed.lines("init")[0] == "failure"
