"""gunicorn's settings for production: `gunicorn liaison.wsgi -c gunicorn.conf.py -b 127.0.0.1:8000`.

Chosen by `make bench-load` (scripts/bench_load.py; README "Deployment" has the figures).
Override per host with the environment: WEB_CONCURRENCY (processes) and WEB_THREADS (threads
per process); command-line options (`-w`, `--threads`) win over both.
"""

import os

# Threads (gthread): a request spends much of its time waiting for PostgreSQL, so a few
# threads per process keep the cores busy without the memory of more processes; the GIL
# caps each process at one core of Python, hence about one process per core.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", str(os.cpu_count() or 1)))
threads = int(os.environ.get("WEB_THREADS", "4"))

# Bound each process's memory growth (fragmentation, caches): recycle it after this many
# requests, the jitter spreading the restarts so that the processes never recycle together.
# A safety net, not the way memory is kept flat: at 30 requests/s, 1,000 recycled each process
# every minute and its first requests met cold caches (templates, URLs, the calendar's SQL).
max_requests = 10000
max_requests_jitter = 1000

# Import the app once in the master: a recycled worker starts in milliseconds instead of
# re-importing Django, and the workers share the imported code's pages. Nothing connects to
# the database at import time, so no connection crosses the fork.
preload_app = True

# A request still running after `timeout` seconds is killed with its worker (PostgreSQL's
# statement_timeout, LIAISON_STATEMENT_TIMEOUT_MS, stops the query well before); on a
# restart, requests in flight get `graceful_timeout` to finish.
timeout = 60
graceful_timeout = 30
keepalive = 5  # seconds an idle keep-alive connection stays open (behind nginx or direct)

# The heartbeat file in memory: a slow or full disk never makes a healthy worker look hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # e.g. "-" for standard output
errorlog = "-"
