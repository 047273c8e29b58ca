"""The Celery application.

Broker and schedule come from Django settings (``CELERY_*``). The beat schedule is declared
in code in ``config.settings.base.CELERY_BEAT_SCHEDULE`` so that every deployment runs the
same periodic scans; exactly one beat process may run per deployment.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("chengxin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
