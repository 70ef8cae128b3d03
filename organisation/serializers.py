from django.urls import reverse
from rest_framework import serializers

from organisation.models import (
    Department,
    IndustryChain,
    IndustryUnion,
    IssueCategory,
    Measure,
    User,
)


class UnionSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndustryUnion
        fields = ["id", "code", "name", "is_example"]


class OfficerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")

    class Meta:
        model = User
        fields = ["id", "username", "name"]


class ChainSerializer(serializers.ModelSerializer):
    union: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    union_name = serializers.CharField(source="union.name", read_only=True)
    officer = serializers.SerializerMethodField()

    class Meta:
        model = IndustryChain
        fields = ["id", "code", "name", "union", "union_name", "union_is_assumed", "officer"]

    def get_officer(self, chain) -> dict | None:
        terms = getattr(chain, "active_terms", None)
        term = terms[0] if terms else None
        return OfficerSerializer(term.officer).data if term else None


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        # The leader's e-mail address is for the 督办 copy only, not for every API reader.
        fields = ["id", "code", "name", "short_name", "leader_name", "leader_title"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = IssueCategory
        fields = ["id", "code", "name", "default_days"]


class MeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["id", "number", "title"]


class CalendarYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    holidays = serializers.ListField(child=serializers.DateField())
    workdays = serializers.ListField(child=serializers.DateField())


class MeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    chains = serializers.SerializerMethodField()
    department: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    department_name = serializers.CharField(source="department.name", default=None, read_only=True)
    calendar_url = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "name",
            "role",
            "chains",
            "department",
            "department_name",
            "email",
            "calendar_url",
        ]

    def get_calendar_url(self, user) -> str:
        path = f"{reverse('meetings-ics')}?feed={user.feed_key()}"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_chains(self, user) -> list[str]:
        return sorted(user.current_chains().values_list("code", flat=True))
