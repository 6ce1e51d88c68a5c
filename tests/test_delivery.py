"""The report goes out by itself: each destination's exact message and signature, checked
against a local HTTP server; e-mail through a local SMTP server with STARTTLS; retries;
schedules that send once per slot, across threads; secrets out of backups and messages."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import subprocess
import threading
import urllib.parse
from email import message_from_bytes
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ecdata.delivery import (
    DeliveryError,
    Destination,
    Digest,
    deliver,
    dingtalk_sign,
    feishu_sign,
)
from ecdata.i18n import Refusal
from ecdata.schedules import (
    Alerts,
    Schedule,
    add_schedule,
    latest_slot,
    next_slot,
    remove_schedule,
    report_range,
    run_due,
    schedules,
    send_status,
)
from ecdata.store.backup import backup

PNG = b"\x89PNG\r\n\x1a\n" + b"picture" * 10
DIGEST = Digest(
    "周例会报告 2026-W47", ("**支付金额** ¥117.64万", "**询单人数** 14,659"), PNG, b"%PDF"
)


class Hooks:
    """A local webhook endpoint: records each request, answers as the API does."""

    def __init__(self, answers: list[tuple[int, str]] | None = None):
        self.requests: list[tuple[str, dict]] = []
        self.answers = list(answers or [])
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hooks.requests.append((self.path, json.loads(body)))
                status, text = hooks.answers.pop(0) if hooks.answers else (200, '{"errcode":0}')
                self.send_response(status)
                self.end_headers()
                self.wfile.write(text.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def hooks():
    h = Hooks()
    yield h
    h.close()


def test_dingtalk_markdown_signed_with_hmac_sha256(hooks):
    dest = Destination.parse(f"dingtalk:{hooks.url}/robot/send?access_token=T0KEN", "SEC123")
    assert deliver(dest, DIGEST) == 1
    path, body = hooks.requests[0]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    assert query["access_token"] == ["T0KEN"]
    stamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(b"SEC123", f"{stamp}\nSEC123".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]  # parse_qs undid the URL encoding
    assert dingtalk_sign("SEC123", int(stamp)) == urllib.parse.quote_plus(expected)
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == DIGEST.title
    assert body["markdown"]["text"].startswith(
        "**周例会报告 2026-W47**\n\n- **支付金额** ¥117.64万"
    )


def test_wecom_markdown_then_the_png_as_base64_with_its_md5(hooks):
    dest = Destination.parse(f"wecom:{hooks.url}/cgi-bin/webhook/send?key=K")
    deliver(dest, DIGEST)
    (_, text), (_, image) = hooks.requests
    assert text == {"msgtype": "markdown", "markdown": {"content": DIGEST.markdown}}
    assert image["msgtype"] == "image"
    raw = base64.b64decode(image["image"]["base64"])
    assert raw == PNG and image["image"]["md5"] == hashlib.md5(PNG).hexdigest()


def test_a_png_over_two_megabytes_goes_to_wecom_as_a_smaller_jpeg():
    import io

    from PIL import Image

    from ecdata.delivery import WECOM_IMAGE_BYTES, wecom_image

    noise = Image.effect_noise((1500, 1500), 120).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert len(out.getvalue()) > WECOM_IMAGE_BYTES
    smaller = wecom_image(out.getvalue())
    assert len(smaller) <= WECOM_IMAGE_BYTES and smaller[:2] == b"\xff\xd8"


def test_feishu_card_signed_with_the_timestamp_and_secret_as_key(hooks):
    dest = Destination.parse(f"feishu:{hooks.url}/open-apis/bot/v2/hook/abc", "FS")
    deliver(dest, DIGEST)
    _, body = hooks.requests[0]
    stamp = body["timestamp"]
    key = f"{stamp}\nFS".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["sign"] == feishu_sign("FS", int(stamp))
    assert body["msg_type"] == "interactive"
    assert body["card"]["header"]["title"]["content"] == DIGEST.title
    assert body["card"]["elements"][0] == {"tag": "markdown", "content": DIGEST.markdown}


def test_slack_blocks_in_mrkdwn_and_the_png_by_its_public_link(hooks):
    hooks.answers = [(200, "ok")]
    linked = Digest(DIGEST.title, DIGEST.lines, PNG, None, png_url="https://r.example/x.png")
    deliver(Destination.parse(f"slack:{hooks.url}/services/T/B/X"), linked)
    _, body = hooks.requests[0]
    assert body["text"] == DIGEST.title
    header, section, image = body["blocks"]
    assert header["text"] == {"type": "plain_text", "text": DIGEST.title}
    assert section["text"]["text"] == "• *支付金额* ¥117.64万\n• *询单人数* 14,659"
    assert image == {
        "type": "image",
        "image_url": "https://r.example/x.png",
        "alt_text": DIGEST.title,
    }


def test_a_refusal_is_retried_with_growing_waits_and_never_shows_the_token(hooks):
    hooks.answers = [(200, '{"errcode":310000,"errmsg":"sign not match"}')] * 3
    waits = []
    dest = Destination.parse(f"dingtalk:{hooks.url}/robot/send?access_token=SECRET-T0KEN")
    with pytest.raises(DeliveryError) as raised:
        deliver(dest, DIGEST, attempts=3, backoff_seconds=2, sleep=waits.append)
    assert waits == [2, 4] and len(hooks.requests) == 3
    said = raised.value.message.text("en")
    assert "310000: sign not match" in said and "127.0.0.1" in said
    assert "SECRET-T0KEN" not in said
    # The second attempt succeeding is one retry, said as two attempts.
    hooks.answers = [(502, "bad gateway"), (200, '{"errcode":0}')]
    assert deliver(dest, DIGEST, sleep=waits.append) == 2


def test_destinations_that_are_not_one_are_refused_by_name():
    for text in ("dingding:https://x", "slack:ftp://x/y", "wecom", "smtp:mail.example.com"):
        with pytest.raises(Refusal) as refused:
            Destination.parse(text)
        assert "dingtalk, wecom, feishu, slack, smtp" in refused.value.message.text("en")
    assert Destination.parse("smtps://u:p@mail.example.com").label == "smtp:mail.example.com"


@pytest.fixture
def smtp_server(tmp_path, monkeypatch):
    """aiosmtpd on a free port, STARTTLS required, a self-signed certificate the client is
    told to trust (SSL_CERT_FILE, which ssl.create_default_context reads)."""
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    received = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's)
            received.append(envelope)
            return "250 OK"

    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"reports" and auth_data.password == b"pa ss"
        return AuthResult(success=ok)

    import socket

    with socket.socket() as probe:  # a free port (the controller checks it by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        Keep(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
        authenticator=check, auth_require_tls=True,
    )  # fmt: skip
    controller.start()
    yield controller, received
    controller.stop()


def test_email_over_starttls_with_the_png_inline_and_the_pdf_attached(smtp_server):
    controller, received = smtp_server
    port = controller.port
    dest = Destination.parse(
        f"smtp://reports:pa%20ss@localhost:{port}?from=ecdata@shop.example&to=boss@shop.example"
    )
    assert deliver(dest, DIGEST) == 1
    (envelope,) = received
    assert envelope.rcpt_tos == ["boss@shop.example"]
    mail = message_from_bytes(envelope.content, policy=default)
    assert mail["Subject"] == DIGEST.title
    parts = {p.get_content_type(): p for p in mail.walk()}
    assert parts["image/png"].get_payload(decode=True) == PNG
    assert parts["application/pdf"].get_payload(decode=True) == b"%PDF"
    assert "支付金额" in parts["text/plain"].get_content()
    # A server that is not there: said with the destination's host, never its password.
    gone = Destination.parse("smtp://reports:Wr0ngPass@127.0.0.1:9?to=boss@shop.example")
    with pytest.raises(DeliveryError) as refused:
        deliver(gone, DIGEST, attempts=1)
    said = refused.value.message.text("en")
    assert "smtp:127.0.0.1" in said and "ConnectionRefused" in said and "Wr0ngPass" not in said


# --- schedules -------------------------------------------------------------------------------

MONDAY_9 = Schedule("周一例会", "weekly", 0, "09:00", "Asia/Shanghai", lang="en")


def test_slots_in_the_schedules_time_zone():
    # Monday 2026-11-23 09:00 in Shanghai is 01:00 UTC.
    at = dt.datetime(2026, 11, 23, 1, 30)
    assert latest_slot(MONDAY_9, at) == dt.datetime(2026, 11, 23, 1, 0)
    assert latest_slot(MONDAY_9, dt.datetime(2026, 11, 23, 0, 59)) == dt.datetime(2026, 11, 16, 1)
    assert next_slot(MONDAY_9, at) == dt.datetime(2026, 11, 30, 9, 0)  # in its own zone
    london = Schedule("daily", "daily", 0, "08:00", "Europe/London")
    # 08:00 London is 08:00 UTC in winter and 07:00 UTC in summer (daylight saving).
    assert latest_slot(london, dt.datetime(2026, 11, 23, 9)) == dt.datetime(2026, 11, 23, 8)
    assert latest_slot(london, dt.datetime(2026, 7, 1, 9)) == dt.datetime(2026, 7, 1, 7)
    # A weekly send reports the last full week; a daily one the week up to yesterday.
    assert report_range(MONDAY_9, dt.datetime(2026, 11, 23, 1)) == (
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 22),
    )
    daily = Schedule("d", "daily", 0, "09:00", "Asia/Shanghai")
    assert report_range(daily, dt.datetime(2026, 11, 26, 1)) == (
        dt.date(2026, 11, 23),
        dt.date(2026, 11, 25),
    )


def fake_render(cur, schedule, first, last):
    """The report without Chromium (tests/test_report.py draws the real one)."""
    return f"Weekly report {first}", PNG, b"%PDF"


def test_a_schedule_sends_once_per_slot_and_says_what_came_of_it(store, hooks):
    from helpers import ROOT

    from ecdata.ingest.upload import ingest_file

    ingest_file(store, ROOT / "sample_data" / "生意参谋_店铺整体_淘宝C店.csv", store_name="淘宝C店")
    made = dt.datetime(2026, 11, 20)
    dest = Destination.parse(f"feishu:{hooks.url}/hook/abc", "FS")
    sid = add_schedule(store, MONDAY_9, dest)
    store_cur = store.reader()
    store_cur.execute("UPDATE report_schedules SET created_at = ?", [made])
    at = dt.datetime(2026, 11, 23, 1, 5)
    assert run_due(store, at, renderer=fake_render) == [(sid, "report", None)]
    assert run_due(store, at + dt.timedelta(minutes=1), renderer=fake_render) == []
    assert len(hooks.requests) == 1
    card = hooks.requests[0][1]["card"]["elements"][0]["content"]
    assert "Weekly report 2026-11-16" in json.dumps(hooks.requests[0][1], ensure_ascii=False)
    assert "**Sales**" in card
    status = send_status(store.reader()).iloc[0]
    assert status.error is None and status.sent_at is not None
    # The next Monday the destination refuses: kept as the reason, shown on the page.
    hooks.answers = [
        (200, '{"code":19021,"msg":"sign match fail or timestamp is not within one hour"}')
    ]
    run_due(store, at + dt.timedelta(days=7), renderer=fake_render, attempts=1)
    status = send_status(store.reader()).iloc[0]
    assert "19021" in status.error and pd_isna(status.sent_at)
    # A slot missed by more than the grace (the server was down all Monday) is not sent.
    assert run_due(store, at + dt.timedelta(days=14, hours=7), renderer=fake_render) == []
    assert remove_schedule(store, sid) and schedules(store.reader()) == []


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_two_checks_at_once_send_once(store, hooks):
    """Two schedulers' threads wake at the same minute: the claim lets one send."""
    dest = Destination.parse(f"slack:{hooks.url}/services/T/B/X")
    hooks.answers = [(200, "ok")] * 4
    add_schedule(store, Schedule("daily", "daily", 0, "09:00", "Asia/Shanghai"), dest)
    store.reader().execute("UPDATE report_schedules SET created_at = TIMESTAMP '2026-11-01'")
    at = dt.datetime(2026, 11, 23, 1, 1)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(run_due(store, at, renderer=fake_render)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(r) for r in results) == [0, 0, 0, 1]
    assert len(hooks.requests) == 1


