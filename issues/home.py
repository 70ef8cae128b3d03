"""What waits for each person on the home page (filled by the issues workflow)."""


def work_for(user) -> dict:
    return {}
