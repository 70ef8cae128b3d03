from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from issues.home import work_for


@login_required
def home(request):
    """My work: what waits for the signed-in person, by role."""
    return render(request, "liaison/home.html", {"work": work_for(request.user)})
