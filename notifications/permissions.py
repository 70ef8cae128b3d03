"""Who may do what with notifications' admin: the secretariat sees every delivery, sends a
failed one again (「重新投递」) and manages the webhooks
(DESIGN "Notifications and background work").
Declared as rules so that Django's admin asks the usual codenames."""

from __future__ import annotations

import rules

from organisation.models import User


@rules.predicate
def is_secretariat(user: User) -> bool:
    return getattr(user, "role", None) == User.Role.SECRETARIAT


for codename in ("view_delivery", "change_delivery"):
    rules.add_perm(f"notifications.{codename}", is_secretariat)
for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"notifications.{action}_webhook", is_secretariat)
