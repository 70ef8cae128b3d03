"""Issues under supervision: assigned to 市人社局 (hrss) through the real services."""

from datetime import date, datetime, time

import pytest
import time_machine
from django.utils import timezone

from issues.models import Issue
from issues.services import perform_transition
from organisation.models import Department
from tests.issue_helpers import accept, assign, file_issue


def at(day: date, hour: int = 10):
    """The clock on `day` in Beijing, standing still."""
    return time_machine.travel(timezone.make_aware(datetime.combine(day, time(hour))), tick=False)


def handled(officer, clerk, *, on: date, due: date, staff=None, title="高级测试工程师招聘难"):
    """A 软件 issue assigned to 市人社局 on `on`, due `due`; accepted then by `staff` if given."""
    with at(on):
        issue = perform_transition(
            file_issue(officer, title=title),
            "assign",
            clerk,
            department=Department.objects.get(code="hrss"),
            due_date=due,
        )
        return perform_transition(issue, "accept", staff) if staff else issue


@pytest.fixture
def assigned(software_officer, secretariat, hrss_staff) -> Issue:
    """A 软件 issue assigned to 市人社局, due in ten days."""
    return assign(file_issue(software_officer), secretariat)


@pytest.fixture
def accepted(assigned, hrss_staff) -> Issue:
    return accept(assigned, hrss_staff)
