import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
# A web process: its PostgreSQL statements get the web timeout (liaison/database.py).
os.environ.setdefault("LIAISON_PROCESS", "web")
application = get_wsgi_application()
