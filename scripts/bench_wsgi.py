"""The WSGI app `make bench-scale` serves with gunicorn: the project's, plus its bare floor view.

    gunicorn bench_wsgi:application -c gunicorn.conf.py --pythonpath scripts

Only the benchmark names this module (scripts/ is on no other path): production serves
`liaison.wsgi` and never has /bench/floor/.
"""

from bench_scale import mount_floor

from liaison.wsgi import application  # django.setup() happens here

mount_floor()

__all__ = ["application"]