def test_alerts_when_inquiry_cost_rises_past_its_line(store, hooks, tmp_path):
    from ecdata.ingest.upload import ingest_file

    days = [dt.date(2026, 11, 9) + dt.timedelta(days=i) for i in range(14)]
    # Spend 100 a day; 10 inquiries a day the first week, 5 the second: cost doubles.
    rows = "".join(f"{d},{10 if d < dt.date(2026, 11, 16) else 5},100\n" for d in days)
    path = tmp_path / "store.csv"
    path.write_text("日期,询单人数,花费\n" + rows, encoding="utf-8")
    assert ingest_file(store, path, store_name="A店", today=dt.date(2026, 11, 26)).ok
    schedule = Schedule("周一", "weekly", 0, "09:00", "Asia/Shanghai", ("A店",), "en",
                        alerts=Alerts(inquiry_cost_up=0.5))  # fmt: skip
    hooks.answers = [(200, "ok")] * 2
    add_schedule(store, schedule, Destination.parse(f"slack:{hooks.url}/services/T/B/X"))
    store.reader().execute("UPDATE report_schedules SET created_at = TIMESTAMP '2026-11-01'")
    sent = run_due(store, dt.datetime(2026, 11, 23, 1, 2), renderer=fake_render)
    assert [what for _, what, _ in sent] == ["report", "alert"]
    alert = hooks.requests[1][1]
    assert alert["text"] == "Alert: 周一"
    assert "Inquiry cost rose 100.0% on last week (alert above 50.0%)" in json.dumps(alert)


