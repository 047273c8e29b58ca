"""What the console shows while the portal runs in the embedded mode: one line per email
(the message itself in a file under var/mail/), and one line per refused request."""

import io
import logging

from django.core.mail import send_mail


def test_an_email_is_written_whole_to_a_file_and_noted_in_one_line(settings, tmp_path, caplog):
    settings.EMAIL_BACKEND = "config.mail.SummaryFileEmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    body = "南京市财政局：\n\n整改期限将至。\n\n在平台中查看： http://127.0.0.1:8001/workspace/records/7/\n"

    with caplog.at_level(logging.INFO, logger="chengxin.mail"):
        send_mail("[诚信] 整改期限将至", body, None, ["liaison@example.org"])

    (written,) = (tmp_path / "mail").iterdir()
    text = written.read_text(encoding="utf-8")
    assert "To: liaison@example.org" in text
    assert "http://127.0.0.1:8001/workspace/records/7/" in text
    (line,) = [record.getMessage() for record in caplog.records if record.name == "chengxin.mail"]
    assert "\n" not in line
    assert "liaison@example.org" in line
    assert "[诚信] 整改期限将至" in line
    assert str(written) in line


def test_a_refused_request_logs_one_line_without_a_traceback(login, user_without_role):
    console = next(
        handler
        for handler in logging.getLogger().handlers
        if any(type(f).__name__ == "ClientErrorsWithoutTraceback" for f in handler.filters)
    )
    captured = io.StringIO()
    previous = console.setStream(captured)
    try:
        response = login(user_without_role).get("/workspace/departments/")
    finally:
        console.setStream(previous)

    assert response.status_code == 403
    lines = captured.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert "Forbidden" in lines[0]
    assert "/workspace/departments/" in lines[0]
    assert "Traceback" not in captured.getvalue()
