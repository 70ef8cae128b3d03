"""Who may read which report (DESIGN "Roles and visibility", "Reports").

The figures, ledgers and charts count only the issues a person may see
(`Issue.objects.visible_to`); these rules say who may open a report at all. The annual report
and the reports page list every issue of a year, so they are for the two roles that see
every issue; anyone else signed in gets 403 (the page exists, it is not for their role).
"""

from __future__ import annotations

import rules

from organisation.models import User


@rules.predicate
def sees_every_issue(user: User) -> bool:
    return getattr(user, "role", None) in (User.Role.SECRETARIAT, User.Role.LEADER)


# The dashboard and the issue ledger are open to everyone signed in: they show the figures and
# rows of the issues the person may see (nothing at all for an account without a role).
rules.add_perm("reports.view_dashboard", rules.is_authenticated)
rules.add_perm("reports.export_issues", rules.is_authenticated)
# The whole picture (every union, chain and department, even those with nothing to count).
rules.add_perm("reports.view_everything", sees_every_issue)
rules.add_perm("reports.read_annual", sees_every_issue)
# The decisions ledger asks `meetings.read` (meetings.permissions): it lists meetings' decisions.