def test_secrets_stay_out_of_backups_and_listings(store, tmp_path):
    import duckdb

    dest = Destination.parse("dingtalk:https://oapi.dingtalk.com/robot/send?access_token=ABC", "S3")
    add_schedule(store, MONDAY_9, dest)
    (listed,) = schedules(store.reader())
    assert listed.label == "dingtalk:oapi.dingtalk.com"
    backup(store, tmp_path / "b")
    dumped = duckdb.sql(
        f"SELECT url, secret FROM read_parquet('{tmp_path / 'b'}/report_destinations.parquet')"
    ).fetchall()
    assert dumped == [(None, None)]
    for path in (tmp_path / "b").iterdir():
        assert b"ABC" not in path.read_bytes() or path.suffix != ".parquet"


def test_a_store_limited_manager_schedules_only_its_stores(store):
    from ecdata.store.accounts import add_user
    from ecdata.store.database import StoreNotGranted, acting_as

    add_user(store, "ana", "manager", "pw-long-enough-1", stores=["A店"])
    dest = Destination.parse("slack:https://hooks.slack.com/services/T/B/X")
    with acting_as("ana"):
        with pytest.raises(StoreNotGranted):
            add_schedule(store, MONDAY_9, dest)  # every store's numbers
        sid = add_schedule(store, Schedule("A", stores=("A店",)), dest)
        assert [s.schedule_id for s in schedules(store.reader(stores=("A店",)))] == [sid]
    add_user(store, "vic", "viewer", "pw-long-enough-2", stores=["A店"])
    with acting_as("vic"), pytest.raises(Refusal):
        add_schedule(store, Schedule("B", stores=("A店",)), dest)


