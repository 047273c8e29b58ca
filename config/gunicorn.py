"""Gunicorn settings, read from the environment: ``gunicorn -c config/gunicorn.py config.wsgi``.

Every value has a production default; set ``GUNICORN_*`` in the environment file
(``/etc/chengxin/env``, see docs/deployment.md) to change it. Logs go to stdout and stderr,
so systemd's journal keeps them with the application's own log lines.
"""

import multiprocessing
import os
from pathlib import Path


def _env(name: str, default: str) -> str:
    # An empty value means the default, as in the Django settings.
    return os.environ.get(name, "").strip() or default


def _int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


# Where nginx (or the load balancer) reaches this process. Bind to a private address only:
# the portal relies on the proxy in front for TLS and for an honest X-Forwarded-Proto.
bind = _env("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Processes, and threads in each: more than one thread switches to the gthread worker.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
# A worker silent for this long is killed and replaced. Large spreadsheet exports stream for
# a while, so this is longer than gunicorn's 30 s; keep nginx's proxy_read_timeout above it.
timeout = _int("GUNICORN_TIMEOUT", 120)
# On SIGTERM or a reload, requests in flight get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Seconds to keep an idle connection from nginx open (gthread workers only).
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, staggered, so a slow leak never grows into an outage.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# The proxies whose X-Forwarded-* headers gunicorn believes (comma-separated addresses or
# networks). nginx on the same machine is 127.0.0.1; list the load balancers' addresses when
# they talk to gunicorn directly.
forwarded_allow_ips = _env("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Access log on stdout, error log on stderr (journald). The client address comes first as
# nginx reports it in X-Forwarded-For; the peer address (the proxy) second; then the time
# taken in milliseconds. "-" as GUNICORN_ACCESS_LOG keeps stdout; "off" turns it off.
_access_log = _env("GUNICORN_ACCESS_LOG", "-")
accesslog = None if _access_log == "off" else _access_log
errorlog = "-"
loglevel = _env("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%({x-forwarded-for}i)s %(h)s %(u)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
)
proc_name = "chengxin-web"

# The heartbeat file lives in memory where there is /dev/shm: a busy disk must not make the
# master think a healthy worker is hung.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"

# Gunicorn's runtime control socket (gunicornc) is off unless a path is given: the service
# user usually has no home directory to put it in.
_control_socket = _env("GUNICORN_CONTROL_SOCKET", "")
if _control_socket:
    control_socket = _control_socket
else:
    control_socket_disable = True
