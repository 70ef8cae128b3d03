def navigation(request):
    """Who is signed in, in what role and organisation: shown in the header of every page."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    if user.is_officer:
        organisation = "、".join(c.name for c in user.current_chains()) or ""
    elif user.department_id:
        organisation = user.department.name
    elif user.is_secretariat:
        organisation = "市总工会劳动和经济工作部"
    else:
        organisation = ""
    return {
        "nav_role": user.get_role_display() if user.role else "",
        "nav_organisation": organisation,
    }