def test_the_review_page_adds_a_schedule_and_shows_what_came_of_its_sends(db):
    from helpers import app, opened

    from ecdata.store import Store

    at = opened(app(lang="en"), "sch_open")
    at.text_input(key="sch_name").set_value("Monday chat")
    at.text_input(key="sch_target").set_value(
        "wecom:https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY-123"
    )
    at.button(key="sch_save").click().run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown) + " ".join(s.value for s in at.success)
    assert "Monday chat" in shown and "wecom:qyapi.weixin.qq.com" in shown
    assert "KEY-123" not in shown  # the URL is the key: never on the page
    # A send that failed is said beside the schedule.
    with Store(db) as store:
        sid = schedules(store.reader())[0].schedule_id
        store.reader().execute(
            "INSERT INTO report_sends (schedule_id, slot, what, error) VALUES "
            "(?, TIMESTAMP '2026-11-23 01:00', 'report', '93000: invalid webhook url')",
            [sid],
        )
    at = opened(app(lang="en"), "sch_open")
    assert any("The last send failed: 93000: invalid webhook url" in e.value for e in at.error)
    # An empty name or a destination that is not one: refused in the reader's language.
    at.text_input(key="sch_target").set_value("mail.example.com")
    at.button(key="sch_save").click().run()
    assert any("not a destination" in e.value for e in at.error)


def test_the_server_starts_one_scheduler_that_checks_the_schedules(store, monkeypatch):
    import time

    import ecdata.schedules as sched

    calls = []
    monkeypatch.setattr(sched, "run_due", lambda s: calls.append(s))
    monkeypatch.setattr(sched, "_STARTED", {})
    first = sched.start_scheduler(store, every_seconds=1)
    try:
        assert sched.start_scheduler(store, every_seconds=1) is first  # once per process
        deadline = time.time() + 10
        while not calls and time.time() < deadline:
            time.sleep(0.2)
        assert calls and calls[0] is store
    finally:
        first.shutdown(wait=False)


def test_a_store_behind_its_months_pace_is_an_alert(store, hooks, tmp_path):
    from ecdata.ingest.upload import ingest_file

    # November to the 22nd: 22/30 = 73.3% of the month gone; sales 1,000 a day against a
    # 60,000 target: 22,000 is 36.7% of it.
    days = [dt.date(2026, 11, 1) + dt.timedelta(days=i) for i in range(22)]
    sales = tmp_path / "sales.csv"
    sales.write_text("日期,支付金额\n" + "".join(f"{d},1000\n" for d in days), "utf-8")
    costs = tmp_path / "costs.csv"
    costs.write_text("月份,店铺,销售目标\n2026-11,A店,60000\n", "utf-8")
    for path in (sales, costs):
        assert ingest_file(store, path, store_name="A店", today=dt.date(2026, 11, 26)).ok
    schedule = Schedule("周一", "weekly", 0, "09:00", "Asia/Shanghai", ("A店",), "en",
                        alerts=Alerts(below_pace=True))  # fmt: skip
    hooks.answers = [(200, "ok")] * 2
    add_schedule(store, schedule, Destination.parse(f"slack:{hooks.url}/services/T/B/X"))
    store.reader().execute("UPDATE report_schedules SET created_at = TIMESTAMP '2026-11-01'")
    run_due(store, dt.datetime(2026, 11, 23, 1, 2), renderer=fake_render)
    alert = json.dumps(hooks.requests[1][1], ensure_ascii=False)
    assert "A店: 36.7% of the month's sales target, behind the month's pace of 73.3%" in alert
