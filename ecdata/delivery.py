"""Sending the weekly report where the team talks: 钉钉, 企业微信 and 飞书 group robots, a Slack
incoming webhook, or e-mail over SMTP with TLS, each in the message format its API documents.

A destination is written `KIND:URL` (dingtalk:https://oapi.dingtalk.com/robot/send?access_token=…,
smtp://user:password@host:587?from=a@x.com&to=b@y.com); 钉钉 and 飞书 robots with signing take
their secret beside it. The URL and the secret are secrets (a webhook's token is its access):
messages, logs and pages name a destination by its kind and host only (`label`).

What is sent: the digest (the week's key numbers as markdown) and the long PNG as each API
takes images: 企业微信 as base64 with its md5; 钉钉, 飞书 and Slack robots take no uploads,
so the PNG goes as a link when the report has a public address; e-mail carries the PNG
inline and the PDF attached. Failures are retried with growing waits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from ecdata.i18n import Refusal

KINDS = ("dingtalk", "wecom", "feishu", "slack", "smtp")
# 企业微信 takes images up to 2 MB and markdown up to 4,096 bytes.
WECOM_IMAGE_BYTES = 2 * 1024 * 1024
WECOM_MARKDOWN_BYTES = 4096
TIMEOUT_SECONDS = 20


class DeliveryError(Refusal):
    """A destination refused the message or could not be reached; says which (by its label,
    never its URL) and why."""


@dataclass(frozen=True)
class Destination:
    kind: str
    url: str
    secret: str = ""  # 钉钉 / 飞书 signing secret

    @classmethod
    def parse(cls, text: str, secret: str = "") -> Destination:
        """`KIND:URL` as typed on the page or given to `report --send` (an e-mail server is
        its URL itself: smtp://… or smtps://…); refused (Refusal) with the kinds named."""
        kind, sep, rest = text.strip().partition(":")
        kind = kind.lower()
        url = f"{kind}:{rest}" if kind in ("smtp", "smtps") else rest
        parsed = urllib.parse.urlsplit(url)
        web = parsed.scheme in ("https", "http") and kind in KINDS and kind != "smtp"
        mail = kind in ("smtp", "smtps") and parsed.scheme == kind
        if not sep or not (web or mail) or not parsed.hostname:
            raise Refusal("err.send_target", text=_shown(text), kinds=", ".join(KINDS))
        return cls("smtp" if mail else kind, url, secret)

    @property
    def label(self) -> str:
        """What may be shown and logged: the kind and the host, no token, no password."""
        return f"{self.kind}:{urllib.parse.urlsplit(self.url).hostname}"


def _shown(text: str) -> str:
    """A destination someone typed, cut before anything that could be its token."""
    return text.split("?")[0].split("@")[-1][:60]


@dataclass(frozen=True)
class Digest:
    """What a message says: a title, markdown lines, and the report's files."""

    title: str
    lines: tuple[str, ...]
    png: bytes | None = None
    pdf: bytes | None = None
    png_url: str = ""  # a public address of the PNG, for APIs that take images by link

    @property
    def markdown(self) -> str:
        text = f"**{self.title}**\n\n" + "\n".join(f"- {line}" for line in self.lines)
        if self.png_url:
            text += f"\n\n![{self.title}]({self.png_url})"
        return text


# --- the message each API documents --------------------------------------------------------


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 custom robot signing: base64(HmacSHA256(secret, "timestamp\\nsecret")), URL-encoded."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """飞书 custom bot signing: base64(HmacSHA256 keyed by "timestamp\\nsecret", of nothing)."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def requests_for(destination: Destination, digest: Digest, now: float) -> list[tuple[str, dict]]:
    """The HTTP requests (URL, JSON body) that deliver `digest` to a webhook destination, in
    order; `now` is the time they are signed at (seconds since the epoch)."""
    kind, url = destination.kind, destination.url
    if kind == "dingtalk":
        if destination.secret:
            ms = int(now * 1000)
            joiner = "&" if "?" in url else "?"
            url += f"{joiner}timestamp={ms}&sign={dingtalk_sign(destination.secret, ms)}"
        markdown = {"title": digest.title, "text": digest.markdown}
        return [(url, {"msgtype": "markdown", "markdown": markdown})]
    if kind == "wecom":
        text = digest.markdown.encode()[:WECOM_MARKDOWN_BYTES].decode(errors="ignore")
        out = [(url, {"msgtype": "markdown", "markdown": {"content": text}})]
        if digest.png:
            image = wecom_image(digest.png)
            out.append(
                (
                    url,
                    {
                        "msgtype": "image",
                        "image": {
                            "base64": base64.b64encode(image).decode(),
                            "md5": hashlib.md5(image).hexdigest(),
                        },
                    },
                )
            )
        return out
    if kind == "feishu":
        card: dict = {
            "msg_type": "interactive",
            "card": {
                "header": {"title": {"tag": "plain_text", "content": digest.title}},
                "elements": [{"tag": "markdown", "content": digest.markdown}],
            },
        }
        if destination.secret:
            seconds = int(now)
            signed = {"timestamp": str(seconds), "sign": feishu_sign(destination.secret, seconds)}
            card = signed | card
        return [(url, card)]
    if kind == "slack":
        # Slack's mrkdwn bolds with one star.
        text = "\n".join(f"• {line}" for line in digest.lines).replace("**", "*")
        blocks: list[dict] = [
            {"type": "header", "text": {"type": "plain_text", "text": digest.title[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}},
        ]
        if digest.png_url:
            blocks.append({"type": "image", "image_url": digest.png_url, "alt_text": digest.title})
        return [(url, {"text": digest.title, "blocks": blocks})]
    raise ValueError(f"{kind} is not a webhook")


def wecom_image(png: bytes) -> bytes:
    """The PNG as 企业微信 takes it: as it is under 2 MB, else a JPEG small enough."""
    if len(png) <= WECOM_IMAGE_BYTES:
        return png
    from PIL import Image

    picture = Image.open(io.BytesIO(png)).convert("RGB")
    for quality in (85, 70, 55, 40):
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=quality, optimize=True)
        if out.tell() <= WECOM_IMAGE_BYTES:
            return out.getvalue()
        picture = picture.resize((picture.width * 4 // 5, picture.height * 4 // 5))
    return out.getvalue()


def _accepted(kind: str, status: int, text: str) -> str | None:
    """None when the API says the message was taken, else its reason."""
    if status >= 300:
        return f"HTTP {status}: {text[:200]}"
    if kind == "slack":
        return None if text.strip() == "ok" else text[:200]
    try:
        answer = json.loads(text or "{}")
    except json.JSONDecodeError:
        return text[:200]
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode", 0)))
    if code in (0, None):
        return None
    return f"{code}: {answer.get('errmsg') or answer.get('msg') or answer.get('StatusMessage')}"


def post_json(url: str, body: dict) -> tuple[int, str]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def email_for(destination: Destination, digest: Digest) -> EmailMessage:
    """The e-mail: the digest as text and HTML with the PNG inline, the PDF attached."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(destination.url).query)
    message = EmailMessage()
    message["Subject"] = digest.title
    message["From"] = query.get("from", ["ecdata@localhost"])[0]
    message["To"] = ", ".join(query.get("to", []))
    message.set_content(digest.title + "\n\n" + "\n".join(f"- {line}" for line in digest.lines))
    cid = make_msgid(domain="ecdata")
    items = "".join(f"<li>{_html(line)}</li>" for line in digest.lines)
    image = f"<img src='cid:{cid[1:-1]}' style='max-width:100%'>" if digest.png else ""
    message.add_alternative(
        f"<h2>{_html(digest.title)}</h2><ul>{items}</ul>{image}", subtype="html"
    )
    if digest.png:
        html_part = message.get_body(preferencelist=("html",))
        assert isinstance(html_part, EmailMessage)  # the alternative added just above
        html_part.add_related(digest.png, "image", "png", cid=cid)
    if digest.pdf:
        message.add_attachment(digest.pdf, "application", "pdf", filename=f"{digest.title}.pdf")
    return message


def _html(text: str) -> str:
    import html

    return html.escape(text).replace("**", "")


def send_email(destination: Destination, digest: Digest) -> None:
    """Over SMTP with TLS: STARTTLS on smtp:// (port 587 by default), TLS from the first byte
    on smtps:// (465); the server's certificate is checked against the system's CAs."""
    parts = urllib.parse.urlsplit(destination.url)
    message = email_for(destination, digest)
    if not message["To"]:
        raise DeliveryError("err.send_failed", to=destination.label, why="no ?to= address")
    context = ssl.create_default_context()
    host = parts.hostname or ""
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            host, parts.port or 465, context=context, timeout=TIMEOUT_SECONDS
        )
    else:
        client = smtplib.SMTP(host, parts.port or 587, timeout=TIMEOUT_SECONDS)
        client.starttls(context=context)
    with client:
        if parts.username:
            client.login(
                urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")
            )
        client.send_message(message)


def deliver(
    destination: Destination,
    digest: Digest,
    attempts: int = 3,
    backoff_seconds: float = 5.0,
    sleep: Callable[[float], None] = time.sleep,
    post: Callable[[str, dict], tuple[int, str]] = post_json,
) -> int:
    """Send `digest`, retrying a failure after backoff_seconds, then twice that, …; returns
    the attempts it took. DeliveryError (naming the destination's label and the last reason)
    when every attempt failed."""
    why = ""
    for attempt in range(1, attempts + 1):
        try:
            if destination.kind == "smtp":
                send_email(destination, digest)
                return attempt
            for url, body in requests_for(destination, digest, time.time()):
                status, text = post(url, body)
                refused = _accepted(destination.kind, status, text)
                if refused:
                    raise DeliveryError("err.send_failed", to=destination.label, why=refused)
            return attempt
        except DeliveryError as error:
            why = str(error.message.params.get("why", ""))
        except smtplib.SMTPException as error:
            why = f"{type(error).__name__}: {str(error)[:200]}"
        except OSError as error:
            # Never the URL: an error from urllib may quote it, with its token.
            reason = getattr(error, "reason", None) or error.strerror or ""
            why = f"{type(error).__name__}: {reason}"
        if attempt < attempts:
            sleep(backoff_seconds * 2 ** (attempt - 1))
    raise DeliveryError("err.send_failed", to=destination.label, why=why)
